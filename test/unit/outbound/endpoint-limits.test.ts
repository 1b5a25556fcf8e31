/**
 * Per-endpoint limits on in-memory stores: a delivery over the rate limit or the in-flight limit
 * waits in the retry schedule before any attempt is claimed, goes at the slot it reserved, and
 * keeps the retry schedule it would have had.
 */
import { describe, expect, it } from 'vitest';
import { attemptDelivery } from '../../../shared/outbound/deliver';
import { dispatchMessage } from '../../../shared/outbound/dispatch';
import { admitAttempt, IN_FLIGHT_WAIT_SECONDS } from '../../../shared/outbound/endpoint-throttle';
import { publishMessage } from '../../../shared/outbound/publish';
import { retryExecutionName } from '../../../shared/outbound/retry-state-machine';
import { outboundWorld, T0 } from '../../fakes/outbound-world';

async function published(w: ReturnType<typeof outboundWorld>, payload: unknown) {
  return (await publishMessage(w.publish, { eventType: 'order.created', payload })).message;
}

describe('endpoint rate limit', () => {
  it('sends what fits in the next second (held in the function), and defers the rest to the schedule with their reserved slots', async () => {
    const w = outboundWorld();
    // Deliveries held in the function wait without the clock moving: all four ask at T0.
    const held: number[] = [];
    const deps = { ...w.deps, sleep: async (ms: number) => void held.push(ms) };
    const endpoint = await w.addEndpoint({ rateLimit: 2 });
    const messages = [];
    for (let i = 0; i < 4; i++) messages.push(await published(w, { i }));
    const results = [];
    for (const message of messages) results.push((await dispatchMessage(deps, message.id))!.results[0]!.result);
    expect(results).toEqual([
      { outcome: 'succeeded', attempt: 1 },
      { outcome: 'succeeded', attempt: 1 },
      // The schedule wakes a delivery LEAD_MS before its slot: 0 s, then 1 s.
      { outcome: 'deferred', waitSeconds: 0, notBefore: T0.getTime() + 1000 },
      { outcome: 'deferred', waitSeconds: 1, notBefore: T0.getTime() + 1500 },
    ]);
    expect(held).toEqual([500]);
    expect(w.sender.requests).toHaveLength(2);
    // Waiting is not an attempt: the claim given back, nothing logged, the slot on the delivery.
    expect(await w.deliveries.getDelivery(messages[2]!.id, endpoint.id)).toMatchObject({
      status: 'retrying',
      attempts: 0,
      nextAttemptAt: '2026-03-01T10:00:01.000Z',
    });
    expect(await w.deliveries.listAttempts(messages[2]!.id)).toEqual([]);
    expect(w.scheduler.started.get(retryExecutionName(messages[3]!.id, endpoint.id))).toEqual({
      messageId: messages[3]!.id,
      endpointId: endpoint.id,
      waitSeconds: 1,
      notBefore: T0.getTime() + 1500,
    });

    // The schedule wakes the delivery after its wait; it goes at its own slot without reserving another.
    w.advance(1.2);
    const later = await attemptDelivery(deps, {
      messageId: messages[3]!.id,
      endpointId: endpoint.id,
      trigger: 'scheduled',
      from: ['retrying'],
      notBefore: T0.getTime() + 1500,
    });
    expect(later).toEqual({ outcome: 'succeeded', attempt: 1 });
    expect(held).toEqual([500, 300]);
  });

  it('does not use a reserved slot it reaches late (it would bunch with the slots after it): it reserves another', async () => {
    const w = outboundWorld();
    const endpoint = await w.addEndpoint({ rateLimit: 1 });
    const message = await published(w, {});
    await w.throttle.reserve(endpoint.id, 1000, T0.getTime());
    expect((await dispatchMessage(w.deps, message.id))!.results[0]!.result).toEqual({ outcome: 'deferred', waitSeconds: 0, notBefore: T0.getTime() + 1000 });
    // Woken 2 s after its slot: slot T0+1000 is stale; the next one free is T0+3000, a second away: back to the schedule.
    w.advance(2);
    await w.throttle.reserve(endpoint.id, 1000, w.advance(0).getTime());
    const late = await attemptDelivery(w.deps, {
      messageId: message.id,
      endpointId: endpoint.id,
      trigger: 'scheduled',
      from: ['retrying'],
      notBefore: T0.getTime() + 1000,
    });
    expect(late).toEqual({ outcome: 'deferred', waitSeconds: 0, notBefore: T0.getTime() + 3000 });
    expect(await w.deliveries.getDelivery(message.id, endpoint.id)).toMatchObject({ status: 'retrying', attempts: 0 });
  });

  it('does not consume the retry schedule: a deferred retry keeps its attempt count and the next wait is the one it was due', async () => {
    const w = outboundWorld({ responses: [503, 503, 200] });
    const endpoint = await w.addEndpoint({ rateLimit: 1 });
    const message = await published(w, {});
    expect((await dispatchMessage(w.deps, message.id))!.results[0]!.result).toEqual({ outcome: 'retry', attempt: 1, waitSeconds: 5 });
    // Another delivery takes the endpoint's slots for the next few seconds.
    for (let i = 0; i < 3; i++) await w.throttle.reserve(endpoint.id, 1000, w.advance(0).getTime());
    const deferred = await attemptDelivery(w.deps, { messageId: message.id, endpointId: endpoint.id, trigger: 'scheduled', from: ['retrying'] });
    expect(deferred).toMatchObject({ outcome: 'deferred' });
    expect(await w.deliveries.getDelivery(message.id, endpoint.id)).toMatchObject({ status: 'retrying', attempts: 1 });
    w.advance(5);
    expect(await attemptDelivery(w.deps, { messageId: message.id, endpointId: endpoint.id, trigger: 'scheduled', from: ['retrying'] })).toEqual({
      outcome: 'retry',
      attempt: 2,
      waitSeconds: 60,
    });
  });

  it('does not hold back a manual retry (an operator asked for it)', async () => {
    const w = outboundWorld({ responses: [503, 200] });
    const endpoint = await w.addEndpoint({ rateLimit: 0.1 });
    const message = await published(w, {});
    await dispatchMessage(w.deps, message.id);
    expect(await attemptDelivery(w.deps, { messageId: message.id, endpointId: endpoint.id, trigger: 'manual', from: ['retrying'] })).toEqual({
      outcome: 'succeeded',
      attempt: 2,
    });
  });
});

describe('endpoint in-flight limit', () => {
  it('defers a first attempt while every lease is held, and releases its own lease after sending', async () => {
    const w = outboundWorld();
    const endpoint = await w.addEndpoint({ maxInFlight: 1 });
    const held = await w.throttle.acquire(endpoint.id, 1, T0.getTime(), T0.getTime() + 60_000);
    const message = await published(w, {});
    expect((await dispatchMessage(w.deps, message.id))!.results[0]!.result).toEqual({ outcome: 'deferred', waitSeconds: IN_FLIGHT_WAIT_SECONDS });
    expect(w.sender.requests).toHaveLength(0);
    await w.throttle.release(endpoint.id, held!);
    w.advance(1);
    expect(await attemptDelivery(w.deps, { messageId: message.id, endpointId: endpoint.id, trigger: 'scheduled', from: ['retrying'] })).toEqual({
      outcome: 'succeeded',
      attempt: 1,
    });
    expect(w.throttle.held(endpoint.id, w.advance(0).getTime())).toBe(0);
  });

  it('lets a lease lapse after the attempt timeout, so a function that died holding it does not block the endpoint', async () => {
    const w = outboundWorld();
    const deps = { ...w.deps };
    expect(await admitAttempt(deps, 'ep_x', { maxInFlight: 1 })).toMatchObject({ kind: 'go' });
    expect(await admitAttempt(deps, 'ep_x', { maxInFlight: 1 })).toMatchObject({ kind: 'wait' });
    w.advance(w.settings.timeoutSeconds + 32);
    expect(await admitAttempt(deps, 'ep_x', { maxInFlight: 1 })).toMatchObject({ kind: 'go' });
  });
});
