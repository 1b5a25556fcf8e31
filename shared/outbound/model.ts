/**
 * The outbound data model, after Svix: an **endpoint** subscribes to event types; a **message**
 * is one event to send; a **delivery** is a message on its way to one endpoint; an **attempt**
 * is one HTTP request of a delivery.
 *
 * Items in the single table (shared/store/table.ts):
 * - endpoint  pk `ENDPOINT#<id>`  sk `ENDPOINT`            gsi1 `ENDPOINTS` / `<createdAt>#<id>`
 * - message   pk `MESSAGE#<id>`   sk `MESSAGE`             gsi1 `MESSAGES` / `<createdAt>#<id>`
 * - delivery  pk `MESSAGE#<id>`   sk `DELIVERY#<endpoint>` gsi1 `DELIVERIES#<endpoint>` / `<createdAt>#<messageId>`
 * - attempt   pk `MESSAGE#<id>`   sk `ATTEMPT#<endpoint>#<0001>`
 * - idempotency key  pk `IDEMPOTENCY#<tenant>#<key>`  sk `IDEMPOTENCY` (TTL 24 h)
 */
import type { SignatureScheme } from './signing';

export interface EndpointSecret {
  readonly secret: string;
  readonly createdAt: string;
  /** Set on the previous secret at a rotation: it keeps signing until then (24 h). */
  readonly expiresAt?: string;
}

export interface Endpoint {
  readonly id: string;
  readonly tenantId?: string;
  readonly url: string;
  /** Exact names and `prefix.*` wildcards; empty means every type. */
  readonly eventTypes: readonly string[];
  /** JSONata over the payload: the message is sent only when it is truthy. */
  readonly filter?: string;
  /** JSONata over the payload: its result replaces the payload for this endpoint. */
  readonly transform?: string;
  readonly signatureScheme: SignatureScheme;
  /** Extra request headers sent with every attempt (lower-case names; never a signature header). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Deliveries per second at most (shared/outbound/endpoint-throttle.ts); unlimited when absent. */
  readonly rateLimit?: number;
  /** Requests open at once at most; unlimited when absent. */
  readonly maxInFlight?: number;
  readonly description?: string;
  readonly enabled: boolean;
  readonly disabledReason?: string;
  readonly disabledAt?: string;
  /** Current secret first. */
  readonly secrets: readonly EndpointSecret[];
  /** Start of the current run of failures; cleared by a success. */
  readonly failingSince?: string;
  /** When an attempt was slow (shared/outbound/isolation.ts); cleared by a quick success. */
  readonly slowSince?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type MessagePayload = { readonly kind: 'inline'; readonly json: string } | { readonly kind: 'object'; readonly key: string };

export interface Message {
  readonly id: string;
  readonly tenantId?: string;
  readonly eventType: string;
  readonly payload: MessagePayload;
  readonly createdAt: string;
  readonly idempotencyKey?: string;
  /** Addressed to this endpoint only, whatever its subscriptions (a test send). */
  readonly endpointId?: string;
}

/**
 * `pending`: an attempt is being made (the first one claims the delivery as it creates it);
 * `retrying`: waiting in the Step Functions schedule (with `attempts` 0: its first attempt is
 * waiting for the endpoint's rate limit or in-flight limit); then `succeeded`, `failed` (for good: 410,
 * a filter or transform error, a disabled endpoint, or a client error when those are not
 * retried) or `exhausted` (the schedule ran out).
 */
export type DeliveryStatus = 'pending' | 'retrying' | 'succeeded' | 'failed' | 'exhausted';

export interface Delivery {
  readonly messageId: string;
  readonly endpointId: string;
  readonly eventType: string;
  readonly tenantId?: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly lastStatusCode?: number;
  readonly lastError?: string;
  readonly nextAttemptAt?: string;
  readonly succeededAt?: string;
}

export type AttemptTrigger = 'scheduled' | 'manual';
export type AttemptOutcome = 'succeeded' | 'failed';

export interface Attempt {
  readonly messageId: string;
  readonly endpointId: string;
  readonly attempt: number;
  readonly at: string;
  readonly trigger: AttemptTrigger;
  readonly outcome: AttemptOutcome;
  /** 0 when no HTTP response was received. */
  readonly statusCode: number;
  /** First 4 KB of the response body. */
  readonly responseBody: string;
  readonly durationMs: number;
  readonly error?: string;
  readonly nextAttemptAt?: string;
  /** Request headers sent, without signatures. */
  readonly requestHeaders: Readonly<Record<string, string>>;
  readonly url: string;
}
