/**
 * What every `MessageStore` and `EndpointStore` must do. Run against the in-memory stores (unit)
 * and DynamoDB Local (integration).
 */
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../shared/errors';
import type { EndpointStore } from '../../shared/outbound/endpoint-store';
import type { MessageStore } from '../../shared/outbound/message-store';
import type { Endpoint, Message } from '../../shared/outbound/model';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const unique = (prefix: string) => `${prefix}_${Math.random().toString(36).slice(2, 10)}`;

export function describeMessageStoreContract(name: string, makeStore: () => Promise<MessageStore> | MessageStore): void {
  describe(`MessageStore contract: ${name}`, () => {
    it('stores a message once', async () => {
      const store = await makeStore();
      const message: Message = { id: unique('msg'), eventType: 'a.b', payload: { kind: 'inline', json: '{"a":1}' }, createdAt: at(0).toISOString() };
      expect(await store.putMessage(message, 0)).toBe(true);
      expect(await store.putMessage({ ...message, eventType: 'c.d' }, 0)).toBe(false);
      expect(await store.getMessage(message.id)).toEqual(message);
      expect(await store.getMessage('msg_none')).toBeUndefined();
    });

    it('gives an idempotency key to its first claimant until it expires, per tenant', async () => {
      const store = await makeStore();
      const key = unique('key');
      expect(await store.claimIdempotencyKey(undefined, key, 'msg_1', at(0), 60)).toBe('msg_1');
      expect(await store.claimIdempotencyKey(undefined, key, 'msg_2', at(30), 60)).toBe('msg_1');
      expect(await store.claimIdempotencyKey('acme', key, 'msg_3', at(30), 60)).toBe('msg_3');
      expect(await store.claimIdempotencyKey(undefined, key, 'msg_4', at(61), 60)).toBe('msg_4');
    });
  });
}

function newEndpoint(overrides: Partial<Endpoint> = {}): Endpoint {
  return {
    id: unique('ep'),
    url: 'https://example.com/hook',
    eventTypes: ['a.*'],
    signatureScheme: 'standard',
    enabled: true,
    secrets: [{ secret: 'whsec_current', createdAt: at(0).toISOString() }],
    createdAt: at(0).toISOString(),
    updatedAt: at(0).toISOString(),
    ...overrides,
  };
}

export function describeEndpointStoreContract(name: string, makeStore: () => Promise<EndpointStore> | EndpointStore): void {
  describe(`EndpointStore contract: ${name}`, () => {
    it('marks an endpoint slow once (the first time kept) and clears the mark', async () => {
      const store = await makeStore();
      const endpoint = newEndpoint();
      await store.create(endpoint);
      await store.markSlow(endpoint.id, at(1));
      await store.markSlow(endpoint.id, at(2));
      expect((await store.get(endpoint.id))?.slowSince).toBe(at(1).toISOString());
      await store.clearSlow(endpoint.id);
      expect((await store.get(endpoint.id))?.slowSince).toBeUndefined();
      await store.markSlow('ep_none', at(3));
      expect(await store.get('ep_none')).toBeUndefined();
    });

    it('updates named fields, clears nulls, and refuses an unknown endpoint', async () => {
      const store = await makeStore();
      const endpoint = newEndpoint({ description: 'old', filter: 'a > 1' });
      await store.create(endpoint);
      const updated = await store.update(endpoint.id, { description: 'new', filter: null, eventTypes: ['b.*'] }, at(1));
      expect(updated).toMatchObject({ description: 'new', eventTypes: ['b.*'], updatedAt: at(1).toISOString() });
      expect(updated).not.toHaveProperty('filter');
      await expect(store.update('ep_none', { description: 'x' }, at(1))).rejects.toBeInstanceOf(NotFoundError);
      expect(await store.delete(endpoint.id)).toBe(true);
      expect(await store.delete(endpoint.id)).toBe(false);
    });

    it('keeps the start of a run of failures, ends it on a success, disables once, and re-enabling starts afresh', async () => {
      const store = await makeStore();
      const endpoint = newEndpoint();
      await store.create(endpoint);
      expect(await store.recordFailure(endpoint.id, at(1))).toBe(at(1).toISOString());
      expect(await store.recordFailure(endpoint.id, at(2))).toBe(at(1).toISOString());
      await store.recordSuccess((await store.get(endpoint.id))!);
      expect(await store.get(endpoint.id)).not.toHaveProperty('failingSince');
      await store.recordFailure(endpoint.id, at(3));
      expect(await store.disable(endpoint.id, 'gone', at(4))).toBe(true);
      expect(await store.disable(endpoint.id, 'again', at(5))).toBe(false);
      expect(await store.get(endpoint.id)).toMatchObject({ enabled: false, disabledReason: 'gone', disabledAt: at(4).toISOString() });
      const enabled = await store.update(endpoint.id, { enabled: true }, at(6));
      expect(enabled.enabled).toBe(true);
      for (const field of ['disabledReason', 'disabledAt', 'failingSince']) expect(enabled).not.toHaveProperty(field);
      expect(await store.recordFailure('ep_none', at(7))).toBeUndefined();
    });

    it('rotates a secret, keeping the previous one until its expiry', async () => {
      const store = await makeStore();
      const endpoint = newEndpoint();
      await store.create(endpoint);
      const rotated = await store.rotateSecret(endpoint.id, 'whsec_next', at(1), at(86_401));
      expect(rotated.secrets).toEqual([
        { secret: 'whsec_next', createdAt: at(1).toISOString() },
        { secret: 'whsec_current', createdAt: at(0).toISOString(), expiresAt: at(86_401).toISOString() },
      ]);
      await expect(store.rotateSecret('ep_none', 'whsec_x', at(1), at(2))).rejects.toBeInstanceOf(NotFoundError);
    });
  });
}
