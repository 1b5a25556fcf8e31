/**
 * The `DeliveryStore` port in memory, with the adapter's guards: a transition applies only while
 * `attempts` equals the writer's attempt and the status is one it may leave (the contract in
 * test/contracts/delivery-store.ts runs against both).
 */
import type { AttemptGuard, DeliveryRef, DeliveryStore } from '../../shared/outbound/delivery-store';
import type { Attempt, Delivery, DeliveryStatus } from '../../shared/outbound/model';
import { rawPageOf } from './pages';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
const key = (messageId: string, endpointId: string) => `${messageId}\u0000${endpointId}`;

export class InMemoryDeliveryStore implements DeliveryStore {
  private readonly deliveries = new Map<string, Mutable<Delivery>>();
  private readonly attempts = new Map<string, Attempt>();

  async createDelivery(delivery: Delivery, _expiresAt: number): Promise<{ delivery: Delivery; created: boolean }> {
    const existing = this.deliveries.get(key(delivery.messageId, delivery.endpointId));
    if (existing) return { delivery: structuredClone(existing), created: false };
    this.deliveries.set(key(delivery.messageId, delivery.endpointId), structuredClone(delivery));
    return { delivery, created: true };
  }

  async getDelivery(messageId: string, endpointId: string): Promise<Delivery | undefined> {
    const delivery = this.deliveries.get(key(messageId, endpointId));
    return delivery && structuredClone(delivery);
  }

  async listDeliveries(messageId: string): Promise<Delivery[]> {
    return [...this.deliveries.values()].filter((delivery) => delivery.messageId === messageId).map((delivery) => structuredClone(delivery));
  }

  async listEndpointDeliveries(
    endpointId: string,
    options: { since?: string; status?: DeliveryStatus; limit?: number; cursor?: Record<string, unknown> } = {},
  ): Promise<{ deliveries: Delivery[]; next?: Record<string, unknown> }> {
    const all = [...this.deliveries.values()]
      .filter((delivery) => delivery.endpointId === endpointId && (!options.since || delivery.createdAt >= options.since))
      .sort((a, b) => `${b.createdAt}#${b.messageId}`.localeCompare(`${a.createdAt}#${a.messageId}`));
    const page = rawPageOf(all, options.limit, options.cursor);
    return {
      deliveries: page.items.filter((d) => !options.status || d.status === options.status).map((d) => structuredClone(d)),
      ...(page.next ? { next: page.next } : {}),
    };
  }

  async beginAttempt(ref: DeliveryRef, from: readonly DeliveryStatus[], now: Date, options: { onlyIfUpdatedAt?: string } = {}): Promise<number | undefined> {
    const delivery = this.deliveries.get(key(ref.messageId, ref.endpointId));
    if (!delivery || !from.includes(delivery.status)) return undefined;
    if (options.onlyIfUpdatedAt !== undefined && delivery.updatedAt !== options.onlyIfUpdatedAt) return undefined;
    delivery.attempts += 1;
    delivery.updatedAt = now.toISOString();
    return delivery.attempts;
  }

  async recordAttempt(attempt: Attempt, _expiresAt: number): Promise<void> {
    this.attempts.set(`${key(attempt.messageId, attempt.endpointId)}\u0000${String(attempt.attempt).padStart(4, '0')}`, structuredClone(attempt));
  }

  async listAttempts(messageId: string, endpointId?: string): Promise<Attempt[]> {
    return [...this.attempts.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, attempt]) => attempt)
      .filter((attempt) => attempt.messageId === messageId && (!endpointId || attempt.endpointId === endpointId))
      .map((attempt) => structuredClone(attempt));
  }

  async succeed(ref: DeliveryRef, guard: AttemptGuard, fields: { now: Date; statusCode: number }): Promise<boolean> {
    return this.transition(
      ref,
      guard,
      'succeeded',
      (d) => {
        Object.assign(d, { lastStatusCode: fields.statusCode, succeededAt: fields.now.toISOString() });
        delete d.lastError;
        delete d.nextAttemptAt;
      },
      fields.now,
    );
  }

  async scheduleRetry(
    ref: DeliveryRef,
    guard: AttemptGuard,
    fields: { now: Date; statusCode: number; error: string; nextAttemptAt: string },
  ): Promise<boolean> {
    return this.transition(
      ref,
      guard,
      'retrying',
      (d) => Object.assign(d, { lastStatusCode: fields.statusCode, lastError: fields.error, nextAttemptAt: fields.nextAttemptAt }),
      fields.now,
    );
  }

  async fail(ref: DeliveryRef, guard: AttemptGuard, fields: { now: Date; statusCode?: number; error: string }): Promise<boolean> {
    return this.transition(
      ref,
      guard,
      'failed',
      (d) => {
        Object.assign(d, { lastError: fields.error, ...(fields.statusCode === undefined ? {} : { lastStatusCode: fields.statusCode }) });
        delete d.nextAttemptAt;
      },
      fields.now,
    );
  }

  async exhaust(ref: DeliveryRef, guard: AttemptGuard, fields: { now: Date; statusCode: number; error: string }): Promise<boolean> {
    return this.transition(
      ref,
      guard,
      'exhausted',
      (d) => {
        Object.assign(d, { lastStatusCode: fields.statusCode, lastError: fields.error });
        delete d.nextAttemptAt;
      },
      fields.now,
    );
  }

  async returnAttempt(ref: DeliveryRef, guard: AttemptGuard, fields: { now: Date; nextAttemptAt: string }): Promise<boolean> {
    return this.transition(ref, guard, 'retrying', (d) => Object.assign(d, { attempts: guard.attempt - 1, nextAttemptAt: fields.nextAttemptAt }), fields.now);
  }

  async noteManualFailure(ref: DeliveryRef, guard: AttemptGuard, fields: { now: Date; statusCode: number; error: string }): Promise<boolean> {
    return this.transition(ref, guard, undefined, (d) => Object.assign(d, { lastStatusCode: fields.statusCode, lastError: fields.error }), fields.now);
  }

  private transition(ref: DeliveryRef, guard: AttemptGuard, to: DeliveryStatus | undefined, change: (delivery: Mutable<Delivery>) => void, now: Date): boolean {
    const delivery = this.deliveries.get(key(ref.messageId, ref.endpointId));
    if (!delivery || delivery.attempts !== guard.attempt || !guard.from.includes(delivery.status)) return false;
    change(delivery);
    delivery.updatedAt = now.toISOString();
    if (to) delivery.status = to;
    return true;
  }
}
