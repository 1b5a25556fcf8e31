/**
 * Endpoints: the port the API and the delivery rules depend on (the DynamoDB adapter is
 * shared/store/dynamodb/endpoint-store.ts). Deliveries need only an endpoint's health: read it,
 * note a failure or a success, disable it.
 */
import type { EndpointSlowness } from './isolation';
import type { Endpoint } from './model';

/** Fields a PATCH may change. `undefined` leaves a field; `null` clears an optional one. */
export interface EndpointChanges {
  readonly url?: string;
  readonly eventTypes?: readonly string[];
  readonly description?: string | null;
  readonly filter?: string | null;
  readonly transform?: string | null;
  readonly signatureScheme?: Endpoint['signatureScheme'];
  readonly headers?: Readonly<Record<string, string>> | null;
  readonly rateLimit?: number | null;
  readonly maxInFlight?: number | null;
  readonly enabled?: boolean;
}

/** What a delivery reads and writes of its endpoint. */
export interface EndpointHealth extends EndpointSlowness {
  get(id: string): Promise<Endpoint | undefined>;
  /** Records a failed delivery; returns when the endpoint's current run of failures began (undefined when the endpoint is gone). */
  recordFailure(id: string, now: Date): Promise<string | undefined>;
  /** A success ends the run of failures (no write when there is none). */
  recordSuccess(endpoint: Endpoint): Promise<void>;
  /** Disables an enabled endpoint; false when it was already disabled (or gone). */
  disable(id: string, reason: string, now: Date): Promise<boolean>;
}

export interface EndpointStore extends EndpointHealth {
  /** Stores a new endpoint (its id must be new). */
  create(endpoint: Endpoint): Promise<void>;
  /** A page of endpoints, oldest first. */
  list(options?: { limit?: number; cursor?: Record<string, unknown> }): Promise<{ endpoints: Endpoint[]; next?: Record<string, unknown> }>;
  /** Every endpoint, oldest first (the fan-out reads them all and filters in memory). */
  listAll(): Promise<Endpoint[]>;
  /** Applies `changes`; `NotFoundError` when there is no such endpoint. Re-enabling clears the run of failures. */
  update(id: string, changes: EndpointChanges, now: Date): Promise<Endpoint>;
  /** False when there was no such endpoint. */
  delete(id: string): Promise<boolean>;
  /** Makes `secret` current; the previous current one stays valid until `previousExpiresAt`. `NotFoundError` when there is no such endpoint. */
  rotateSecret(id: string, secret: string, now: Date, previousExpiresAt: Date): Promise<Endpoint>;
}
