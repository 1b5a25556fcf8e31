/** The status changes each part of the system reports, in the shape the stream sends. */
import type { DeliveryEvent } from '../outbound/deliver';
import type { StatusChange } from './status-log';

/**
 * The status change a delivery event makes, or `undefined` for a successful attempt: the
 * `delivery.succeeded` that follows carries its status and duration, one write instead of two.
 */
export function deliveryStatusChange(event: DeliveryEvent): StatusChange | undefined {
  switch (event.type) {
    case 'delivery.attempted':
      if (event.attempt.outcome === 'succeeded') return undefined;
      return {
        type: event.type,
        data: {
          messageId: event.attempt.messageId,
          endpointId: event.attempt.endpointId,
          attempt: event.attempt.attempt,
          statusCode: event.attempt.statusCode,
          outcome: event.attempt.outcome,
          trigger: event.attempt.trigger,
          durationMs: event.attempt.durationMs,
        },
      };
    case 'delivery.succeeded':
      return {
        type: event.type,
        data: { messageId: event.messageId, endpointId: event.endpointId, attempts: event.attempts, statusCode: event.statusCode, durationMs: event.durationMs },
      };
    case 'delivery.exhausted':
      return { type: event.type, data: { messageId: event.messageId, endpointId: event.endpointId, attempts: event.attempts } };
    case 'delivery.failed':
      return { type: event.type, data: { messageId: event.messageId, endpointId: event.endpointId, reason: event.reason } };
    case 'endpoint.disabled':
      return { type: event.type, data: { endpointId: event.endpointId, reason: event.reason } };
  }
}

export function eventStatusChange(
  type: 'event.received' | 'event.processed' | 'event.failed',
  event: { source: string; eventId: string; eventType: string },
  extra: Record<string, string | number | boolean> = {},
): StatusChange {
  return { type, data: { source: event.source, eventId: event.eventId, eventType: event.eventType, ...extra } };
}
