/**
 * `POST /webhooks/{source}`: verify, record once, queue. Thin: the rules live in
 * shared/inbound/receive.ts; this maps the outcome to the response, the log line and metrics.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { DependencyError, SignatureError } from '../../shared/errors';
import { signedRequest } from '../../shared/http/api-gateway';
import { errorResponse, jsonResponse, statusFor, type HttpResponse } from '../../shared/http/responses';
import { findSource, receiveWebhook, type ReceiveDeps } from '../../shared/inbound/receive';
import { ingressDependencies } from '../composition';
import { createDocumentClient, createS3Client, createSqsClient, lambdaParts, once } from '../environment';
import { GatewayMetrics } from '../metrics';
import { lambdaHandler } from '../middleware';
import type { HandshakeResponse } from '../../shared/signatures/types';

const logger = new Logger({ serviceName: 'ingress' });
// Every figure under {service} (alarms, dashboard) and {service, source} (drill-down): functions/metrics.ts.
const metrics = new GatewayMetrics();
const clients = { documents: createDocumentClient(), sqs: createSqsClient(), s3: createS3Client() };

/** The handler body with its dependencies injected; tests and the benchmark call this directly. */
export async function handleIngress(event: APIGatewayProxyEventV2, dependencies: ReceiveDeps): Promise<HttpResponse> {
  const sourceName = event.pathParameters?.source ?? '';
  const knownSource = dependencies.config.sources.find((source) => source.name === sourceName);
  const bySource = knownSource ? { source: knownSource.name } : {};
  metrics.count('received', bySource);
  try {
    const source = findSource(dependencies.config, sourceName);
    const request = signedRequest(event, source.publicUrl);
    logger.debug('verifying against public URL', { url: request.url });
    const outcome = await receiveWebhook(dependencies, { ...request, sourceName, sourceIp: event.requestContext.http.sourceIp });
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
    // A message was lost somewhere between the queue and the processor: counted, and alarmed on.
    if (outcome.reconciled) {
      logger.warn('stuck event queued again', { source: source.name });
      metrics.count('reconciled', bySource);
    }
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

/** What the local runtime builds this function's dependencies with (its logger and metrics). */
export const observers = { logger, metrics };

/** The Lambda handler over dependencies built on first use (the local runtime passes its own). */
export const createIngressHandler = (dependencies: () => ReceiveDeps) =>
  lambdaHandler(async (event: APIGatewayProxyEventV2, _context: Context) => handleIngress(event, dependencies()), observers);

/** Built on first use: the config is parsed and validated here, at cold start. */
export const dependencies = once(() => ingressDependencies(lambdaParts(clients, observers)));

export const handler = createIngressHandler(dependencies);
