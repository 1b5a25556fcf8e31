/** The `EntityStateStore` port in memory: a newer version replaces the state, an older or equal one is ignored. */
import type { EntityState, EntityStateStore } from '../../shared/inbound/entity-state';

export class InMemoryEntityStateStore implements EntityStateStore {
  private readonly states = new Map<string, EntityState>();

  async applyIfNewer<T extends Record<string, unknown>>(kind: string, id: string, version: number, state: T, now = new Date()): Promise<boolean> {
    const stored = this.states.get(`${kind}\u0000${id}`);
    if (stored && stored.version >= version) return false;
    this.states.set(`${kind}\u0000${id}`, { kind, id, version, state: structuredClone(state), updatedAt: now.toISOString() });
    return true;
  }

  async get<T = Record<string, unknown>>(kind: string, id: string): Promise<EntityState<T> | undefined> {
    const stored = this.states.get(`${kind}\u0000${id}`);
    return stored && (structuredClone(stored) as EntityState<T>);
  }
}
