/**
 * One attempt of an existing delivery (the deliver task and manual retries), on in-memory stores
 * with a scripted receiver: every outcome, what it records, which events it emits, and the guard
 * that keeps a slow attempt from overwriting a later one.
 */
import { describe, expect, it } from 'vitest';
import type { OutboundSettings } from '../../../shared/config/schema';
import { attemptDelivery, type AttemptRequest } from '../../../shared/outbound/deliver';
import { dispatchMessage } from '../../../shared/outbound/dispatch';
import type { Endpoint } from '../../../shared/outbound/model';
import { publishMessage } from '../../../shared/outbound/publish';
import type { ScriptedResponse } from '../../fakes/http-sender';
import { outboundWorld, T0 } from '../../fakes/outbound-world';

const MANUAL = { trigger: 'manual', from: ['failed', 'exhausted', 'retrying'] } as const;
const SCHEDULED = { trigger: 'scheduled', from: ['retrying'] } as const;

/** A delivery whose first attempt failed with a 503, now `retrying`, and the receiver's next answers. */
async function retrying(next: ScriptedResponse[], options: { settings?: Partial<OutboundSettings>; endpoint?: Partial<Endpoint> } = {}) {
  const w = outboundWorld({ responses: [503, ...next], ...(options.settings ? { settings: options.settings } : {}) });
  const endpoint = await w.addEndpoint(options.endpoint);
  const { message } = await publishMessage(w.publish, { eventType: 'user.created', payload: { id: 'u_1' } });
  await dispatchMessage(w.deps, message);
  const request = (kind: typeof SCHEDULED | typeof MANUAL): AttemptRequest => ({ messageId: message.id, endpointId: endpoint.id, ...kind });
  const delivery = () => w.deliveries.getDelivery(message.id, endpoint.id);
  return { w, endpoint, message, request, delivery, ref: { messageId: message.id, endpointId: endpoint.id } };
}

describe('a scheduled attempt', () => {
  it('succeeds on a 2xx: the delivery succeeds, the run of failures ends, one event', async () => {
    const { w, endpoint, request, delivery, ref } = await retrying([200]);
    expect(await w.endpoints.get(endpoint.id)).toHaveProperty('failingSince');
    w.advance(5);
    expect(await attemptDelivery(w.deps, request(SCHEDULED))).toEqual({ outcome: 'succeeded', attempt: 2 });
    expect(await delivery()).toMatchObject({ status: 'succeeded', attempts: 2, lastStatusCode: 200 });
    expect(await w.endpoints.get(endpoint.id)).not.toHaveProperty('failingSince');
    expect(w.events.filter((event) => event.type === 'delivery.succeeded')).toEqual([
      { type: 'delivery.succeeded', ...ref, attempts: 2, statusCode: 200, durationMs: 3 },
    ]);
    expect((await w.deliveries.listAttempts(ref.messageId)).map((a) => [a.attempt, a.statusCode, a.outcome, a.trigger])).toEqual([
      [1, 503, 'failed', 'scheduled'],
      [2, 200, 'succeeded', 'scheduled'],
    ]);
  });

  it('asks for a retry after the next scheduled wait, or the receiver’s longer Retry-After', async () => {
    const { w, request, delivery, ref } = await retrying([500, { statusCode: 429, retryAfterSeconds: 900 }]);
    w.advance(5);
    expect(await attemptDelivery(w.deps, request(SCHEDULED))).toEqual({ outcome: 'retry', attempt: 2, waitSeconds: 60 });
    const next = new Date(T0.getTime() + 65_000).toISOString();
    expect(await delivery()).toMatchObject({ status: 'retrying', lastStatusCode: 500, nextAttemptAt: next });
    expect((await w.deliveries.listAttempts(ref.messageId)).at(-1)).toMatchObject({ attempt: 2, nextAttemptAt: next });
    expect(await attemptDelivery(w.deps, request(SCHEDULED))).toEqual({ outcome: 'retry', attempt: 3, waitSeconds: 900 });
  });

  it('retries a network failure (status 0) and keeps its reason', async () => {
    const { w, request, delivery } = await retrying([{ statusCode: 0, error: 'timeout' }]);
    expect(await attemptDelivery(w.deps, request(SCHEDULED))).toMatchObject({ outcome: 'retry' });
    expect(await delivery()).toMatchObject({ lastStatusCode: 0, lastError: 'timeout' });
  });

  it('is exhausted when the schedule runs out, with an event', async () => {
    const { w, request, delivery, ref } = await retrying([500]);
    expect(await attemptDelivery(w.deps, request(SCHEDULED))).toMatchObject({ outcome: 'retry', attempt: 2 });
    expect(await attemptDelivery(w.deps, request(SCHEDULED))).toMatchObject({ outcome: 'retry', attempt: 3 });
    expect(await attemptDelivery(w.deps, request(SCHEDULED))).toEqual({ outcome: 'exhausted', attempt: 4 });
    const exhausted = await delivery();
    expect(exhausted).toMatchObject({ status: 'exhausted', attempts: 4 });
    expect(exhausted).not.toHaveProperty('nextAttemptAt');
    expect(w.events).toContainEqual({ type: 'delivery.exhausted', ...ref, attempts: 4 });
  });

  it('fails for good on a client error when client errors are not retried', async () => {
    const { w, request, delivery, ref } = await retrying([404], { settings: { retryClientErrors: false } });
    expect(await attemptDelivery(w.deps, request(SCHEDULED))).toEqual({ outcome: 'failed', reason: 'HTTP 404' });
    expect(await delivery()).toMatchObject({ status: 'failed', lastStatusCode: 404 });
    expect(w.events).toContainEqual({ type: 'delivery.failed', ...ref, reason: 'HTTP 404' });
  });

  it('disables the endpoint at once on 410 Gone and fails the delivery', async () => {
    const { w, endpoint, request, delivery, ref } = await retrying([410]);
    expect(await attemptDelivery(w.deps, request(SCHEDULED))).toEqual({ outcome: 'failed', reason: '410 Gone' });
    expect(await w.endpoints.get(endpoint.id)).toMatchObject({ enabled: false, disabledReason: 'the endpoint answered 410 Gone' });
    expect(await delivery()).toMatchObject({ status: 'failed', lastStatusCode: 410 });
    expect(w.events).toEqual(
      expect.arrayContaining([
        { type: 'endpoint.disabled', endpointId: endpoint.id, reason: 'the endpoint answered 410 Gone', messageId: ref.messageId },
        { type: 'delivery.failed', ...ref, reason: '410 Gone' },
      ]),
    );
  });

  it('disables an endpoint that has failed for disableAfterDays without a success', async () => {
    const { w, endpoint, request } = await retrying([500]);
    expect(await w.endpoints.get(endpoint.id)).toMatchObject({ enabled: true, failingSince: T0.toISOString() });
    w.advance(6 * 86_400);
    expect(await attemptDelivery(w.deps, request(SCHEDULED))).toMatchObject({ outcome: 'retry' });
    expect(await w.endpoints.get(endpoint.id)).toMatchObject({ enabled: false, disabledReason: 'failing for 5 days without a success' });
    // The next attempt finds the endpoint disabled and fails the delivery without a request.
    const sent = w.sender.requests.length;
    expect(await attemptDelivery(w.deps, request(SCHEDULED))).toEqual({ outcome: 'failed', reason: 'endpoint disabled: failing for 5 days without a success' });
    expect(w.sender.requests).toHaveLength(sent);
  });
});

describe('an attempt refused before sending', () => {
  it('fails the delivery when the endpoint was deleted, the message expired, or the transform now fails', async () => {
    const deleted = await retrying([]);
    await deleted.w.endpoints.delete(deleted.endpoint.id);
    expect(await attemptDelivery(deleted.w.deps, deleted.request(SCHEDULED))).toEqual({ outcome: 'failed', reason: 'endpoint deleted' });
    expect(await deleted.delivery()).toMatchObject({ status: 'failed', lastError: 'endpoint deleted' });

    const expired = await retrying([]);
    await expired.w.deliveries.createDelivery({ ...(await expired.delivery())!, messageId: 'msg_expired' }, 0);
    expect(await attemptDelivery(expired.w.deps, { ...expired.request(SCHEDULED), messageId: 'msg_expired' })).toEqual({
      outcome: 'failed',
      reason: 'message expired',
    });

    const broken = await retrying([]);
    await broken.w.endpoints.update(broken.endpoint.id, { transform: '$error("no")' }, T0);
    expect(await attemptDelivery(broken.w.deps, broken.request(SCHEDULED))).toEqual({ outcome: 'failed', reason: expect.stringMatching(/^transform failed/) });
    for (const { w } of [deleted, expired, broken]) expect(w.sender.requests).toHaveLength(1);
  });

  it('skips a delivery that has moved on or does not exist', async () => {
    const { w, request } = await retrying([200]);
    await attemptDelivery(w.deps, request(SCHEDULED));
    expect(await attemptDelivery(w.deps, request(SCHEDULED))).toEqual({ outcome: 'skipped', status: 'succeeded' });
    expect(await attemptDelivery(w.deps, { ...request(SCHEDULED), endpointId: 'ep_none' })).toEqual({ outcome: 'skipped' });
    expect(w.sender.requests).toHaveLength(2);
  });
});

describe('a manual attempt', () => {
  it('re-sends an exhausted delivery: a failure keeps it exhausted and starts no schedule, a success ends it', async () => {
    const { w, request, delivery } = await retrying([500, 500, 500, 502, 200]);
    for (let i = 0; i < 3; i++) await attemptDelivery(w.deps, request(SCHEDULED));
    expect((await delivery())?.status).toBe('exhausted');
    expect(await attemptDelivery(w.deps, request(MANUAL))).toEqual({ outcome: 'failed', reason: 'HTTP 502' });
    expect(await delivery()).toMatchObject({ status: 'exhausted', attempts: 5, lastStatusCode: 502 });
    expect(w.scheduler.started.size).toBe(1);
    expect(await attemptDelivery(w.deps, request(MANUAL))).toEqual({ outcome: 'succeeded', attempt: 6 });
    expect((await w.deliveries.listAttempts((await delivery())!.messageId)).at(-1)).toMatchObject({ attempt: 6, trigger: 'manual' });
  });
});

describe('the guard on every transition', () => {
  it('lets a slow attempt record its log entry but not overwrite what a later attempt recorded', async () => {
    const { w, request, delivery, ref } = await retrying([]);
    // While the receiver holds this attempt, a manual attempt begins and succeeds.
    w.sender.requests.length = 0;
    const slow = Object.assign(Object.create(w.sender) as typeof w.sender, {
      send: async (r: Parameters<typeof w.sender.send>[0]) => {
        const later = await w.deliveries.beginAttempt(ref, ['retrying'], T0);
        await w.deliveries.succeed(ref, { attempt: later!, from: ['retrying'] }, { now: T0, statusCode: 200 });
        return { ...(await w.sender.send(r)), statusCode: 500 };
      },
    });
    expect(await attemptDelivery({ ...w.deps, sender: slow }, request(SCHEDULED))).toEqual({ outcome: 'skipped' });
    expect(await delivery()).toMatchObject({ status: 'succeeded', attempts: 3, lastStatusCode: 200 });
    expect((await w.deliveries.listAttempts(ref.messageId)).map((a) => a.attempt)).toEqual([1, 2]);
  });
});
