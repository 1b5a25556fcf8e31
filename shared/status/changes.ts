/**
 * The status changes each part of the system reports, in the shape the stream sends: each one
 * built against its declaration in `./change-types` (which the console reads too).
 */
import type { DeliveryEvent } from '../outbound/deliver';
import type { StatusChangeData, StatusChangeType } from './change-types';
import type { StatusChange } from './status-log';

function change<T extends StatusChangeType>(type: T, data: StatusChangeData[T]): StatusChange {
  return { type, data };
}

/**
 * The status change a delivery event makes, or `undefined` for a successful attempt: the
 * `delivery.succeeded` that follows carries its status and duration, one write instead of two.
 */
export function deliveryStatusChange(event: DeliveryEvent): StatusChange | undefined {
  switch (event.type) {
    case 'delivery.attempted':
      if (event.attempt.outcome === 'succeeded') return undefined;
      return change(event.type, {
        messageId: event.attempt.messageId,
        endpointId: event.attempt.endpointId,
        attempt: event.attempt.attempt,
        statusCode: event.attempt.statusCode,
        outcome: event.attempt.outcome,
        trigger: event.attempt.trigger,
        durationMs: event.attempt.durationMs,
      });
    case 'delivery.succeeded':
      return change(event.type, {
        messageId: event.messageId,
        endpointId: event.endpointId,
        attempts: event.attempts,
        statusCode: event.statusCode,
        durationMs: event.durationMs,
      });
    case 'delivery.exhausted':
      return change(event.type, { messageId: event.messageId, endpointId: event.endpointId, attempts: event.attempts });
    case 'delivery.failed':
      return change(event.type, { messageId: event.messageId, endpointId: event.endpointId, reason: event.reason });
    case 'endpoint.disabled':
      return change(event.type, { endpointId: event.endpointId, reason: event.reason });
  }
}

type InboundChangeType = 'event.received' | 'event.processed' | 'event.failed';
type InboundRef = { source: string; eventId: string; eventType: string };
type InboundExtra<T extends InboundChangeType> = Omit<StatusChangeData[T], keyof InboundRef>;

export function eventStatusChange(type: 'event.received', event: InboundRef): StatusChange;
export function eventStatusChange<T extends Exclude<InboundChangeType, 'event.received'>>(type: T, event: InboundRef, extra: InboundExtra<T>): StatusChange;
export function eventStatusChange(type: InboundChangeType, event: InboundRef, extra: Record<string, string | number | boolean> = {}): StatusChange {
  return { type, data: { source: event.source, eventId: event.eventId, eventType: event.eventType, ...extra } };
}
