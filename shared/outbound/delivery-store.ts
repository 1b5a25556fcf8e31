/**
 * A delivery's life: the port the sending rules depend on (the DynamoDB adapter is
 * shared/store/dynamodb/delivery-store.ts). Like the inbound event's, every status change is a
 * named transition with a guard: it applies only while the delivery is in a status it may leave
 * (`from`) and while the attempt its writer holds is still the latest (`attempt`: no attempt
 * began since), so a slow attempt never overwrites what a later one recorded.
 *
 * ```
 *   created with attempt 1 claimed
 *   pending ──┬──▶ succeeded
 *             ├──▶ failed     (410 Gone, a permanent 4xx, or refused before sending: message
 *             │                expired, endpoint deleted or disabled, transform failed)
 *             ├──▶ exhausted  (the schedule ran out)
 *             └──▶ retrying ──scheduled attempt──▶ the same four
 *   failed | exhausted | retrying ──manual attempt──▶ succeeded, or unchanged with the attempt's error
   pending | retrying ──attempt claimed, held back by the endpoint's limits──▶ retrying (the attempt given back)
 * ```
 */
import type { Attempt, Delivery, DeliveryStatus } from './model';

export interface DeliveryRef {
  readonly messageId: string;
  readonly endpointId: string;
}

/** The guard of a transition: the attempt the writer holds, and the statuses it may move from. */
export interface AttemptGuard {
  readonly attempt: number;
  readonly from: readonly DeliveryStatus[];
}

export interface DeliveryStore {
  /** Creates the delivery (its first attempt claimed) unless it exists; returns the stored one and whether this call created it. */
  createDelivery(delivery: Delivery, expiresAt: number): Promise<{ delivery: Delivery; created: boolean }>;
  getDelivery(messageId: string, endpointId: string): Promise<Delivery | undefined>;
  listDeliveries(messageId: string): Promise<Delivery[]>;
  /** Deliveries to one endpoint, newest first, optionally since a time and of a status. */
  listEndpointDeliveries(
    endpointId: string,
    options?: { since?: string; status?: DeliveryStatus; limit?: number; cursor?: Record<string, unknown> },
  ): Promise<{ deliveries: Delivery[]; next?: Record<string, unknown> }>;
  /**
   * Takes the next attempt number of a delivery in one of `from` statuses (and, with
   * `onlyIfUpdatedAt`, unchanged since it was read). The number, or undefined when the delivery
   * has moved on.
   */
  beginAttempt(ref: DeliveryRef, from: readonly DeliveryStatus[], now: Date, options?: { onlyIfUpdatedAt?: string }): Promise<number | undefined>;
  /** Logs one attempt (idempotent per attempt number). */
  recordAttempt(attempt: Attempt, expiresAt: number): Promise<void>;
  listAttempts(messageId: string, endpointId?: string): Promise<Attempt[]>;

  /** → `succeeded`: the last status code and the time kept, the error and next attempt cleared. */
  succeed(ref: DeliveryRef, guard: AttemptGuard, fields: { now: Date; statusCode: number }): Promise<boolean>;
  /** → `retrying` until `nextAttemptAt`, with the attempt's status code and error. */
  scheduleRetry(ref: DeliveryRef, guard: AttemptGuard, fields: { now: Date; statusCode: number; error: string; nextAttemptAt: string }): Promise<boolean>;
  /** → `failed` for good (no next attempt), with the reason and, when one came, the status code. */
  fail(ref: DeliveryRef, guard: AttemptGuard, fields: { now: Date; statusCode?: number; error: string }): Promise<boolean>;
  /** → `exhausted`: the schedule ran out (no next attempt). */
  exhaust(ref: DeliveryRef, guard: AttemptGuard, fields: { now: Date; statusCode: number; error: string }): Promise<boolean>;
  /**
   * Gives the claimed attempt `guard.attempt` back unmade (the endpoint's limits hold it back):
   * `attempts` one lower, `retrying` until `nextAttemptAt`. Nothing was sent, nothing is logged.
   */
  returnAttempt(ref: DeliveryRef, guard: AttemptGuard, fields: { now: Date; nextAttemptAt: string }): Promise<boolean>;
  /** A failed manual attempt starts no schedule: the status stays, the attempt's status code and error are kept. */
  noteManualFailure(ref: DeliveryRef, guard: AttemptGuard, fields: { now: Date; statusCode: number; error: string }): Promise<boolean>;
}
