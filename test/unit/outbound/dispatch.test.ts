/**
 * The fan-out, on in-memory stores with a scripted receiver: who gets a message, what they
 * receive (filtered and transformed once, signed over the exact bytes), what a failed first
 * attempt schedules, and what a redelivered dispatch does with deliveries already made.
 */
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { dispatchMessage } from '../../../shared/outbound/dispatch';
import { INLINE_BUDGET_MS } from '../../../shared/outbound/isolation';
import { attemptDelivery } from '../../../shared/outbound/deliver';
import { publishMessage } from '../../../shared/outbound/publish';
import { retryExecutionName } from '../../../shared/outbound/retry-state-machine';
import { outboundWorld, T0 } from '../../fakes/outbound-world';

async function published(w: ReturnType<typeof outboundWorld>, eventType: string, payload: unknown, tenantId?: string) {
  return (await publishMessage(w.publish, { eventType, payload, ...(tenantId ? { tenantId } : {}) })).message;
}

describe('dispatching a message', () => {
  it('delivers to every enabled endpoint of its tenant subscribed to its type, and to no other', async () => {
    const w = outboundWorld();
    const exact = await w.addEndpoint({ eventTypes: ['user.created'] });
    const wild = await w.addEndpoint({ eventTypes: ['user.*'] });
    const all = await w.addEndpoint();
    await w.addEndpoint({ eventTypes: ['billing.*'] });
    await w.addEndpoint({ enabled: false });
    await w.addEndpoint({ tenantId: 'acme' });
    const message = await published(w, 'user.created', { id: 'u_1' });
    const summary = await dispatchMessage(w.deps, message.id);
    expect(summary?.results).toEqual([exact, wild, all].map((endpoint) => ({ endpointId: endpoint.id, result: { outcome: 'succeeded', attempt: 1 } })));
    expect(w.sender.requests.map((request) => request.url)).toEqual([exact.url, wild.url, all.url]);
    expect(await w.deliveries.getDelivery(message.id, exact.id)).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      lastStatusCode: 200,
      succeededAt: T0.toISOString(),
    });
  });

  it('sends the transformed payload of a message that passes the filter, signed per Standard Webhooks over the bytes sent', async () => {
    // The official verifier checks the signed timestamp against the real clock.
    const w = outboundWorld({ start: new Date() });
    const endpoint = await w.addEndpoint({ filter: 'amount > 100', transform: '{ "total": amount }' });
    const small = await published(w, 'charge.succeeded', { amount: 50 });
    const big = await published(w, 'charge.succeeded', { amount: 500 });
    expect((await dispatchMessage(w.deps, small))?.results).toEqual([{ endpointId: endpoint.id, result: { outcome: 'filtered' } }]);
    expect(await w.deliveries.getDelivery(small.id, endpoint.id)).toBeUndefined();
    await dispatchMessage(w.deps, big);
    const [request] = w.sender.requests;
    expect(w.sender.requests).toHaveLength(1);
    expect(request!.body.toString()).toBe('{"total":500}');
    expect(request!.headers['webhook-id']).toBe(big.id);
    // Inline, a first attempt has the dispatcher's budget; unanswered by then it goes to the schedule (isolation.test.ts).
    expect(request!.timeoutMs).toBe(INLINE_BUDGET_MS);
    const verifier = new Webhook(endpoint.secret);
    expect(verifier.verify(request!.body.toString(), request!.headers)).toEqual({ total: 500 });
  });

  it('starts the retry schedule, named after the delivery, when the first attempt fails', async () => {
    const w = outboundWorld({ responses: [503] });
    const endpoint = await w.addEndpoint();
    const message = await published(w, 'user.created', {});
    expect((await dispatchMessage(w.deps, message))?.results[0]?.result).toEqual({ outcome: 'retry', attempt: 1, waitSeconds: 5 });
    expect([...w.scheduler.started]).toEqual([
      [retryExecutionName(message.id, endpoint.id), { messageId: message.id, endpointId: endpoint.id, waitSeconds: 5 }],
    ]);
    expect(await w.deliveries.getDelivery(message.id, endpoint.id)).toMatchObject({
      status: 'retrying',
      lastStatusCode: 503,
      lastError: 'HTTP 503',
      nextAttemptAt: new Date(T0.getTime() + 5000).toISOString(),
    });
  });

  it('fails a delivery whose transform fails at run time, without a request and without retries', async () => {
    const w = outboundWorld();
    const endpoint = await w.addEndpoint({ transform: '$error("boom")' });
    const message = await published(w, 'thing.happened', { a: 1 });
    expect((await dispatchMessage(w.deps, message))?.results[0]?.result).toEqual({
      outcome: 'failed',
      reason: expect.stringMatching(/^transform failed: boom/),
    });
    expect(await w.deliveries.getDelivery(message.id, endpoint.id)).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/transform failed/) });
    expect(w.sender.requests).toHaveLength(0);
    expect(w.scheduler.started.size).toBe(0);
    expect(w.events).toContainEqual({
      type: 'delivery.failed',
      messageId: message.id,
      endpointId: endpoint.id,
      reason: expect.stringMatching(/transform failed/),
    });
  });

  it('evaluates the filter once: later attempts of a delivery are not filtered again', async () => {
    const w = outboundWorld({ responses: [500, 200] });
    const endpoint = await w.addEndpoint({ filter: 'ok = true' });
    const message = await published(w, 'a.b', { ok: true });
    await dispatchMessage(w.deps, message);
    await w.endpoints.update(endpoint.id, { filter: 'ok = false' }, T0);
    w.advance(5);
    expect(await attemptDelivery(w.deps, { messageId: message.id, endpointId: endpoint.id, trigger: 'scheduled', from: ['retrying'] })).toEqual({
      outcome: 'succeeded',
      attempt: 2,
    });
  });

  it('on a redelivered dispatch sends nothing again: made deliveries are skipped, a cut-off schedule is restarted, a cut-off first attempt is made', async () => {
    const w = outboundWorld({ responses: [200, 503] });
    const done = await w.addEndpoint({ eventTypes: ['done.*'] });
    const message = await published(w, 'done.now', {});
    await dispatchMessage(w.deps, message);
    expect((await dispatchMessage(w.deps, message))?.results).toEqual([{ endpointId: done.id, result: { outcome: 'skipped', status: 'succeeded' } }]);
    expect(w.sender.requests).toHaveLength(1);

    const waiting = await w.addEndpoint({ eventTypes: ['wait.*'] });
    const retried = await published(w, 'wait.now', {});
    await dispatchMessage(w.deps, retried);
    w.scheduler.started.clear();
    w.advance(2);
    expect((await dispatchMessage(w.deps, retried))?.results).toEqual([{ endpointId: waiting.id, result: { outcome: 'retry', attempt: 1, waitSeconds: 3 } }]);
    expect(w.scheduler.started.get(retryExecutionName(retried.id, waiting.id))).toEqual({ messageId: retried.id, endpointId: waiting.id, waitSeconds: 3 });
    expect(w.sender.requests).toHaveLength(2);

    const cut = await w.addEndpoint({ eventTypes: ['cut.*'] });
    const stuck = await published(w, 'cut.now', {});
    await w.deliveries.createDelivery(
      {
        messageId: stuck.id,
        endpointId: cut.id,
        eventType: 'cut.now',
        status: 'pending',
        attempts: 1,
        createdAt: T0.toISOString(),
        updatedAt: T0.toISOString(),
      },
      0,
    );
    expect((await dispatchMessage(w.deps, stuck))?.results[0]?.result).toEqual({ outcome: 'skipped', status: 'pending' });
    w.advance(61);
    expect((await dispatchMessage(w.deps, stuck))?.results[0]?.result).toMatchObject({ outcome: 'retry', attempt: 2 });
    expect(w.sender.requests).toHaveLength(3);
  });

  it('reports a message that no longer exists as undefined', async () => {
    expect(await dispatchMessage(outboundWorld().deps, 'msg_gone')).toBeUndefined();
  });
});
