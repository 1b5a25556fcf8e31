/**
 * SQS → handlers, with partial batch responses: each record succeeds or fails alone, and only
 * the failed ones return to the queue. The rules live in shared/inbound/process.ts.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { queuedEventSchema } from '../../shared/inbound/event-queue';
import { EventBusyError, HandlerFailedError, processQueuedEvent } from '../../shared/inbound/process';
import { eventStatusChange } from '../../shared/status/changes';
import { processorDependencies, type ProcessorDeps } from '../composition';
import { createDocumentClient, createS3Client, createSqsClient, lambdaParts, once } from '../environment';
import { count, GatewayMetrics, milliseconds } from '../metrics';
import { lambdaHandler } from '../middleware';

const logger = new Logger({ serviceName: 'processor' });
// Every figure under {service} (alarms, dashboard) and {service, source} (drill-down): functions/metrics.ts.
const metrics = new GatewayMetrics();
const clients = { documents: createDocumentClient(), sqs: createSqsClient(), s3: createS3Client() };
const batch = new BatchProcessor(EventType.SQS);

/** Processes one SQS record; throws to report it as a batch item failure. */
export async function processRecord(record: SQSRecord, dependencies: ProcessorDeps): Promise<void> {
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
        await dependencies.report(eventStatusChange('event.processed', outcome.event, { attempts: outcome.event.attempts }));
        break;
      }
      case 'dead_lettered':
        logger.error('event cannot be processed; dead-lettered', { reason: outcome.reason });
        metrics.count('deadLettered', bySource);
        await dependencies.report(eventStatusChange('event.failed', outcome.event, { reason: outcome.reason, deadLettered: true }));
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
      await dependencies.report(
        eventStatusChange('event.failed', { ...message, eventType: 'unknown' }, { reason: (error as Error).message, deadLettered: finalAttempt }),
      );
    }
    throw error;
  } finally {
    logger.removeKeys(['eventId', 'source']);
  }
}

export async function handleBatch(event: SQSEvent, context: Context, dependencies: ProcessorDeps): Promise<SQSBatchResponse> {
  return processPartialResponse(event, (record: SQSRecord) => processRecord(record, dependencies), batch, {
    context,
    throwOnFullBatchFailure: false,
  });
}

/** What the local runtime builds this function's dependencies with (its logger and metrics). */
export const observers = { logger, metrics };

/** The Lambda handler over dependencies built on first use (the local runtime passes its own). */
export const createProcessorHandler = (dependencies: () => ProcessorDeps) =>
  lambdaHandler(async (event: SQSEvent, context: Context) => handleBatch(event, context, dependencies()), observers);

/** Built on first use: the config is parsed and validated here, at cold start. */
export const dependencies = once(() => processorDependencies(lambdaParts(clients, observers)));

export const handler = createProcessorHandler(dependencies);
