/**
 * Delivery events become log lines and metrics (functions/metrics.ts; low-cardinality
 * dimensions only: never an endpoint URL or a message id as a dimension).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { DeliveryEvent } from '../shared/outbound/deliver';
import { count, type GatewayMetrics, milliseconds } from './metrics';

export function reportDeliveryEvent(logger: Logger, metrics: GatewayMetrics, event: DeliveryEvent): void {
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
      metrics.record([count('deliveryAttempts'), milliseconds('deliveryLatency', attempt.durationMs)], { outcome: attempt.outcome });
      break;
    }
    case 'delivery.succeeded':
      metrics.count('deliveriesSucceeded');
      break;
    case 'delivery.failed':
      logger.warn('delivery failed for good', { messageId: event.messageId, endpointId: event.endpointId, reason: event.reason });
      metrics.count('deliveriesFailed');
      break;
    case 'delivery.exhausted':
      logger.error('delivery exhausted its retry schedule', { messageId: event.messageId, endpointId: event.endpointId, attempts: event.attempts });
      metrics.count('deliveriesExhausted');
      break;
    case 'endpoint.disabled':
      logger.error('endpoint disabled', { endpointId: event.endpointId, reason: event.reason });
      metrics.count('endpointsDisabled');
      break;
  }
}
