/**
 * The outbound queue's consumer: fans messages out and makes first attempts, publishes what
 * internal producers send, and makes manual retries. Partial batch responses: each record
 * succeeds or fails alone.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { attemptDelivery } from '../../shared/outbound/deliver';
import { dispatchMessage } from '../../shared/outbound/dispatch';
import type { Message } from '../../shared/outbound/model';
import { outboundWorkSchema } from '../../shared/outbound/outbound-queue';
import { publishMessage } from '../../shared/outbound/publish';
import { dispatcherDependencies, type DispatcherDeps } from '../composition';
import { createDocumentClient, createS3Client, createSfnClient, createSqsClient, lambdaParts, once } from '../environment';
import { GatewayMetrics } from '../metrics';
import { lambdaHandler } from '../middleware';

const logger = new Logger({ serviceName: 'dispatcher' });
// Every figure under {service} (alarms, dashboard), attempts also by outcome: functions/metrics.ts.
const metrics = new GatewayMetrics();
const clients = { documents: createDocumentClient(), s3: createS3Client(), sqs: createSqsClient(), sfn: createSfnClient() };
const batch = new BatchProcessor(EventType.SQS);

export async function processOutboundRecord(record: SQSRecord, dependencies: DispatcherDeps): Promise<void> {
  const parsed = outboundWorkSchema.safeParse(safeJson(record.body));
  if (!parsed.success) {
    logger.error('unrecognised outbound message; it will reach the DLQ', { messageId: record.messageId, issue: parsed.error.issues[0]?.message });
    throw new Error('unrecognised outbound message');
  }
  const work = parsed.data;
  switch (work.kind) {
    case 'dispatch': {
      const summary = await dispatchMessage(dependencies, work.messageId);
      if (!summary) logger.warn('message to dispatch not found (expired?)', { messageId: work.messageId });
      else logger.info('message dispatched', { messageId: work.messageId, outcomes: summary.results.map((r) => r.result.outcome) });
      return;
    }
    case 'retry': {
      const result = await attemptDelivery(dependencies, {
        messageId: work.messageId,
        endpointId: work.endpointId,
        trigger: 'manual',
        from: ['failed', 'exhausted', 'retrying'],
      });
      logger.info('manual retry', { messageId: work.messageId, endpointId: work.endpointId, outcome: result.outcome });
      return;
    }
    default: {
      const publish = { ...dependencies.publish, dispatch: async (message: Message) => void (await dispatchMessage(dependencies, message)) };
      const { message, created } = await publishMessage(publish, work);
      logger.info(created ? 'message published' : 'message already published', { messageId: message.id, eventType: message.eventType });
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export async function handleOutboundBatch(event: SQSEvent, context: Context, dependencies: DispatcherDeps): Promise<SQSBatchResponse> {
  return processPartialResponse(event, (record: SQSRecord) => processOutboundRecord(record, dependencies), batch, { context, throwOnFullBatchFailure: false });
}

/** What the local runtime builds this function's dependencies with (its logger and metrics). */
export const observers = { logger, metrics };

/** The Lambda handler over dependencies built on first use (the local runtime passes its own). */
export const createDispatcherHandler = (dependencies: () => DispatcherDeps) =>
  lambdaHandler(async (event: SQSEvent, context: Context) => handleOutboundBatch(event, context, dependencies()), observers);

/** Built on first use: the config is parsed and validated here, at cold start. */
export const dependencies = once(() => dispatcherDependencies(lambdaParts(clients, observers)));

export const handler = createDispatcherHandler(dependencies);
