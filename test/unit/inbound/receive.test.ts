/**
 * The rules of receiving a webhook, on in-memory stores and queues: an event is recorded once and
 * queued once, a copy in flight is asked to retry, a record stuck before its enqueue is taken
 * over, and a queue that refuses leaves the provider's retry able to finish the job.
 */
import { sign } from '@octokit/webhooks-methods';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../shared/config/load';
import { DependencyError, EventInFlightError, ForbiddenError, NotFoundError, PayloadTooLargeError, SignatureError } from '../../../shared/errors';
import type { QueuedEvent } from '../../../shared/inbound/event-queue';
import { receiveWebhook, type InboundRequest, type ReceiveDeps } from '../../../shared/inbound/receive';
import { isStuck, stuckAfterMs } from '../../../shared/inbound/stuck';
import { InMemoryEventStore } from '../../fakes/event-store';
import { InMemoryPayloadStore } from '../../fakes/payload-store';
import { InMemoryQueue } from '../../fakes/queue';

const SECRET = 'unit-test-github-secret';
const config = parseConfig({
  sources: [
    { name: 'github', provider: 'github' },
    { name: 'office', provider: 'github', allowedCidrs: ['192.0.2.0/24'] },
  ],
  inbound: { maxBodyBytes: 4096, claimCheckBytes: 2048 },
});
const NOW = new Date('2026-03-01T10:00:00.000Z');

function world(overrides: Partial<ReceiveDeps> = {}) {
  const store = new InMemoryEventStore();
  const queue = new InMemoryQueue<QueuedEvent>();
  const payloads = new InMemoryPayloadStore();
  const queued: string[] = [];
  let now = NOW;
  const deps: ReceiveDeps = {
    config,
    secrets: { secretsFor: async () => [SECRET] },
    store,
    queue,
    payloads,
    now: () => now,
    onQueued: async (event) => void queued.push(event.eventId),
    ...overrides,
  };
  return { deps, store, queue, payloads, queued, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

async function pushEvent(id: string, body = JSON.stringify({ ref: 'refs/heads/main', after: 'abc' }), source = 'github'): Promise<InboundRequest> {
  return {
    sourceName: source,
    body: Buffer.from(body),
    headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': id, 'x-hub-signature-256': await sign(SECRET, body) },
    url: `https://hooks.example.test/webhooks/${source}`,
    sourceIp: '192.0.2.10',
  };
}

describe('receiving a webhook', () => {
  it('records a new event, queues a reference to it once, and marks it queued', async () => {
    const { deps, store, queue, queued } = world();
    const outcome = await receiveWebhook(deps, await pushEvent('d-1'));
    expect(outcome).toMatchObject({ kind: 'accepted', eventId: 'd-1', eventType: 'push', duplicate: false, recovered: false, statusUpdateFailed: false });
    expect(queue.sent).toEqual([{ source: 'github', eventId: 'd-1' }]);
    expect(queued).toEqual(['d-1']);
    expect(await store.get('github', 'd-1')).toMatchObject({ status: 'queued', eventType: 'push', sourceIp: '192.0.2.10' });
  });

  it('answers a duplicate of a queued event as a duplicate and queues nothing more', async () => {
    const { deps, queue } = world();
    const request = await pushEvent('d-2');
    await receiveWebhook(deps, request);
    expect(await receiveWebhook(deps, request)).toMatchObject({ kind: 'accepted', duplicate: true, recovered: false });
    expect(queue.sent).toHaveLength(1);
  });

  it('asks a copy to retry (in flight) while the first request holds the enqueue lease', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = new InMemoryQueue<QueuedEvent>();
    const { deps, store } = world({
      queue: {
        send: async (message) => {
          await gate;
          await slow.send(message);
        },
      },
    });
    const request = await pushEvent('d-3');
    const first = receiveWebhook(deps, request);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await expect(receiveWebhook(deps, request)).rejects.toBeInstanceOf(EventInFlightError);
    release();
    expect(await first).toMatchObject({ duplicate: false });
    expect(slow.sent).toHaveLength(1);
    expect((await store.get('github', 'd-3'))?.status).toBe('queued');
  });

  it('takes over a record stuck in received once its enqueue lease lapsed, and queues it (recovered)', async () => {
    const { deps, store, queue, advance } = world();
    const request = await pushEvent('d-4');
    // A writer that recorded the event and died before queueing it.
    await store.putNew(
      {
        source: 'github',
        eventId: 'd-4',
        eventType: 'push',
        receivedAt: NOW.toISOString(),
        headers: {},
        bodyBytes: 0,
        body: { kind: 'inline', encoding: 'identity', data: new Uint8Array() },
      },
      { owner: 'dead-writer', nowMs: NOW.getTime(), enqueueLeaseMs: 15_000, expiresAt: 0 },
    );
    await expect(receiveWebhook(deps, request)).rejects.toBeInstanceOf(EventInFlightError);
    advance(16_000);
    expect(await receiveWebhook(deps, request)).toMatchObject({ duplicate: false, recovered: true });
    expect(queue.sent).toEqual([{ source: 'github', eventId: 'd-4' }]);
  });

  it('answers 503 when the queue refuses after the record was written, gives the lease back, and the retry queues it', async () => {
    const { deps, store, queue } = world();
    queue.refuse();
    const request = await pushEvent('d-5');
    await expect(receiveWebhook(deps, request)).rejects.toBeInstanceOf(DependencyError);
    expect(store.row('github', 'd-5')).toMatchObject({ status: 'received', enqueueLeaseUntil: 0 });
    queue.accept();
    expect(await receiveWebhook(deps, request)).toMatchObject({ duplicate: false, recovered: true });
    expect(queue.sent).toHaveLength(1);
    expect((await store.get('github', 'd-5'))?.status).toBe('queued');
  });

  it('turns an unavailable store into a retryable DependencyError, and reports a failed queued marker without failing', async () => {
    const broken = world({ store: Object.assign(new InMemoryEventStore(), { putNew: async () => Promise.reject(new Error('throttled')) }) });
    await expect(receiveWebhook(broken.deps, await pushEvent('d-6'))).rejects.toBeInstanceOf(DependencyError);
    const store = Object.assign(new InMemoryEventStore(), { markQueued: async () => Promise.reject(new Error('throttled')) });
    const lossy = world({ store });
    expect(await receiveWebhook(lossy.deps, await pushEvent('d-7'))).toMatchObject({ duplicate: false, statusUpdateFailed: true });
    expect(lossy.queue.sent).toHaveLength(1);
  });

  it('claim-checks a body over the threshold and gzips a compressible one below it', async () => {
    const { deps, store, payloads } = world();
    await receiveWebhook(deps, await pushEvent('big', JSON.stringify({ pad: 'x'.repeat(3000) })));
    expect((await store.get('github', 'big'))?.body).toMatchObject({ kind: 'object' });
    expect(payloads.objects.size).toBe(1);
    await receiveWebhook(deps, await pushEvent('mid', JSON.stringify({ pad: 'y'.repeat(1500) })));
    expect((await store.get('github', 'mid'))?.body).toMatchObject({ kind: 'inline', encoding: 'gzip' });
  });

  it('refuses before recording: unknown source, too large, address not allowed, bad signature', async () => {
    const { deps, store } = world();
    await expect(receiveWebhook(deps, { ...(await pushEvent('x')), sourceName: 'nope' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(receiveWebhook(deps, await pushEvent('x', JSON.stringify({ pad: 'z'.repeat(5000) })))).rejects.toBeInstanceOf(PayloadTooLargeError);
    await expect(receiveWebhook(deps, { ...(await pushEvent('x', undefined, 'office')), sourceIp: '203.0.113.1' })).rejects.toBeInstanceOf(ForbiddenError);
    const forged = await pushEvent('x');
    await expect(receiveWebhook(deps, { ...forged, body: Buffer.from(`${forged.body.toString()} `) })).rejects.toBeInstanceOf(SignatureError);
    expect(await store.get('github', 'x')).toBeUndefined();
  });

  it('queues again a duplicate of an event stuck in queued or processing past the threshold the queue settings give, instead of answering duplicate', async () => {
    const { deps, store, queue, advance } = world();
    const request = await pushEvent('d-stuck');
    await receiveWebhook(deps, request);
    // Before the threshold, an ordinary duplicate.
    advance(stuckAfterMs(config) - 1000);
    expect(await receiveWebhook(deps, request)).toMatchObject({ duplicate: true });
    expect(queue.sent).toHaveLength(1);
    // Its message was lost: unchanged for longer than every receive SQS would make.
    advance(2000);
    expect(await receiveWebhook(deps, request)).toMatchObject({ duplicate: false, recovered: true });
    expect(queue.sent).toEqual([
      { source: 'github', eventId: 'd-stuck' },
      { source: 'github', eventId: 'd-stuck' },
    ]);
    // A processed event is never queued again.
    await store.acquireLease('github', 'd-stuck', { owner: 'p', now: new Date(NOW.getTime() + stuckAfterMs(config) + 2000), leaseMs: 1000 });
    await store.markProcessed('github', 'd-stuck', 'p', new Date(NOW.getTime() + stuckAfterMs(config) + 2000));
    advance(stuckAfterMs(config) * 2);
    expect(await receiveWebhook(deps, request)).toMatchObject({ duplicate: true });
    expect(queue.sent).toHaveLength(2);
  });

  it('derives the stuck threshold from the queue: (maxReceiveCount + 1) visibility timeouts', () => {
    // processorTimeoutSeconds 30 → visibility 180 s; maxReceiveCount 5 → 6 × 180 s.
    expect(stuckAfterMs(config)).toBe(6 * 180 * 1000);
    expect(isStuck({ status: 'processing', updatedAt: NOW.toISOString() }, new Date(NOW.getTime() + 6 * 180 * 1000 + 1), config)).toBe(true);
    expect(isStuck({ status: 'failed', updatedAt: NOW.toISOString() }, new Date(NOW.getTime() + 10 ** 9), config)).toBe(false);
  });
});
