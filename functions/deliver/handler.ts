/**
 * The retry state machine's task: one scheduled attempt of one delivery. Returns `retry` with
 * the seconds to wait (the machine loops), or `done`.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { attemptDelivery, type DeliveryDeps } from '../../shared/outbound/deliver';
import type { DeliverTaskOutput, RetryExecutionState } from '../../shared/outbound/retry-state-machine';
import { deliveryStatusChange } from '../../shared/status/changes';
import { reportDeliveryEvent } from '../delivery-events';
import { createStatusReporter } from '../status-reporter';
import { createDeliveryDeps } from '../delivery-environment';
import { createDocumentClient, createS3Client, gatewayConfig } from '../environment';

const logger = new Logger({ serviceName: 'deliver' });
// One `service` dimension for the whole gateway (POWERTOOLS_SERVICE_NAME), so alarms see every function's figures.
const metrics = new Metrics();
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

export async function handleDeliver(input: RetryExecutionState, dependencies: DeliveryDeps): Promise<DeliverTaskOutput> {
  logger.appendKeys({ messageId: input.messageId, endpointId: input.endpointId });
  metrics.addMetric('scheduledAttempts', MetricUnit.Count, 1);
  try {
    const result = await attemptDelivery(dependencies, { messageId: input.messageId, endpointId: input.endpointId, trigger: 'scheduled', from: ['retrying'] });
    if (result.outcome === 'retry') return { outcome: 'retry', messageId: input.messageId, endpointId: input.endpointId, waitSeconds: result.waitSeconds };
    return { outcome: 'done', status: result.outcome === 'skipped' ? (result.status ?? 'gone') : result.outcome };
  } finally {
    logger.removeKeys(['messageId', 'endpointId']);
  }
}

export const handler = middy(async (input: RetryExecutionState, _context: Context) => handleDeliver(input, deliverDeps()))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
