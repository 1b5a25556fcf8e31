/**
 * Checking an event's record against the store's limits before anything is written: a provider's
 * id within our character cap can still be too many UTF-8 bytes for DynamoDB's keys, and a record
 * too large for an item is refused as a 400 naming the field, never a retryable 503.
 */
import { sign } from '@octokit/webhooks-methods';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../shared/config/load';
import { DependencyError, ValidationError } from '../../../shared/errors';
import type { QueuedEvent } from '../../../shared/inbound/event-queue';
import { receiveWebhook, type InboundRequest } from '../../../shared/inbound/receive';
import { checkRecordLimits, MAX_EVENT_TYPE_BYTES, maxEventIdBytes } from '../../../shared/inbound/record-limits';
import { MAX_EVENT_ID_LENGTH } from '../../../shared/signatures/event';
import { attributeValueBytes, itemBytes } from '../../../shared/store/dynamodb-limits';
import { InMemoryEventStore } from '../../fakes/event-store';
import { InMemoryPayloadStore } from '../../fakes/payload-store';
import { InMemoryQueue } from '../../fakes/queue';

const SECRET = 'unit-test-github-secret';
const config = parseConfig({ sources: [{ name: 'github', provider: 'github' }], inbound: { maxBodyBytes: 8192, claimCheckBytes: 2048 } });
const NOW = new Date('2026-03-01T10:00:00.000Z');

function world() {
  const store = new InMemoryEventStore();
  const queue = new InMemoryQueue<QueuedEvent>();
  const payloads = new InMemoryPayloadStore();
  return { deps: { config, secrets: { secretsFor: async () => [SECRET] }, store, queue, payloads, now: () => NOW }, store, queue, payloads };
}

async function delivery(id: string, type = 'push', body = JSON.stringify({ ref: 'refs/heads/main' })): Promise<InboundRequest> {
  return {
    sourceName: 'github',
    body: Buffer.from(body),
    headers: { 'content-type': 'application/json', 'x-github-event': type, 'x-github-delivery': id, 'x-hub-signature-256': await sign(SECRET, body) },
    url: 'https://hooks.example.test/webhooks/github',
  };
}

async function refusal(promise: Promise<unknown>): Promise<ValidationError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe('an event record within the store limits', () => {
  it('derives the longest id from the key layout: the index sort key `<receivedAt>#<id>` holds 1024 bytes', () => {
    expect(maxEventIdBytes('github')).toBe(1024 - 25);
    // A source name long enough would make the partition key the tighter one.
    expect(maxEventIdBytes('s'.repeat(1100))).toBe(2048 - 'EVENT#'.length - 1100 - 1);
  });

  it('counts sizes as DynamoDB documents them: UTF-8 bytes of names and strings, raw bytes of binaries, 3 bytes per map', () => {
    expect(attributeValueBytes('☃')).toBe(3);
    expect(attributeValueBytes(new Uint8Array(10))).toBe(10);
    expect(attributeValueBytes({ a: 'bc' })).toBe(3 + 1 + 1 + 2);
    expect(itemBytes({ pk: 'EVENT#x', n: 12345 })).toBe(2 + 7 + 1 + 4);
  });

  it('refuses an id within the character cap but past the key size in UTF-8 (400 event_id_too_large), writing nothing', async () => {
    const { deps, store, queue, payloads } = world();
    const id = '☃'.repeat(334); // 334 characters, 1002 bytes
    expect(id.length).toBeLessThanOrEqual(MAX_EVENT_ID_LENGTH);
    // A body over the claim-check threshold: not even the payload object may be written.
    const error = await refusal(receiveWebhook(deps, await delivery(id, 'push', JSON.stringify({ pad: 'x'.repeat(3000) }))));
    expect(error.code).toBe('event_id_too_large');
    expect(await store.get('github', id)).toBeUndefined();
    expect(payloads.objects.size).toBe(0);
    expect(queue.sent).toHaveLength(0);
  });

  it('accepts an id of exactly the largest size', async () => {
    const { deps, store } = world();
    const id = '☃'.repeat(333); // 999 bytes
    expect(await receiveWebhook(deps, await delivery(id))).toMatchObject({ kind: 'accepted', duplicate: false });
    expect(await store.get('github', id)).toMatchObject({ status: 'queued' });
  });

  it('refuses an event type over the kept size (400 event_type_too_large)', async () => {
    const { deps, store } = world();
    const error = await refusal(receiveWebhook(deps, await delivery('d-type', 'é'.repeat(MAX_EVENT_TYPE_BYTES / 2 + 1))));
    expect(error.code).toBe('event_type_too_large');
    expect(await store.get('github', 'd-type')).toBeUndefined();
  });

  it('refuses a record whose headers and inline body would pass the 400 KB item size (400 record_too_large)', () => {
    const headers = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`x-extra-${i}`, '文'.repeat(1024)]));
    const record = { source: 'github', eventId: 'd-1', eventType: 'push', receivedAt: NOW.toISOString(), headers };
    expect(() => checkRecordLimits({ ...record, inlineBodyBytes: 200 * 1024 })).not.toThrow();
    try {
      checkRecordLimits({ ...record, inlineBodyBytes: 300 * 1024 });
      expect.unreachable('a record over 400 KB was let through');
    } catch (error) {
      expect(error).toMatchObject({ code: 'record_too_large' });
    }
  });

  it('answers a store that refuses the write as invalid with a 400, and only a transient failure as retryable', async () => {
    // A mocked refusal: DynamoDB's ValidationException cannot be produced by the in-memory store.
    const invalid = Object.assign(new Error('Item size has exceeded the maximum allowed size'), { name: 'ValidationException' });
    const refusing = world();
    const deps = { ...refusing.deps, store: Object.assign(new InMemoryEventStore(), { putNew: async () => Promise.reject(invalid) }) };
    expect((await refusal(receiveWebhook(deps, await delivery('d-refused')))).code).toBe('record_refused');
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const busy = { ...refusing.deps, store: Object.assign(new InMemoryEventStore(), { putNew: async () => Promise.reject(throttled) }) };
    await expect(receiveWebhook(busy, await delivery('d-busy'))).rejects.toBeInstanceOf(DependencyError);
  });
});
