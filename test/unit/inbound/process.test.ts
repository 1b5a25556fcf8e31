/**
 * The rules of processing a queued event, on in-memory stores: one lease at a time, a processed
 * event is never run again, a malformed one is dead-lettered at once, and a failing handler is
 * retried by the queue until its last receive.
 */
import { describe, expect, it } from 'vitest';
import { MalformedEventError } from '../../../shared/errors';
import type { QueuedEvent } from '../../../shared/inbound/event-queue';
import type { NewInboundEvent } from '../../../shared/inbound/event-store';
import { HandlerRegistry, type EventHandler } from '../../../shared/inbound/handlers/registry';
import { EventBusyError, HandlerFailedError, processQueuedEvent, type ProcessDeps } from '../../../shared/inbound/process';
import type { WebhookEvent } from '../../../shared/inbound/webhook-event';
import { InMemoryEntityStateStore } from '../../fakes/entity-state-store';
import { InMemoryEventStore } from '../../fakes/event-store';
import { InMemoryPayloadStore } from '../../fakes/payload-store';
import { InMemoryQueue } from '../../fakes/queue';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const LEASE_MS = 40_000;

function inbound(eventId: string, body: string, contentType = 'application/json'): NewInboundEvent {
  return {
    source: 'shop',
    eventId,
    eventType: 'order.paid',
    receivedAt: NOW.toISOString(),
    headers: { 'content-type': contentType },
    bodyBytes: body.length,
    body: { kind: 'inline', encoding: 'identity', data: Buffer.from(body) },
  };
}

async function world(handler?: EventHandler, overrides: Partial<ProcessDeps> = {}) {
  const store = new InMemoryEventStore();
  const deadLetters = new InMemoryQueue<QueuedEvent>();
  const handled: WebhookEvent[] = [];
  const relayed: string[] = [];
  let now = NOW;
  const handlers = new HandlerRegistry().on('shop', 'order.*', async (event, context) => {
    handled.push(event);
    await handler?.(event, context);
  });
  const deps: ProcessDeps = {
    store,
    payloads: new InMemoryPayloadStore(),
    entities: new InMemoryEntityStateStore(),
    handlers,
    deadLetters,
    maxReceiveCount: 3,
    leaseMs: LEASE_MS,
    now: () => now,
    afterHandled: async (event) => void relayed.push(event.eventId),
    ...overrides,
  };
  const record = async (eventId: string, body = '{"id":"o_1","total":12}', contentType?: string) => {
    await store.putNew(inbound(eventId, body, contentType), { owner: 'ingress', nowMs: NOW.getTime(), enqueueLeaseMs: 15_000, expiresAt: 0 });
    await store.markQueued('shop', eventId, NOW);
    return { source: 'shop', eventId } satisfies QueuedEvent;
  };
  return { deps, store, deadLetters, handled, relayed, record, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

describe('processing a queued event', () => {
  it('runs the handler with the decoded payload, relays it, then marks it processed; a redelivery is ignored', async () => {
    const { deps, store, handled, relayed, record } = await world();
    const message = await record('e-1');
    expect(await processQueuedEvent(deps, message, 1)).toMatchObject({ kind: 'processed', handled: true, event: { attempts: 1 } });
    expect(handled.map((event) => event.payload)).toEqual([{ id: 'o_1', total: 12 }]);
    expect(relayed).toEqual(['e-1']);
    expect(await store.get('shop', 'e-1')).toMatchObject({ status: 'processed', attempts: 1 });
    expect(await processQueuedEvent(deps, message, 2)).toEqual({ kind: 'already_processed' });
    expect(handled).toHaveLength(1);
  });

  it('leaves an event another attempt holds (EventBusyError) and takes it over once that lease lapsed', async () => {
    const { deps, store, handled, record, advance } = await world();
    const message = await record('e-2');
    await store.acquireLease('shop', 'e-2', { owner: 'crashed-attempt', now: NOW, leaseMs: LEASE_MS });
    await expect(processQueuedEvent(deps, message, 1)).rejects.toBeInstanceOf(EventBusyError);
    expect(handled).toHaveLength(0);
    advance(LEASE_MS + 1);
    expect(await processQueuedEvent(deps, message, 2)).toMatchObject({ kind: 'processed', event: { attempts: 2 } });
  });

  it('reports a lost lease when the attempt outlived it and another took the event over', async () => {
    const overtaken = await world(async () => {
      overtaken.advance(LEASE_MS + 1);
      await overtaken.store.acquireLease('shop', 'e-3', { owner: 'second-attempt', now: new Date(NOW.getTime() + LEASE_MS + 1), leaseMs: LEASE_MS });
    });
    const message = await overtaken.record('e-3');
    expect(await processQueuedEvent(overtaken.deps, message, 1)).toMatchObject({ kind: 'lease_lost' });
    expect((await overtaken.store.get('shop', 'e-3'))?.status).toBe('processing');
  });

  it('dead-letters an authentic but malformed event at once: not JSON, or refused by its handler', async () => {
    const refusing = await world(async () => {
      throw new MalformedEventError('no order id');
    });
    const refused = await refusing.record('e-4');
    expect(await processQueuedEvent(refusing.deps, refused, 1)).toMatchObject({ kind: 'dead_lettered', reason: 'MalformedEventError: no order id' });
    expect(refusing.deadLetters.sent).toEqual([refused]);
    expect(await refusing.store.get('shop', 'e-4')).toMatchObject({ status: 'failed', deadLettered: true });
    expect(refusing.relayed).toEqual([]);

    const plain = await world();
    const broken = await plain.record('e-5', '{"id": ', 'application/json');
    expect(await processQueuedEvent(plain.deps, broken, 1)).toMatchObject({ kind: 'dead_lettered', reason: expect.stringMatching(/not valid JSON/) });
    expect(plain.handled).toHaveLength(0);
  });

  it('returns a failing event to the queue with its error, and marks it failed on the last receive', async () => {
    const failing = await world(async () => {
      throw new Error('downstream 500');
    });
    const message = await failing.record('e-6');
    const first = await processQueuedEvent(failing.deps, message, 1).catch((error: unknown) => error);
    expect(first).toBeInstanceOf(HandlerFailedError);
    expect((first as HandlerFailedError).finalAttempt).toBe(false);
    expect(await failing.store.get('shop', 'e-6')).toMatchObject({ status: 'queued', lastError: 'Error: downstream 500' });
    const last = await processQueuedEvent(failing.deps, message, 3).catch((error: unknown) => error);
    expect((last as HandlerFailedError).finalAttempt).toBe(true);
    expect(await failing.store.get('shop', 'e-6')).toMatchObject({ status: 'failed', deadLettered: true, attempts: 2 });
    expect(failing.deadLetters.sent).toEqual([]);
  });

  it('treats a failed relay like a failed handler: retried, not marked processed', async () => {
    const { deps, store, record } = await world(undefined, { afterHandled: async () => Promise.reject(new Error('outbound queue down')) });
    const message = await record('e-7');
    await expect(processQueuedEvent(deps, message, 1)).rejects.toBeInstanceOf(HandlerFailedError);
    expect((await store.get('shop', 'e-7'))?.status).toBe('queued');
  });

  it('processes an event without a handler as processed (not handled); a replay runs a processed one again; a missing record is dropped', async () => {
    const { deps, record, handled } = await world();
    const store = deps.store as InMemoryEventStore;
    await store.putNew({ ...inbound('e-8', '{}'), eventType: 'refund.created' }, { owner: 'i', nowMs: NOW.getTime(), enqueueLeaseMs: 1, expiresAt: 0 });
    expect(await processQueuedEvent(deps, { source: 'shop', eventId: 'e-8' }, 1)).toMatchObject({ kind: 'processed', handled: false });
    const message = await record('e-9');
    await processQueuedEvent(deps, message, 1);
    expect(await processQueuedEvent(deps, { ...message, replay: true }, 1)).toMatchObject({ kind: 'processed', event: { attempts: 2 } });
    expect(handled).toHaveLength(2);
    expect(await processQueuedEvent(deps, { source: 'shop', eventId: 'never-stored' }, 1)).toEqual({ kind: 'missing' });
  });

  it('dead-letters an event nested 10,000 deep at its first attempt, with the reason, before any handler or relay', async () => {
    const { deps, store, deadLetters, handled, relayed, record } = await world();
    const depth = 10_000;
    const message = await record('e-deep', `{"id":"o_deep","items":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    expect(await processQueuedEvent(deps, message, 1)).toMatchObject({ kind: 'dead_lettered', reason: expect.stringContaining('nests deeper than 64 levels') });
    expect(handled).toEqual([]);
    expect(relayed).toEqual([]);
    expect(deadLetters.sent).toEqual([message]);
    expect(await store.get('shop', 'e-deep')).toMatchObject({
      status: 'failed',
      deadLettered: true,
      attempts: 1,
      lastError: expect.stringContaining('nests deeper'),
    });
  });
});
