/**
 * The management API (`/api/v1/...`) and the operator console page (`GET /console`):
 * IAM-authorized in AWS, on loopback locally.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { readFileSync } from 'node:fs';
import { registerDeadLetterRoutes } from '../../shared/api/dead-letters';
import { registerInboundEventRoutes } from '../../shared/api/inbound-events';
import { registerOutboundRoutes } from '../../shared/api/outbound';
import { registerConsoleRoutes, type ConsolePages } from '../../shared/api/console';
import { EndpointStore } from '../../shared/outbound/endpoint-store';
import { MessageStore } from '../../shared/outbound/message-store';
import { SqsOutboundQueue } from '../../shared/outbound/outbound-queue';
import { S3PayloadStore } from '../../shared/store/payload-store';
import { SqsEventQueue } from '../../shared/inbound/event-queue';
import { EventStore } from '../../shared/inbound/event-store';
import type { HttpResponse } from '../../shared/http/responses';
import { Router } from '../../shared/http/router';
import { allowPrivateTargets, createDocumentClient, createS3Client, createSqsClient, gatewayConfig, requiredEnv } from '../environment';

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

let router: Router | undefined;

export function apiRouter(): Router {
  if (!router) {
    const config = gatewayConfig();
    const table = requiredEnv('WEBHOOKS_TABLE');
    const store = new EventStore(documents, table);
    router = new Router((error) => logger.error('request failed', { error: error as Error }));
    registerInboundEventRoutes(router, { config, store, queue: new SqsEventQueue(sqs, requiredEnv('INBOUND_QUEUE_URL')) });
    registerDeadLetterRoutes(router, {
      sqs,
      queues: {
        inbound: { deadLetterQueueUrl: requiredEnv('INBOUND_DLQ_URL'), deadLetterQueueArn: requiredEnv('INBOUND_DLQ_ARN'), queueArn: requiredEnv('INBOUND_QUEUE_ARN') },
        outbound: { deadLetterQueueUrl: requiredEnv('OUTBOUND_DLQ_URL'), deadLetterQueueArn: requiredEnv('OUTBOUND_DLQ_ARN'), queueArn: requiredEnv('OUTBOUND_QUEUE_ARN') },
      },
    });
    registerOutboundRoutes(router, {
      endpoints: new EndpointStore(documents, table),
      messages: new MessageStore(documents, table),
      payloads: new S3PayloadStore(s3, requiredEnv('PAYLOAD_BUCKET')),
      queue: new SqsOutboundQueue(sqs, requiredEnv('OUTBOUND_QUEUE_URL')),
      settings: config.outbound,
      allowPrivateTargets: allowPrivateTargets(),
    });
    registerConsoleRoutes(router, consolePages);
  }
  return router;
}

export async function handleApi(event: APIGatewayProxyEventV2, routes: Router): Promise<HttpResponse> {
  return routes.handle(event);
}

export const handler = middy(async (event: APIGatewayProxyEventV2, _context: Context) => handleApi(event, apiRouter())).use(
  injectLambdaContext(logger),
);
