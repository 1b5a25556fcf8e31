/**
 * SQS → handlers, with partial batch responses: each record succeeds or fails alone, and only
 * the failed ones return to the queue. The rules live in shared/inbound/process.ts.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { DynamoDbEntityStateStore } from '../../shared/store/dynamodb/entity-state-store';
import { queuedEventSchema } from '../../shared/inbound/event-queue';
import { DynamoDbEndpointStore } from '../../shared/store/dynamodb/endpoint-store';
import { DynamoDbEventStore } from '../../shared/store/dynamodb/event-store';
import { DynamoDbMessageStore } from '../../shared/store/dynamodb/message-store';
import { createHandlerRegistry } from '../../shared/inbound/handlers';
import { EventBusyError, HandlerFailedError, processingLeaseMs, processQueuedEvent, type ProcessDeps } from '../../shared/inbound/process';
import { relayInboundEvent, type RelayDeps } from '../../shared/outbound/relay';
import { cachedEndpoints } from '../endpoint-cache';
import type { WebhookEvent } from '../../shared/inbound/webhook-event';
import { S3PayloadStore } from '../../shared/store/payload-store';
import { eventStatusChange } from '../../shared/status/changes';
import { createDocumentClient, createS3Client, createSqsClient, gatewayConfig, requiredEnv } from '../environment';
import { count, GatewayMetrics, milliseconds } from '../metrics';
import { createStatusReporter, type StatusReporter } from '../status-reporter';
import { SqsQueue } from '../../shared/queue/sqs-queue';

const logger = new Logger({ serviceName: 'processor' });
// Every figure under {service} (alarms, dashboard) and {service, source} (drill-down): functions/metrics.ts.
const metrics = new GatewayMetrics();
const documents = createDocumentClient();
const sqs = createSqsClient();
const s3 = createS3Client();
const batch = new BatchProcessor(EventType.SQS);

let deps: ProcessDeps | undefined;
let reporter: StatusReporter | undefined;

function processorReporter(): StatusReporter {
  reporter ??= createStatusReporter(gatewayConfig(), documents, logger);
  return reporter;
}

export function processorDeps(): ProcessDeps {
  if (!deps) {
    const config = gatewayConfig();
    const table = requiredEnv('WEBHOOKS_TABLE');
    const payloads = new S3PayloadStore(s3, requiredEnv('PAYLOAD_BUCKET'));
    const endpoints = new DynamoDbEndpointStore(documents, table);
    const relay: RelayDeps | undefined = config.outbound.relayInbound
      ? {
          messages: new DynamoDbMessageStore(documents, table),
          payloads,
          queue: new SqsQueue(sqs, requiredEnv('OUTBOUND_QUEUE_URL')),
          settings: config.outbound,
          listEndpoints: cachedEndpoints(() => endpoints.listAll(), Number(process.env.ENDPOINT_CACHE_SECONDS ?? 0)),
        }
      : undefined;
    deps = {
      store: new DynamoDbEventStore(documents, table),
      payloads,
      entities: new DynamoDbEntityStateStore(documents, table),
      handlers: createHandlerRegistry(),
      deadLetters: new SqsQueue(sqs, requiredEnv('INBOUND_DLQ_URL')),
      maxReceiveCount: config.inbound.maxReceiveCount,
      leaseMs: processingLeaseMs(config.inbound.processorTimeoutSeconds),
      ...(relay ? { afterHandled: async (event: WebhookEvent) => void (await relayInboundEvent(relay, event)) } : {}),
    };
  }
  return deps;
}

/** Processes one SQS record; throws to report it as a batch item failure. */
export async function processRecord(record: SQSRecord, dependencies: ProcessDeps, report?: StatusReporter): Promise<void> {
  let message;
  try {
    message = queuedEventSchema.parse(JSON.parse(record.body));
  } catch {
    logger.error('message is not an inbound event reference; it will reach the DLQ', { messageId: record.messageId });
    throw new Error('unrecognised message');
  }
  const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? 1);
  logger.appendKeys({ eventId: message.eventId, source: message.source });
  const bySource = { source: message.source };
  try {
    const outcome = await processQueuedEvent(dependencies, message, receiveCount);
    switch (outcome.kind) {
      case 'processed': {
        const latencyMs = Date.now() - Date.parse(outcome.event.receivedAt);
        logger.info('event processed', { eventType: outcome.event.eventType, handled: outcome.handled, attempts: outcome.event.attempts });
        metrics.record([count('processed'), milliseconds('processingLatency', latencyMs)], bySource);
        await report?.(eventStatusChange('event.processed', outcome.event, { attempts: outcome.event.attempts }));
        break;
      }
      case 'dead_lettered':
        logger.error('event cannot be processed; dead-lettered', { reason: outcome.reason });
        metrics.count('deadLettered', bySource);
        await report?.(eventStatusChange('event.failed', outcome.event, { reason: outcome.reason, deadLettered: true }));
        break;
      case 'already_processed':
        logger.info('event already processed; redelivery ignored');
        break;
      case 'missing':
        logger.warn('no record for queued event (expired or never stored); message dropped');
        break;
      case 'lease_lost':
        logger.warn('lease lapsed before completion; another attempt owns the event');
        break;
    }
  } catch (error) {
    if (error instanceof EventBusyError) {
      logger.info('event is being processed by another attempt; will retry');
    } else {
      const finalAttempt = error instanceof HandlerFailedError && error.finalAttempt;
      logger.error(finalAttempt ? 'processing failed on the last receive; moving to the DLQ' : 'processing failed; will retry', {
        error: error as Error,
        receiveCount,
      });
      metrics.record(finalAttempt ? [count('processingFailures'), count('deadLettered')] : [count('processingFailures')], bySource);
      // Every failed attempt is a status change (the console's overview counts them); the last one dead-letters.
      await report?.(eventStatusChange('event.failed', { ...message, eventType: 'unknown' }, { reason: (error as Error).message, deadLettered: finalAttempt }));
    }
    throw error;
  } finally {
    logger.removeKeys(['eventId', 'source']);
  }
}

export async function handleBatch(event: SQSEvent, context: Context, dependencies: ProcessDeps, report?: StatusReporter): Promise<SQSBatchResponse> {
  return processPartialResponse(event, (record: SQSRecord) => processRecord(record, dependencies, report), batch, {
    context,
    throwOnFullBatchFailure: false,
  });
}

export const handler = middy(async (event: SQSEvent, context: Context) => handleBatch(event, context, processorDeps(), processorReporter())).use(
  injectLambdaContext(logger),
);
