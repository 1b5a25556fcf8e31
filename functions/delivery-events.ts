/**
 * Delivery events become log lines and metrics (low-cardinality dimensions only: never an
 * endpoint URL or a message id as a dimension).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { DeliveryEvent } from '../shared/outbound/deliver';

export function reportDeliveryEvent(logger: Logger, metrics: Metrics, event: DeliveryEvent): void {
  switch (event.type) {
    case 'delivery.attempted': {
      const { attempt } = event;
      logger.info('delivery attempted', {
        messageId: attempt.messageId,
        endpointId: attempt.endpointId,
        attempt: attempt.attempt,
        trigger: attempt.trigger,
        statusCode: attempt.statusCode,
        durationMs: attempt.durationMs,
        outcome: attempt.outcome,
        ...(attempt.error ? { error: attempt.error } : {}),
      });
      const single = metrics.singleMetric();
      single.addDimensions({ outcome: attempt.outcome });
      single.addMetric('deliveryAttempts', MetricUnit.Count, 1);
      single.addMetric('deliveryLatency', MetricUnit.Milliseconds, attempt.durationMs);
      break;
    }
    case 'delivery.succeeded':
      metrics.addMetric('deliveriesSucceeded', MetricUnit.Count, 1);
      break;
    case 'delivery.failed':
      logger.warn('delivery failed for good', { messageId: event.messageId, endpointId: event.endpointId, reason: event.reason });
      metrics.addMetric('deliveriesFailed', MetricUnit.Count, 1);
      break;
    case 'delivery.exhausted':
      logger.error('delivery exhausted its retry schedule', { messageId: event.messageId, endpointId: event.endpointId, attempts: event.attempts });
      metrics.addMetric('deliveriesExhausted', MetricUnit.Count, 1);
      break;
    case 'endpoint.disabled':
      logger.error('endpoint disabled', { endpointId: event.endpointId, reason: event.reason });
      metrics.addMetric('endpointsDisabled', MetricUnit.Count, 1);
      break;
  }
}
