/** The `EndpointStore` port in memory, with the adapter's rules (re-enabling clears the run of failures). */
import { NotFoundError } from '../../shared/errors';
import type { EndpointChanges, EndpointStore } from '../../shared/outbound/endpoint-store';
import type { Endpoint } from '../../shared/outbound/model';
import { rawPageOf } from './pages';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
const notFound = () => new NotFoundError('no endpoint with this id', 'endpoint_not_found');

export class InMemoryEndpointStore implements EndpointStore {
  private readonly endpoints = new Map<string, Mutable<Endpoint>>();

  async create(endpoint: Endpoint): Promise<void> {
    if (this.endpoints.has(endpoint.id)) throw new Error(`endpoint ${endpoint.id} exists`);
    this.endpoints.set(endpoint.id, structuredClone(endpoint) as Mutable<Endpoint>);
  }

  async get(id: string): Promise<Endpoint | undefined> {
    const endpoint = this.endpoints.get(id);
    return endpoint && structuredClone(endpoint);
  }

  async list(options: { limit?: number; cursor?: Record<string, unknown> } = {}): Promise<{ endpoints: Endpoint[]; next?: Record<string, unknown> }> {
    const all = [...this.endpoints.values()].sort((a, b) => `${a.createdAt}#${a.id}`.localeCompare(`${b.createdAt}#${b.id}`));
    const page = rawPageOf(all, options.limit, options.cursor);
    return { endpoints: page.items.map((endpoint) => structuredClone(endpoint)), ...(page.next ? { next: page.next } : {}) };
  }

  async listAll(): Promise<Endpoint[]> {
    return (await this.list()).endpoints;
  }

  async update(id: string, changes: EndpointChanges, now: Date): Promise<Endpoint> {
    const endpoint = this.endpoints.get(id);
    if (!endpoint) throw notFound();
    const record = endpoint as Record<string, unknown>;
    for (const [field, value] of Object.entries(changes)) {
      if (value === null) delete record[field];
      else if (value !== undefined) record[field] = structuredClone(value);
    }
    if (changes.enabled === true) {
      delete endpoint.disabledReason;
      delete endpoint.disabledAt;
      delete endpoint.failingSince;
    }
    endpoint.updatedAt = now.toISOString();
    return structuredClone(endpoint);
  }

  async delete(id: string): Promise<boolean> {
    return this.endpoints.delete(id);
  }

  async rotateSecret(id: string, secret: string, now: Date, previousExpiresAt: Date): Promise<Endpoint> {
    const endpoint = this.endpoints.get(id);
    if (!endpoint) throw notFound();
    const current = endpoint.secrets[0];
    endpoint.secrets = [
      { secret, createdAt: now.toISOString() },
      ...(current ? [{ secret: current.secret, createdAt: current.createdAt, expiresAt: previousExpiresAt.toISOString() }] : []),
    ];
    endpoint.updatedAt = now.toISOString();
    return structuredClone(endpoint);
  }

  async recordFailure(id: string, now: Date): Promise<string | undefined> {
    const endpoint = this.endpoints.get(id);
    if (!endpoint) return undefined;
    endpoint.failingSince ??= now.toISOString();
    return endpoint.failingSince;
  }

  async recordSuccess(endpoint: Endpoint): Promise<void> {
    if (endpoint.failingSince) delete this.endpoints.get(endpoint.id)?.failingSince;
  }

  async markSlow(id: string, now: Date): Promise<void> {
    const endpoint = this.endpoints.get(id);
    if (endpoint) endpoint.slowSince ??= now.toISOString();
  }

  async clearSlow(id: string): Promise<void> {
    delete this.endpoints.get(id)?.slowSince;
  }

  async disable(id: string, reason: string, now: Date): Promise<boolean> {
    const endpoint = this.endpoints.get(id);
    if (!endpoint?.enabled) return false;
    Object.assign(endpoint, { enabled: false, disabledReason: reason, disabledAt: now.toISOString(), updatedAt: now.toISOString() });
    return true;
  }
}
