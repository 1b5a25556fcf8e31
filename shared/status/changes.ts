/** The status changes each part of the system reports, in the shape the stream sends. */
import type { DeliveryEvent } from '../outbound/deliver';
import type { StatusChange } from './status-log';

export function deliveryStatusChange(event: DeliveryEvent): StatusChange {
  switch (event.type) {
    case 'delivery.attempted':
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
