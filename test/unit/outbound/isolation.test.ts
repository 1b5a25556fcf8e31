/**
 * Isolation on in-memory stores: a failing or slow endpoint gets no inline first attempt (it
 * would hold the dispatcher), an inline attempt over the budget is given back to the schedule,
 * and a quick success clears the slow mark.
 */
import { describe, expect, it } from 'vitest';
import { attemptDelivery } from '../../../shared/outbound/deliver';
import { dispatchMessage } from '../../../shared/outbound/dispatch';
import { INLINE_BUDGET_MS } from '../../../shared/outbound/isolation';
import { publishMessage } from '../../../shared/outbound/publish';
import { retryExecutionName } from '../../../shared/outbound/retry-state-machine';
import { outboundWorld, T0 } from '../../fakes/outbound-world';

describe('isolation', () => {
  it('leaves a failing or slow endpoint to the schedule, and attempts the healthy one inline', async () => {
    const w = outboundWorld();
    const healthy = await w.addEndpoint();
    const failing = await w.addEndpoint({ failingSince: T0.toISOString() });
    const slow = await w.addEndpoint({ slowSince: T0.toISOString() });
    const { message } = await publishMessage(w.publish, { eventType: 'a.b', payload: {} });
    const summary = await dispatchMessage(w.deps, message.id);
    expect(summary?.results).toEqual([
      { endpointId: healthy.id, result: { outcome: 'succeeded', attempt: 1 } },
      { endpointId: failing.id, result: { outcome: 'deferred', waitSeconds: 0 } },
      { endpointId: slow.id, result: { outcome: 'deferred', waitSeconds: 0 } },
    ]);
    expect(w.sender.requests.map((request) => request.url)).toEqual([healthy.url]);
    expect(w.scheduler.started.get(retryExecutionName(message.id, slow.id))).toEqual({ messageId: message.id, endpointId: slow.id, waitSeconds: 0 });
    expect(await w.deliveries.getDelivery(message.id, slow.id)).toMatchObject({ status: 'retrying', attempts: 0 });
  });

  it('gives an inline attempt that outlasts the budget back to the schedule, marks the endpoint slow; a quick success clears the mark', async () => {
    const w = outboundWorld({ responses: [{ statusCode: 0, error: 'timeout', durationMs: INLINE_BUDGET_MS }, 200] });
    const endpoint = await w.addEndpoint();
    const { message } = await publishMessage(w.publish, { eventType: 'a.b', payload: {} });
    expect((await dispatchMessage(w.deps, message.id))?.results[0]?.result).toEqual({ outcome: 'deferred', waitSeconds: 0 });
    expect(await w.deliveries.listAttempts(message.id)).toEqual([]);
    expect((await w.endpoints.get(endpoint.id))?.slowSince).toBe(T0.toISOString());
    // The deliver task makes attempt 1 with the full timeout.
    expect(await attemptDelivery(w.deps, { messageId: message.id, endpointId: endpoint.id, trigger: 'scheduled', from: ['retrying'] })).toEqual({
      outcome: 'succeeded',
      attempt: 1,
    });
    expect(w.sender.requests.map((request) => request.timeoutMs)).toEqual([INLINE_BUDGET_MS, w.settings.timeoutSeconds * 1000]);
    expect((await w.endpoints.get(endpoint.id))?.slowSince).toBeUndefined();
  });
});
