/**
 * Asana's handshake secret kept in the real table (DynamoDB Local): written once with a
 * condition, read back by a new store (durable, not a cache), and used by the real ingress
 * handler to verify the events that follow. The handshake itself records and queues nothing.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleIngress } from '../../functions/ingress/handler';
import { DynamoDbHandshakeSecretStore } from '../../shared/store/dynamodb/handshake-secret-store';
import { createHarness, type Harness } from '../support/harness';
import { httpEvent } from '../support/http-event';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h?.clients.dynamodb.destroy());

const store = () => new DynamoDbHandshakeSecretStore(h.clients.documents, h.resources.tableName);

describe('DynamoDbHandshakeSecretStore', () => {
  it('keeps the first secret of a source, answers it again, and refuses another', async () => {
    expect(await store().establish('asana-a', 'first-secret', new Date())).toBe('established');
    expect(await store().establish('asana-a', 'first-secret', new Date())).toBe('unchanged');
    expect(await store().establish('asana-a', 'second-secret', new Date())).toBe('conflict');
    // A new store (a cold Lambda) reads it from the table.
    expect(await store().secretsFor('asana-a')).toEqual(['first-secret']);
    expect(await store().secretsFor('asana-b')).toEqual([]);
  });

  it('lets exactly one of two racing handshakes win', async () => {
    const outcomes = await Promise.all([store().establish('asana-race', 'one', new Date()), store().establish('asana-race', 'two', new Date())]);
    expect(outcomes.sort()).toEqual(['conflict', 'established']);
    const [kept] = await store().secretsFor('asana-race');
    expect(['one', 'two']).toContain(kept);
  });
});

describe('the Asana handshake through the ingress handler', () => {
  const post = (headers: Record<string, string>, body = '') =>
    handleIngress(
      httpEvent({ path: '/webhooks/asana', pathParameters: { source: 'asana' }, headers: { 'content-type': 'application/json', ...headers }, body }),
      h.receiveDeps(),
    );

  it('echoes X-Hook-Secret, stores and queues nothing, then accepts and queues events signed with it', async () => {
    const depth = await h.queueDepth(h.resources.inbound.queueUrl);
    const handshake = await post({ 'x-hook-secret': 'asana-secret-from-handshake' });
    expect(handshake.statusCode).toBe(200);
    expect(handshake.headers?.['x-hook-secret']).toBe('asana-secret-from-handshake');
    expect(await h.queueDepth(h.resources.inbound.queueUrl)).toBe(depth);
    expect((await h.store.list('asana', { limit: 10 })).events).toEqual([]);

    const body = JSON.stringify({
      events: [{ created_at: '2026-01-01T00:00:00.000Z', action: 'added', resource: { gid: '42', resource_type: 'task' }, user: { gid: '7' } }],
    });
    const sign = (key: string) => ({ 'x-hook-signature': createHmac('sha256', key).update(body).digest('hex') });
    const accepted = await post(sign('asana-secret-from-handshake'), body);
    expect(accepted.statusCode).toBe(200);
    expect(JSON.parse(accepted.body)).toMatchObject({ received: true, id: '2026-01-01T00:00:00.000Z:added:42:::7', duplicate: false });
    expect(await h.queueDepth(h.resources.inbound.queueUrl)).toBe(depth + 1);

    expect((await post(sign('not-the-secret'), body)).statusCode).toBe(401);
    const intruder = await post({ 'x-hook-secret': 'intruder-secret' });
    expect(intruder.statusCode).toBe(409);
    expect(JSON.parse(intruder.body)).toMatchObject({ error: { code: 'handshake_secret_exists' } });
  });
});
