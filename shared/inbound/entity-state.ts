/**
 * Out-of-order safety for handlers. Providers deliver at least once and in no particular
 * order, so a handler must not let an older event overwrite newer state. `applyIfNewer` writes an
 * entity's state only when its version (the provider's own timestamp or sequence) is newer than
 * what is stored, as one conditional write (shared/store/dynamodb/entity-state-store.ts).
 */

export interface EntityState<T = Record<string, unknown>> {
  readonly kind: string;
  readonly id: string;
  readonly version: number;
  readonly state: T;
  readonly updatedAt: string;
}

export interface EntityStateStore {
  /**
   * Stores `state` as the entity's state if `version` is greater than the stored version (or
   * nothing is stored). Returns whether it was applied; an older or equal version is ignored.
   *
   * @example
   * await entities.applyIfNewer('stripe.subscription', sub.id, event.created, { status: sub.status });
   */
  applyIfNewer<T extends Record<string, unknown>>(kind: string, id: string, version: number, state: T, now?: Date): Promise<boolean>;
  get<T = Record<string, unknown>>(kind: string, id: string): Promise<EntityState<T> | undefined>;
}
