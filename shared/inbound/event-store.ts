/**
 * The inbound event record and every status transition it may make: the port the receive and
 * processing rules depend on. Each transition is conditional (the DynamoDB adapter,
 * shared/store/dynamodb/event-store.ts, writes it as one conditional write; the tests' in-memory
 * store keeps the same guards), so concurrent ingress copies and redelivered queue messages cannot
 * move an event backwards or process it twice.
 *
 * ```
 *   received ──enqueued──▶ queued ──lease──▶ processing ──▶ processed
 *      ▲  │ (enqueue lease)                      │  └─────▶ failed (malformed, or out of receives)
 *      └──┘ released on enqueue failure          └─ transient failure ─▶ queued (retried by SQS)
 * ```
 */

export type EventStatus = 'received' | 'queued' | 'processing' | 'processed' | 'failed';

/** Where the raw body lives: inline in the item, or in the payload bucket (claim check). */
export type StoredBody =
  | { readonly kind: 'inline'; readonly encoding: 'identity' | 'gzip'; readonly data: Uint8Array }
  | { readonly kind: 'object'; readonly key: string };

/** What the record keeps per destination (shared/inbound/destinations/deliver.ts), by destination name. */
export type DestinationMark =
  | { readonly status: 'delivered'; readonly at: string; readonly attempts: number }
  | { readonly status: 'failed'; readonly at: string; readonly attempts: number; readonly error: string };

export type DestinationMarks = Readonly<Record<string, DestinationMark>>;

/** An inbound event as recorded. */
export interface InboundEvent {
  readonly source: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly status: EventStatus;
  readonly receivedAt: string;
  readonly updatedAt: string;
  /** Request headers worth keeping (never signatures, tokens or cookies). */
  readonly headers: Readonly<Record<string, string>>;
  readonly bodyBytes: number;
  readonly body: StoredBody;
  readonly sourceIp?: string;
  /** Processing attempts started (each lease taken counts one). */
  readonly attempts: number;
  readonly lastError?: string;
  readonly processedAt?: string;
  readonly failedAt?: string;
  readonly deadLettered?: boolean;
  /** Each destination's outcome; a destination marked delivered is not sent again on a retry. */
  readonly destinations?: DestinationMarks;
}

/** An event's record without its body: what a listing, a refused put or a refused lease hands back. */
export type InboundEventSummary = Omit<InboundEvent, 'body'>;

/** Fields written when an event is first received. */
export type NewInboundEvent = Omit<
  InboundEvent,
  'status' | 'updatedAt' | 'attempts' | 'lastError' | 'processedAt' | 'failedAt' | 'deadLettered' | 'destinations'
>;

export type PutResult = { readonly created: true } | { readonly created: false; readonly existing: InboundEventSummary };

export type LeaseResult =
  | { readonly acquired: true; readonly event: InboundEvent }
  | { readonly acquired: false; readonly current: InboundEventSummary | undefined };

/** The holder of an enqueue lease, when it was taken and for how long. */
export interface EnqueueLease {
  readonly owner: string;
  readonly nowMs: number;
  readonly enqueueLeaseMs: number;
}

/** What ingress does with a record: write it once, pass the enqueue lease on, mark it queued. */
export interface EventIntake {
  /**
   * Writes the record unless one with the same source and id exists (the dedupe). The writer
   * holds the enqueue lease, so concurrent copies do not enqueue the event again.
   */
  putNew(event: NewInboundEvent, options: EnqueueLease & { readonly expiresAt: number }): Promise<PutResult>;
  /**
   * Takes the enqueue lease of an event still in `received` whose previous lease has lapsed
   * (its enqueue failed or its writer died). False when someone else holds it or the event has
   * moved on.
   */
  claimEnqueue(source: string, eventId: string, lease: EnqueueLease): Promise<boolean>;
  /** Gives the enqueue lease back after a failed enqueue, so the provider's retry can take it at once. */
  releaseEnqueue(source: string, eventId: string, owner: string): Promise<void>;
  /** `received` → `queued`. A no-op when processing already moved it on. */
  markQueued(source: string, eventId: string, now: Date): Promise<void>;
  get(source: string, eventId: string): Promise<InboundEvent | undefined>;
}

/** How a failed processing attempt ends. */
export interface AttemptFailure {
  readonly now: Date;
  readonly error: string;
  readonly terminal: boolean;
  readonly deadLettered: boolean;
  readonly destinations?: DestinationMarks;
}

/** What the processor does with a record: lease it, then finish the attempt. */
export interface EventProcessing {
  /**
   * Takes the processing lease: from `received`, `queued` or `failed` (a redrive), or from
   * `processing` whose lease has lapsed (a crashed attempt). A processed event is leased again
   * only for an explicit replay.
   */
  acquireLease(source: string, eventId: string, options: { owner: string; now: Date; leaseMs: number; replay?: boolean }): Promise<LeaseResult>;
  /**
   * `processing` → `processed`, only by the lease holder, with the destinations' marks when it
   * has destinations (the same write). False if the lease was lost.
   */
  markProcessed(source: string, eventId: string, owner: string, now: Date, destinations?: DestinationMarks): Promise<boolean>;
  /**
   * Ends a failed attempt, only by the lease holder. `terminal` marks the event `failed` (the
   * queue will not retry it); otherwise it goes back to `queued` with the error. `destinations`
   * records each destination's outcome in the same write.
   */
  markAttemptFailed(source: string, eventId: string, owner: string, options: AttemptFailure): Promise<boolean>;
}

/** What the management API reads. */
export interface EventQueries {
  get(source: string, eventId: string): Promise<InboundEvent | undefined>;
  /**
   * Newest first, optionally filtered by status, a lower bound on `receivedAt` (`since`, inclusive)
   * and an upper one (`until`, exclusive): one query of the index by source and received time.
   * `cursor` is the opaque value returned as `nextCursor` by the previous page.
   */
  list(
    source: string,
    options: { status?: EventStatus; since?: string; until?: string; limit: number; cursor?: string },
  ): Promise<{ events: InboundEventSummary[]; nextCursor?: string }>;
}

/** The whole store, as an adapter implements it. */
export interface EventStore extends EventIntake, EventProcessing, EventQueries {}

/** Error texts kept on a record are capped at this length. */
export const MAX_ERROR_LENGTH = 1000;
