/**
 * The retry state machine's task: one scheduled attempt of one delivery. Returns `retry` with
 * the seconds to wait (the machine loops), or `done`. Its `RecordFailure` task calls it with an
 * `abandon` request when attempts kept failing: the delivery is then marked failed.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { attemptDelivery, type DeliveryDeps } from '../../shared/outbound/deliver';
import { abandonDelivery } from '../../shared/outbound/abandon';
import { abandonReason, isAbandonRequest, type DeliverTaskInput, type DeliverTaskOutput } from '../../shared/outbound/retry-state-machine';
import { deliveryStatusChange } from '../../shared/status/changes';
import { reportDeliveryEvent } from '../delivery-events';
import { GatewayMetrics } from '../metrics';
import { createStatusReporter } from '../status-reporter';
import { createDeliveryDeps } from '../delivery-environment';
import { createDocumentClient, createS3Client, gatewayConfig } from '../environment';

const logger = new Logger({ serviceName: 'deliver' });
// Every figure under {service} (alarms, dashboard), attempts also by outcome: functions/metrics.ts.
const metrics = new GatewayMetrics();
const documents = createDocumentClient();
const s3 = createS3Client();

let deps: DeliveryDeps | undefined;

export function deliverDeps(): DeliveryDeps {
  if (deps) return deps;
  const report = createStatusReporter(gatewayConfig(), documents, logger);
  deps = createDeliveryDeps(gatewayConfig(), { documents, s3 }, async (event) => {
    reportDeliveryEvent(logger, metrics, event);
    const change = deliveryStatusChange(event);
    if (change) await report(change);
  });
  return deps;
}

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
    const result = await attemptDelivery(dependencies, { messageId: input.messageId, endpointId: input.endpointId, trigger: 'scheduled', from: ['retrying'] });
    if (result.outcome === 'retry') return { outcome: 'retry', messageId: input.messageId, endpointId: input.endpointId, waitSeconds: result.waitSeconds };
    return { outcome: 'done', status: result.outcome === 'skipped' ? (result.status ?? 'gone') : result.outcome };
  } finally {
    logger.removeKeys(['messageId', 'endpointId']);
  }
}

export const handler = middy(async (input: DeliverTaskInput, _context: Context) => handleDeliver(input, deliverDeps())).use(injectLambdaContext(logger));
