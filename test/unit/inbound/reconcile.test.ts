/**
 * The reconciler over the in-memory store and queue: it queues again the events stuck in
 * `received` (no enqueue lease held), `queued` or `processing` (unchanged past stuckAfterMs), and
 * leaves alone those moving, finished, held by an ingress request, or outside its window.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../shared/config/load';
import type { QueuedEvent } from '../../../shared/inbound/event-queue';
import { reconcileStuckEvents, reconcileWindow } from '../../../shared/inbound/reconcile';
import { ENQUEUE_LEASE_MS, stuckAfterMs } from '../../../shared/inbound/stuck';
import { InMemoryEventStore } from '../../fakes/event-store';
import { InMemoryQueue } from '../../fakes/queue';

const config = parseConfig({
  sources: [
    { name: 'github', provider: 'github' },
    { name: 'stripe', provider: 'stripe' },
  ],
});
const T0 = new Date('2026-03-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const STUCK = stuckAfterMs(config);

async function put(store: InMemoryEventStore, source: string, eventId: string, receivedAt: Date, leaseMs = ENQUEUE_LEASE_MS) {
  await store.putNew(
    {
      source,
      eventId,
      eventType: 'push',
      receivedAt: receivedAt.toISOString(),
      headers: {},
      bodyBytes: 0,
      body: { kind: 'inline', encoding: 'identity', data: new Uint8Array() },
    },
    { owner: `ingress-${eventId}`, nowMs: receivedAt.getTime(), enqueueLeaseMs: leaseMs, expiresAt: 0 },
  );
}

describe('reconcileStuckEvents', () => {
  it('queues again exactly the stuck events, once each, and claims a received one before queuing it', async () => {
    const store = new InMemoryEventStore();
    const queue = new InMemoryQueue<QueuedEvent>();
    // queued, unchanged past the threshold: its message was lost
    await put(store, 'github', 'lost-queued', T0);
    await store.markQueued('github', 'lost-queued', T0);
    // processing, unchanged past the threshold (the processor died, its message gone)
    await put(store, 'stripe', 'lost-processing', T0);
    await store.acquireLease('stripe', 'lost-processing', { owner: 'p', now: T0, leaseMs: 1000 });
    // received, its writer died before queuing (lease long lapsed)
    await put(store, 'github', 'orphan-received', at(STUCK));
    // processed: done
    await put(store, 'github', 'done', T0);
    await store.acquireLease('github', 'done', { owner: 'p', now: T0, leaseMs: 1000 });
    await store.markProcessed('github', 'done', 'p', T0);
    // queued, but it moved recently (a failed attempt just now): not stuck
    await put(store, 'github', 'moving', T0);
    await store.acquireLease('github', 'moving', { owner: 'p', now: at(STUCK), leaseMs: 1000 });
    await store.markAttemptFailed('github', 'moving', 'p', { error: 'x', now: at(STUCK + 10), terminal: false, deadLettered: false });
    // received moments ago, an ingress request holding its lease: not the reconciler's
    const now = at(STUCK + 60_000);
    await put(store, 'github', 'fresh', at(STUCK + 59_000));
    // received with its lease held far ahead (in the window): the claim is refused
    await put(store, 'github', 'held', at(STUCK), 10 ** 9);

    const result = await reconcileStuckEvents({ config, store, queue, owner: 'reconciler-1', now: () => now });

    expect(result.reconciled.map((event) => `${event.source}/${event.eventId}:${event.status}`).sort()).toEqual([
      'github/lost-queued:queued',
      'github/orphan-received:received',
      'stripe/lost-processing:processing',
    ]);
    expect(queue.sent.map((message) => `${message.source}/${message.eventId}`).sort()).toEqual([
      'github/lost-queued',
      'github/orphan-received',
      'stripe/lost-processing',
    ]);
    // the received one is now recorded queued, so the next run leaves it to its message
    expect((await store.get('github', 'orphan-received'))?.status).toBe('queued');
    expect(result.examined).toBe(6); // 'fresh' is younger than the enqueue lease: outside the window
  });

  it('reads only its window: a record received before the lookback is not read', async () => {
    const store = new InMemoryEventStore();
    const queue = new InMemoryQueue<QueuedEvent>();
    const now = at(10 * STUCK);
    const window = reconcileWindow(config, now);
    await put(store, 'github', 'ancient', new Date(Date.parse(window.since) - 1));
    await store.markQueued('github', 'ancient', new Date(Date.parse(window.since) - 1));
    await put(store, 'github', 'inside', new Date(Date.parse(window.since) + 1));
    await store.markQueued('github', 'inside', new Date(Date.parse(window.since) + 1));
    const result = await reconcileStuckEvents({ config, store, queue, owner: 'r', now: () => now });
    expect(result.reconciled.map((event) => event.eventId)).toEqual(['inside']);
    expect(result.examined).toBe(1);
    expect(Date.parse(window.until)).toBe(now.getTime() - ENQUEUE_LEASE_MS);
  });

  it('pages through a source with more records than one page', async () => {
    const store = new InMemoryEventStore();
    const queue = new InMemoryQueue<QueuedEvent>();
    for (let i = 0; i < 250; i++) {
      await put(store, 'github', `e${String(i).padStart(3, '0')}`, at(i));
      await store.markQueued('github', `e${String(i).padStart(3, '0')}`, at(i));
    }
    const result = await reconcileStuckEvents({ config, store, queue, owner: 'r', now: () => at(STUCK + 300) });
    expect(result.reconciled).toHaveLength(250);
    expect(new Set(queue.sent.map((message) => message.eventId)).size).toBe(250);
  });

  it('fails the run when the queue refuses (the schedule runs it again)', async () => {
    const store = new InMemoryEventStore();
    const queue = new InMemoryQueue<QueuedEvent>().refuse();
    await put(store, 'github', 'lost', T0);
    await store.markQueued('github', 'lost', T0);
    await expect(reconcileStuckEvents({ config, store, queue, owner: 'r', now: () => at(STUCK + 1000) })).rejects.toThrow('queue unavailable');
  });
});
