/**
 * The management API (`/api/v1/...`) and the operator console page (`GET /console`):
 * IAM-authorized in AWS, on loopback locally. Also the tenant portal (`GET /portal` and
 * `/portal/api/...`), whose only credential is the portal token it checks itself.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { readFileSync } from 'node:fs';
import type { ConsolePages } from '../../shared/api/console';
import { portalKeys } from '../../shared/api/portal-token';
import { registerApiRoutes } from '../../shared/api/routes';
import { S3PayloadStore } from '../../shared/store/payload-store';
import { DynamoDbDeliveryStore } from '../../shared/store/dynamodb/delivery-store';
import { DynamoDbEndpointStore } from '../../shared/store/dynamodb/endpoint-store';
import { DynamoDbEventStore } from '../../shared/store/dynamodb/event-store';
import { DynamoDbMessageStore } from '../../shared/store/dynamodb/message-store';
import type { HttpResponse } from '../../shared/http/responses';
import { Router } from '../../shared/http/router';
import { DynamoDbRollupStore } from '../../shared/store/dynamodb/rollup-store';
import { DynamoDbStatusLog } from '../../shared/store/dynamodb/status-log';
import { allowPrivateTargets, createDocumentClient, createS3Client, createSqsClient, gatewayConfig, requiredEnv } from '../environment';
import { SqsQueue } from '../../shared/queue/sqs-queue';

const logger = new Logger({ serviceName: 'api' });
const documents = createDocumentClient();
const sqs = createSqsClient();
const s3 = createS3Client();

/** The console's built pages: embedded at synth (esbuild `define`), or a file the local runtime built at start. */
declare const __CONSOLE_PAGES__: string | undefined;
let pages: ConsolePages | undefined;

function consolePages(): ConsolePages {
  pages ??= JSON.parse(typeof __CONSOLE_PAGES__ === 'string' ? __CONSOLE_PAGES__ : readFileSync(requiredEnv('CONSOLE_PAGES_FILE'), 'utf8')) as ConsolePages;
  return pages;
}

/**
 * The portal signing key(s): the secret `PORTAL_KEY_SECRET` in AWS (read through Powertools
 * Parameters, cached five minutes; its module is loaded on the first portal call only), the
 * variable `WEBHOOKS_PORTAL_KEY` locally (from the env file, as source secrets are).
 */
async function readPortalKeys(): Promise<string[]> {
  const secret = process.env.PORTAL_KEY_SECRET;
  if (!secret) return portalKeys(process.env.WEBHOOKS_PORTAL_KEY);
  const { getSecret } = await import('@aws-lambda-powertools/parameters/secrets');
  return portalKeys(await getSecret<string>(secret, { maxAge: 300 }));
}

let router: Router | undefined;

export function apiRouter(): Router {
  if (!router) {
    const config = gatewayConfig();
    const table = requiredEnv('WEBHOOKS_TABLE');
    const store = new DynamoDbEventStore(documents, table);
    router = new Router((error) => logger.error('request failed', { error: error as Error }));
    const payloads = new S3PayloadStore(s3, requiredEnv('PAYLOAD_BUCKET'));
    const log = new DynamoDbStatusLog(documents, table);
    registerApiRoutes(router, {
      config,
      events: store,
      eventQueue: new SqsQueue(sqs, requiredEnv('INBOUND_QUEUE_URL')),
      payloads,
      deadLetters: {
        sqs,
        queues: {
          inbound: { deadLetterQueueUrl: requiredEnv('INBOUND_DLQ_URL'), deadLetterQueueArn: requiredEnv('INBOUND_DLQ_ARN'), queueArn: requiredEnv('INBOUND_QUEUE_ARN') },
          outbound: { deadLetterQueueUrl: requiredEnv('OUTBOUND_DLQ_URL'), deadLetterQueueArn: requiredEnv('OUTBOUND_DLQ_ARN'), queueArn: requiredEnv('OUTBOUND_QUEUE_ARN') },
        },
      },
      outbound: {
        endpoints: new DynamoDbEndpointStore(documents, table),
        messages: new DynamoDbMessageStore(documents, table),
        deliveries: new DynamoDbDeliveryStore(documents, table),
        payloads,
        queue: new SqsQueue(sqs, requiredEnv('OUTBOUND_QUEUE_URL')),
        settings: config.outbound,
        allowPrivateTargets: allowPrivateTargets(),
      },
      stats: { readMinute: (minute) => log.readMinute(minute), rollups: new DynamoDbRollupStore(documents, table) },
      portalKeys: readPortalKeys,
      pages: consolePages,
    });
  }
  return router;
}

export async function handleApi(event: APIGatewayProxyEventV2, routes: Router): Promise<HttpResponse> {
  return routes.handle(event);
}

export const handler = middy(async (event: APIGatewayProxyEventV2, _context: Context) => handleApi(event, apiRouter())).use(
  injectLambdaContext(logger),
);
