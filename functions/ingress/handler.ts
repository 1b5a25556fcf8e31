/**
 * `POST /webhooks/{source}`: verify, record once, queue. Thin: the rules live in
 * shared/inbound/receive.ts; this maps the outcome to the response, the log line and metrics.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { DependencyError, SignatureError } from '../../shared/errors';
import { signedRequest } from '../../shared/http/api-gateway';
import { errorResponse, jsonResponse, statusFor, type HttpResponse } from '../../shared/http/responses';
import { DynamoDbEventStore } from '../../shared/store/dynamodb/event-store';
import { DynamoDbHandshakeSecretStore } from '../../shared/store/dynamodb/handshake-secret-store';
import { findSource, receiveWebhook, type ReceiveDeps } from '../../shared/inbound/receive';
import { EnvSecretSource, FetchedSecretSource, type SecretSource } from '../../shared/inbound/secrets';
import type { HandshakeResponse } from '../../shared/signatures/types';
import { S3PayloadStore } from '../../shared/store/payload-store';
import { eventStatusChange } from '../../shared/status/changes';
import { createDocumentClient, createS3Client, createSqsClient, gatewayConfig, requiredEnv } from '../environment';
import { GatewayMetrics } from '../metrics';
import { createStatusReporter, type StatusReporter } from '../status-reporter';
import { SqsQueue } from '../../shared/queue/sqs-queue';

const logger = new Logger({ serviceName: 'ingress' });
// Every figure under {service} (alarms, dashboard) and {service, source} (drill-down): functions/metrics.ts.
const metrics = new GatewayMetrics();
const documents = createDocumentClient();
const sqs = createSqsClient();
const s3 = createS3Client();

/**
 * Secrets Manager (cached by Powertools Parameters) in AWS: a created secret is
 * `SECRET_ARN_PREFIX` + its entry in `SOURCE_SECRET_IDS` (JSON, source → the last segment of its
 * ARN), an adopted one the name or ARN in `ADOPTED_SOURCE_SECRETS`; environment variables locally.
 */
function createSecretSource(): SecretSource {
  const ids = process.env.SOURCE_SECRET_IDS;
  if (!ids) return new EnvSecretSource(process.env);
  const created = JSON.parse(ids) as Record<string, string>;
  const adopted = JSON.parse(process.env.ADOPTED_SOURCE_SECRETS ?? '{}') as Record<string, string>;
  const prefix = process.env.SECRET_ARN_PREFIX ?? '';
  const maxAge = Number(process.env.SECRET_CACHE_SECONDS ?? 300);
  return new FetchedSecretSource(
    (name, { forceFetch }) => getSecret<string>(name, { maxAge, forceFetch }),
    (source) => adopted[source] ?? (created[source] ? `${prefix}${created[source]}` : `unconfigured/${source}`),
  );
}

let deps: ReceiveDeps | undefined;
let reporter: StatusReporter | undefined;

/** Built on first use: the config is parsed and validated here, at cold start. */
export function ingressDeps(): ReceiveDeps {
  deps ??= {
    config: gatewayConfig(),
    secrets: createSecretSource(),
    store: new DynamoDbEventStore(documents, requiredEnv('WEBHOOKS_TABLE')),
    queue: new SqsQueue(sqs, requiredEnv('INBOUND_QUEUE_URL')),
    payloads: new S3PayloadStore(s3, requiredEnv('PAYLOAD_BUCKET')),
    handshakeSecrets: new DynamoDbHandshakeSecretStore(documents, requiredEnv('WEBHOOKS_TABLE')),
  };
  return deps;
}

function ingressReporter(): StatusReporter {
  reporter ??= createStatusReporter(gatewayConfig(), documents, logger);
  return reporter;
}

/** The handler body with its dependencies injected; tests and the benchmark call this directly. */
export async function handleIngress(event: APIGatewayProxyEventV2, dependencies: ReceiveDeps, report?: StatusReporter): Promise<HttpResponse> {
  const sourceName = event.pathParameters?.source ?? '';
  const knownSource = dependencies.config.sources.find((source) => source.name === sourceName);
  const bySource = knownSource ? { source: knownSource.name } : {};
  metrics.count('received', bySource);
  try {
    const source = findSource(dependencies.config, sourceName);
    const request = signedRequest(event, source.publicUrl);
    logger.debug('verifying against public URL', { url: request.url });
    const onQueued = report ? (queued: { source: string; eventId: string; eventType: string }) => report(eventStatusChange('event.received', queued)) : undefined;
    const outcome = await receiveWebhook(onQueued ? { ...dependencies, onQueued } : dependencies, { ...request, sourceName, sourceIp: event.requestContext.http.sourceIp });
    if (outcome.kind === 'handshake') {
      logger.info('handshake answered', { source: source.name });
      return providerResponse(outcome.response);
    }
    logger.appendKeys({ eventId: outcome.eventId });
    logger.info(outcome.duplicate ? 'duplicate event' : 'event accepted', {
      source: source.name,
      eventType: outcome.eventType,
      duplicate: outcome.duplicate,
      recovered: outcome.recovered,
    });
    if (outcome.statusUpdateFailed) logger.warn('event queued but its status could not be updated');
    metrics.count(outcome.duplicate ? 'duplicates' : 'queued', bySource);
    if (outcome.acknowledgement) return providerResponse(outcome.acknowledgement);
    return jsonResponse(200, { received: true, id: outcome.eventId, duplicate: outcome.duplicate });
  } catch (error) {
    const status = statusFor(error);
    if (error instanceof SignatureError) {
      logger.warn('signature verification failed', { source: sourceName, reason: error.reason });
      metrics.count('verificationFailures', { ...bySource, reason: error.reason });
    } else if (error instanceof DependencyError || status >= 500) {
      logger.error('request failed', { error: error as Error });
      metrics.count('ingressErrors', bySource);
    } else {
      logger.info('request refused', { status, code: (error as { code?: string }).code });
    }
    return errorResponse(error);
  } finally {
    logger.removeKeys(['eventId']);
  }
}

/** An answer in the form the provider requires (a handshake, or its own acknowledgement). */
function providerResponse(response: HandshakeResponse): HttpResponse {
  const headers: Record<string, string> = { ...response.headers, 'cache-control': 'no-store' };
  if (response.contentType) headers['content-type'] = response.contentType;
  return { statusCode: response.statusCode, headers, body: response.body };
}

export const handler = middy(async (event: APIGatewayProxyEventV2, _context: Context) => handleIngress(event, ingressDeps(), ingressReporter())).use(
  injectLambdaContext(logger),
);
