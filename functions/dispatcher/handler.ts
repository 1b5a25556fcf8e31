/**
 * The outbound queue's consumer: fans messages out and makes first attempts, publishes what
 * internal producers send, and makes manual retries. Partial batch responses: each record
 * succeeds or fails alone.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SFNClient } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { attemptDelivery } from '../../shared/outbound/deliver';
import { dispatchMessage, type DispatchDeps } from '../../shared/outbound/dispatch';
import type { Message } from '../../shared/outbound/model';
import { outboundWorkSchema } from '../../shared/outbound/outbound-queue';
import { publishMessage, type PublishDeps } from '../../shared/outbound/publish';
import { StepFunctionsRetryScheduler } from '../../shared/outbound/retry-scheduler';
import { outboundQueueSettings } from '../../shared/queue/settings';
import { deliveryStatusChange } from '../../shared/status/changes';
import { reportDeliveryEvent } from '../delivery-events';
import { GatewayMetrics } from '../metrics';
import { createStatusReporter } from '../status-reporter';
import { createDeliveryDeps } from '../delivery-environment';
import { cachedEndpoints } from '../endpoint-cache';
import { createDocumentClient, createS3Client, createSqsClient, gatewayConfig, requiredEnv } from '../environment';
import { SqsQueue } from '../../shared/queue/sqs-queue';

const logger = new Logger({ serviceName: 'dispatcher' });
// Every figure under {service} (alarms, dashboard), attempts also by outcome: functions/metrics.ts.
const metrics = new GatewayMetrics();
const documents = createDocumentClient();
const s3 = createS3Client();
const sqs = createSqsClient();
const sfn = new SFNClient({});
const batch = new BatchProcessor(EventType.SQS);

export type DispatcherDeps = DispatchDeps & { readonly publish: PublishDeps };

let deps: DispatcherDeps | undefined;

export function dispatcherDeps(): DispatcherDeps {
  if (!deps) {
    const config = gatewayConfig();
    const report = createStatusReporter(config, documents, logger);
    const delivery = createDeliveryDeps(config, { documents, s3 }, async (event) => {
      reportDeliveryEvent(logger, metrics, event);
      const change = deliveryStatusChange(event);
      if (change) await report(change);
    });
    deps = {
      ...delivery,
      scheduler: new StepFunctionsRetryScheduler(sfn, requiredEnv('RETRY_STATE_MACHINE_ARN')),
      listEndpoints: cachedEndpoints(() => delivery.endpoints.listAll(), Number(process.env.ENDPOINT_CACHE_SECONDS ?? 0)),
      staleAttemptSeconds: outboundQueueSettings(config.service, config.outbound).consumerTimeoutSeconds,
      publish: {
        messages: delivery.messages,
        payloads: delivery.payloads,
        queue: new SqsQueue(sqs, requiredEnv('OUTBOUND_QUEUE_URL')),
        settings: config.outbound,
      },
    };
  }
  return deps;
}

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

export const handler = middy(async (event: SQSEvent, context: Context) => handleOutboundBatch(event, context, dispatcherDeps())).use(
  injectLambdaContext(logger),
);
