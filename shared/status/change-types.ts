/**
 * The status changes of the live stream (`GET /api/v1/stream`), as types: what each change
 * carries. The writers (`shared/status/changes.ts`) build them and the console
 * (`console/src/`) reads them, both from this one declaration. No imports and no runtime code
 * beyond the list of types, so the browser code can use it too.
 *
 * Ids and outcomes only: never a payload, a secret or a signature.
 */

// Type aliases, not interfaces: they must be assignable to the status log's record of fields.
type InboundRef = {
  readonly source: string;
  readonly eventId: string;
  readonly eventType: string;
};

type DeliveryRef = {
  readonly messageId: string;
  readonly endpointId: string;
};

/** What each type of change carries, by type. */
export type StatusChangeData = {
  /** Accepted at ingress and queued for processing. */
  readonly 'event.received': InboundRef;
  readonly 'event.processed': InboundRef & { readonly attempts: number };
  /** Processing failed; `deadLettered` when the event went to the dead-letter queue. */
  readonly 'event.failed': InboundRef & { readonly reason: string; readonly deadLettered: boolean };
  /** An attempt that did not succeed (a successful one is reported by `delivery.succeeded`). */
  readonly 'delivery.attempted': DeliveryRef & {
    readonly attempt: number;
    /** 0 when no HTTP response was received. */
    readonly statusCode: number;
    readonly outcome: 'succeeded' | 'failed';
    readonly trigger: 'scheduled' | 'manual';
    readonly durationMs: number;
  };
  /** The delivery's successful attempt: its number, response status and duration. */
  readonly 'delivery.succeeded': DeliveryRef & { readonly attempts: number; readonly statusCode: number; readonly durationMs: number };
  readonly 'delivery.failed': DeliveryRef & { readonly reason: string };
  readonly 'delivery.exhausted': DeliveryRef & { readonly attempts: number };
  readonly 'endpoint.disabled': { readonly endpointId: string; readonly reason: string };
};

export type StatusChangeType = keyof StatusChangeData;

/** Every type, in a fixed order (for `EventSource` listeners). */
export const STATUS_CHANGE_TYPES = [
  'event.received',
  'event.processed',
  'event.failed',
  'delivery.attempted',
  'delivery.succeeded',
  'delivery.failed',
  'delivery.exhausted',
  'endpoint.disabled',
] as const satisfies readonly StatusChangeType[];

// Fails to compile when a type is added above but not to the list.
type Missing = Exclude<StatusChangeType, (typeof STATUS_CHANGE_TYPES)[number]>;
const _allListed: Missing extends never ? true : Missing = true;
void _allListed;

/** One change as the stream sends it: the `data:` line's JSON (`event:` is its `type`). */
export type StreamedStatusChange = { [T in StatusChangeType]: { readonly type: T; readonly at: string } & StatusChangeData[T] }[StatusChangeType];
