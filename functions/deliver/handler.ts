/**
 * The retry state machine's task: one scheduled attempt of one delivery. Returns `retry` with
 * the seconds to wait (the machine loops), or `done`. Its `RecordFailure` task calls it with an
 * `abandon` request when attempts kept failing: the delivery is then marked failed.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { abandonDelivery } from '../../shared/outbound/abandon';
import { attemptDelivery, type DeliveryDeps } from '../../shared/outbound/deliver';
import { abandonReason, isAbandonRequest, type DeliverTaskInput, type DeliverTaskOutput } from '../../shared/outbound/retry-state-machine';
import { deliverDependencies } from '../composition';
import { createDocumentClient, createS3Client, createSqsClient, lambdaParts, once } from '../environment';
import { GatewayMetrics } from '../metrics';
import { lambdaHandler } from '../middleware';

const logger = new Logger({ serviceName: 'deliver' });
// Every figure under {service} (alarms, dashboard), attempts also by outcome: functions/metrics.ts.
const metrics = new GatewayMetrics();
// SQS: the operational events it publishes (shared/outbound/operational-events.ts).
const clients = { documents: createDocumentClient(), s3: createS3Client(), sqs: createSqsClient() };

export async function handleDeliver(input: DeliverTaskInput, dependencies: DeliveryDeps): Promise<DeliverTaskOutput> {
  logger.appendKeys({ messageId: input.messageId, endpointId: input.endpointId });
  try {
    if (isAbandonRequest(input)) {
      const reason = abandonReason(input.failure);
      const result = await abandonDelivery(dependencies, { messageId: input.messageId, endpointId: input.endpointId, reason });
      if (result.abandoned) {
        logger.error('retry execution gave up; delivery marked failed', { reason });
        metrics.count('deliveriesAbandoned');
        return { outcome: 'done', status: 'failed' };
      }
      logger.warn('retry execution gave up, but the delivery had already moved on', { reason, status: result.status });
      return { outcome: 'done', status: result.status ?? 'gone' };
    }
    const result = await attemptDelivery(dependencies, {
      messageId: input.messageId,
      endpointId: input.endpointId,
      trigger: 'scheduled',
      from: ['retrying'],
      ...(input.notBefore ? { notBefore: input.notBefore } : {}),
    });
    if (result.outcome === 'retry') return { outcome: 'retry', messageId: input.messageId, endpointId: input.endpointId, waitSeconds: result.waitSeconds };
    // Held back by the endpoint's limits: wait again in the schedule, not an attempt.
    if (result.outcome === 'deferred') {
      return {
        outcome: 'retry',
        messageId: input.messageId,
        endpointId: input.endpointId,
        waitSeconds: result.waitSeconds,
        ...(result.notBefore ? { notBefore: result.notBefore } : {}),
      };
    }
    return { outcome: 'done', status: result.outcome === 'skipped' ? (result.status ?? 'gone') : result.outcome };
  } finally {
    logger.removeKeys(['messageId', 'endpointId']);
  }
}

/** What the local runtime builds this function's dependencies with (its logger and metrics). */
export const observers = { logger, metrics };

/** The Lambda handler over dependencies built on first use (the local runtime passes its own). */
export const createDeliverHandler = (dependencies: () => DeliveryDeps) =>
  lambdaHandler(async (input: DeliverTaskInput, _context: Context) => handleDeliver(input, dependencies()), observers);

/** Built on first use: the config is parsed and validated here, at cold start. */
export const dependencies = once(() => deliverDependencies(lambdaParts(clients, observers)));

export const handler = createDeliverHandler(dependencies);
