/**
 * The event a destination receives, version 1: the same document in the `detail` of an
 * EventBridge event, the body of an SQS message, the message of an SNS notification and the
 * payload of a Lambda invocation. Its JSON schema is `DestinationEvent` in openapi.yaml; a
 * change that is not an addition gets a new `version`.
 */
import { createHash } from 'node:crypto';
import type { InboundEvent } from '../event-store';
import type { WebhookEvent } from '../webhook-event';

export const DESTINATION_EVENT_VERSION = '1';

/**
 * An inline body is sent in the event; the event must fit 256 KiB (EventBridge's PutEvents
 * entry and SNS's message limit), so bodies inlined with destinations stay below this.
 */
export const DESTINATION_INLINE_LIMIT_BYTES = 240 * 1024;
/** What EventBridge and SNS accept in one event or message. */
export const DESTINATION_EVENT_LIMIT_BYTES = 256 * 1024;

export interface DestinationEvent {
  readonly version: typeof DESTINATION_EVENT_VERSION;
  /** The source's name, e.g. `stripe` (EventBridge `source` is `webhooks.<source>`). */
  readonly source: string;
  /** The provider's event id: the dedupe key (a consumer may see an event more than once). */
  readonly eventId: string;
  /** The provider's event type (EventBridge `detail-type`). */
  readonly eventType: string;
  /** When the gateway received the event (ISO 8601). */
  readonly receivedAt: string;
  /** The body's size in bytes, as received. */
  readonly bodyBytes: number;
  readonly contentType?: string;
  /** The decoded body (JSON, form fields or text); absent when the body was too large to inline. */
  readonly payload?: unknown;
  /** Where a body too large to inline is kept (the gateway's payload bucket): read it with s3:GetObject. */
  readonly bodyLocation?: { readonly bucket: string; readonly key: string };
}

/** The event for `record`: its payload inline, or the claim-checked body's location. */
export function destinationEvent(record: InboundEvent, event: WebhookEvent, payloadBucket: string): DestinationEvent {
  const contentType = record.headers['content-type'];
  return {
    version: DESTINATION_EVENT_VERSION,
    source: record.source,
    eventId: record.eventId,
    eventType: record.eventType,
    receivedAt: record.receivedAt,
    bodyBytes: record.bodyBytes,
    ...(contentType ? { contentType } : {}),
    ...(record.body.kind === 'object' ? { bodyLocation: { bucket: payloadBucket, key: record.body.key } } : { payload: event.payload }),
  };
}

/** EventBridge's `source` for events of a gateway source. */
export function eventBridgeSource(source: string): string {
  return `webhooks.${source}`;
}

/** EventBridge's `detail-type` is at most 128 characters. */
export function detailType(eventType: string): string {
  return eventType.slice(0, 128) || 'unknown';
}

/**
 * SQS and SNS FIFO deduplication ids are 1–128 printable ASCII characters: the event id when it
 * is one, else its SHA-256 (the same id always gives the same value).
 */
export function deduplicationId(eventId: string): string {
  return /^[!-~]{1,128}$/.test(eventId) ? eventId : createHash('sha256').update(eventId).digest('hex');
}
