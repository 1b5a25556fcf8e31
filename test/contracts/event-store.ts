/**
 * What every `EventStore` must do, whatever holds the records: run by the unit tests against the
 * in-memory store and by the integration tests against DynamoDB Local.
 */
import { describe, expect, it } from 'vitest';
import type { EventStore, NewInboundEvent } from '../../shared/inbound/event-store';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
let sequence = 0;

function newEvent(overrides: Partial<NewInboundEvent> = {}): NewInboundEvent {
  sequence += 1;
  return {
    source: 'contract',
    eventId: `evt_${sequence}_${Math.random().toString(36).slice(2, 8)}`,
    eventType: 'thing.happened',
    receivedAt: new Date(T0 + sequence * 1000).toISOString(),
    headers: { 'content-type': 'application/json' },
    bodyBytes: 2,
    body: { kind: 'inline', encoding: 'identity', data: new Uint8Array([123, 125]) },
    ...overrides,
  };
}

const lease = (owner: string, nowMs = T0) => ({ owner, nowMs, enqueueLeaseMs: 15_000, expiresAt: Math.floor(nowMs / 1000) + 86_400 });

export function describeEventStoreContract(name: string, makeStore: () => Promise<EventStore> | EventStore): void {
  describe(`EventStore contract: ${name}`, () => {
    it('records an event once; a second put returns the existing record', async () => {
      const store = await makeStore();
      const event = newEvent();
      expect(await store.putNew(event, lease('a'))).toEqual({ created: true });
      const again = await store.putNew({ ...event, eventType: 'other' }, lease('b'));
      expect(again).toMatchObject({ created: false, existing: { eventId: event.eventId, eventType: 'thing.happened', status: 'received', attempts: 0 } });
      expect(await store.get(event.source, event.eventId)).toMatchObject({ status: 'received', updatedAt: event.receivedAt, body: event.body });
    });

    it('hands the enqueue lease on only once it lapsed or was released, and only while received', async () => {
      const store = await makeStore();
      const event = newEvent();
      await store.putNew(event, lease('a'));
      expect(await store.claimEnqueue(event.source, event.eventId, lease('b', T0 + 1000))).toBe(false);
      expect(await store.claimEnqueue(event.source, event.eventId, lease('b', T0 + 16_000))).toBe(true);
      await store.releaseEnqueue(event.source, event.eventId, 'a');
      expect(await store.claimEnqueue(event.source, event.eventId, lease('c', T0 + 17_000))).toBe(false);
      await store.releaseEnqueue(event.source, event.eventId, 'b');
      expect(await store.claimEnqueue(event.source, event.eventId, lease('c', T0 + 17_000))).toBe(true);
      await store.markQueued(event.source, event.eventId, new Date(T0 + 18_000));
      expect(await store.claimEnqueue(event.source, event.eventId, lease('d', T0 + 60_000))).toBe(false);
      expect(await store.get(event.source, event.eventId)).toMatchObject({ status: 'queued', updatedAt: new Date(T0 + 18_000).toISOString() });
    });

    it('leases a queued event once at a time, takes over a lapsed lease, and completes only by the holder', async () => {
      const store = await makeStore();
      const event = newEvent();
      await store.putNew(event, lease('a'));
      await store.markQueued(event.source, event.eventId, new Date(T0));
      const first = await store.acquireLease(event.source, event.eventId, { owner: 'p1', now: new Date(T0 + 1000), leaseMs: 40_000 });
      expect(first).toMatchObject({ acquired: true, event: { status: 'processing', attempts: 1 } });
      expect(await store.acquireLease(event.source, event.eventId, { owner: 'p2', now: new Date(T0 + 2000), leaseMs: 40_000 })).toMatchObject({
        acquired: false,
        current: { status: 'processing' },
      });
      expect(await store.acquireLease(event.source, event.eventId, { owner: 'p2', now: new Date(T0 + 50_000), leaseMs: 40_000 })).toMatchObject({
        acquired: true,
        event: { attempts: 2 },
      });
      expect(await store.markProcessed(event.source, event.eventId, 'p1', new Date(T0 + 51_000))).toBe(false);
      expect(await store.markProcessed(event.source, event.eventId, 'p2', new Date(T0 + 52_000))).toBe(true);
      expect(await store.get(event.source, event.eventId)).toMatchObject({ status: 'processed', processedAt: new Date(T0 + 52_000).toISOString() });
    });

    it('never leases a processed event again, except for a replay; a missing one is reported missing', async () => {
      const store = await makeStore();
      const event = newEvent();
      await store.putNew(event, lease('a'));
      await store.acquireLease(event.source, event.eventId, { owner: 'p1', now: new Date(T0), leaseMs: 1000 });
      await store.markProcessed(event.source, event.eventId, 'p1', new Date(T0));
      expect(await store.acquireLease(event.source, event.eventId, { owner: 'p2', now: new Date(T0 + 60_000), leaseMs: 1000 })).toMatchObject({
        acquired: false,
        current: { status: 'processed' },
      });
      expect(await store.acquireLease(event.source, event.eventId, { owner: 'p3', now: new Date(T0 + 60_000), leaseMs: 1000, replay: true })).toMatchObject({
        acquired: true,
      });
      expect(await store.acquireLease(event.source, 'evt_never_seen', { owner: 'p4', now: new Date(T0), leaseMs: 1000 })).toEqual({
        acquired: false,
        current: undefined,
      });
    });

    it('ends a failed attempt back in queued, or in failed (dead-lettered) when terminal, only by the holder', async () => {
      const store = await makeStore();
      const event = newEvent();
      await store.putNew(event, lease('a'));
      await store.acquireLease(event.source, event.eventId, { owner: 'p1', now: new Date(T0), leaseMs: 40_000 });
      expect(await store.markAttemptFailed(event.source, event.eventId, 'p0', { now: new Date(T0), error: 'x', terminal: false, deadLettered: false })).toBe(
        false,
      );
      expect(
        await store.markAttemptFailed(event.source, event.eventId, 'p1', { now: new Date(T0 + 1), error: 'boom', terminal: false, deadLettered: false }),
      ).toBe(true);
      expect(await store.get(event.source, event.eventId)).toMatchObject({ status: 'queued', lastError: 'boom' });
      await store.acquireLease(event.source, event.eventId, { owner: 'p2', now: new Date(T0 + 2), leaseMs: 40_000 });
      expect(
        await store.markAttemptFailed(event.source, event.eventId, 'p2', {
          now: new Date(T0 + 3),
          error: 'x'.repeat(1200),
          terminal: true,
          deadLettered: true,
        }),
      ).toBe(true);
      const failed = await store.get(event.source, event.eventId);
      expect(failed).toMatchObject({ status: 'failed', deadLettered: true, failedAt: new Date(T0 + 3).toISOString(), attempts: 2 });
      expect(failed?.lastError).toHaveLength(1000);
    });

    it("keeps each destination's mark, written with the failed attempt and with the processed one", async () => {
      const store = await makeStore();
      const event = newEvent();
      await store.putNew(event, lease('a'));
      await store.acquireLease(event.source, event.eventId, { owner: 'p1', now: new Date(T0), leaseMs: 40_000 });
      const at = new Date(T0 + 1).toISOString();
      const failed = {
        bus: { status: 'delivered', at, attempts: 1 },
        'orders-queue': { status: 'failed', at, attempts: 1, error: 'Throttled' },
      } as const;
      await store.markAttemptFailed(event.source, event.eventId, 'p1', {
        now: new Date(T0 + 1),
        error: 'x',
        terminal: false,
        deadLettered: false,
        destinations: failed,
      });
      expect((await store.get(event.source, event.eventId))?.destinations).toEqual(failed);
      await store.acquireLease(event.source, event.eventId, { owner: 'p2', now: new Date(T0 + 2), leaseMs: 40_000 });
      const delivered = { ...failed, 'orders-queue': { status: 'delivered', at, attempts: 2 } } as const;
      expect(await store.markProcessed(event.source, event.eventId, 'p2', new Date(T0 + 3), delivered)).toBe(true);
      expect(await store.get(event.source, event.eventId)).toMatchObject({ status: 'processed', destinations: delivered });
    });

    it('lists a source newest first, filtered by status and time, in pages', async () => {
      const store = await makeStore();
      const source = `list-${Math.random().toString(36).slice(2, 8)}`;
      const events = [newEvent({ source }), newEvent({ source }), newEvent({ source })];
      for (const event of events) await store.putNew(event, lease('a'));
      await store.markQueued(source, events[1]!.eventId, new Date(T0));
      const first = await store.list(source, { limit: 2 });
      expect(first.events.map((e) => e.eventId)).toEqual([events[2]!.eventId, events[1]!.eventId]);
      const second = await store.list(source, { limit: 2, cursor: first.nextCursor! });
      expect(second.events.map((e) => e.eventId)).toEqual([events[0]!.eventId]);
      expect((await store.list(source, { limit: 10, status: 'queued' })).events.map((e) => e.eventId)).toEqual([events[1]!.eventId]);
      expect((await store.list(source, { limit: 10, since: events[1]!.receivedAt })).events).toHaveLength(2);
      // `until` is exclusive: the window the reconciler reads (shared/inbound/reconcile.ts)
      expect((await store.list(source, { limit: 10, until: events[1]!.receivedAt })).events.map((e) => e.eventId)).toEqual([events[0]!.eventId]);
      expect((await store.list(source, { limit: 10, since: events[1]!.receivedAt, until: events[2]!.receivedAt })).events.map((e) => e.eventId)).toEqual([
        events[1]!.eventId,
      ]);
    });
  });
}
