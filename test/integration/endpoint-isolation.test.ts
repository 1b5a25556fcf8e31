/**
 * Isolation end to end: a hanging endpoint beside a healthy one, both subscribed to every
 * message, through the dispatcher (the queue's two pollers), the retry state machine
 * (aws-local-stepfunctions) and DynamoDB Local. The healthy endpoint's first-attempt latency is
 * measured in the test's own terms: the same messages, published the same way, alone and then
 * beside the hanging endpoint.
 */
import { describe, expect, it } from 'vitest';
import { INLINE_BUDGET_MS } from '../../shared/outbound/isolation';
import { publishMessage } from '../../shared/outbound/publish';
import { httpEvent } from '../support/harness';
import { useOutboundHarness } from '../support/outbound-harness';
import { eventually } from '../support/receiver';

const t = useOutboundHarness({ schedule: [1, 1, 1] });
const { receiver } = t;

async function createEndpoint(path: string): Promise<string> {
  const response = await t.o.router.handle(
    httpEvent({
      method: 'POST',
      path: '/api/v1/endpoints',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiver.url(path), eventTypes: ['iso.*'] }),
    }),
  );
  expect(response.statusCode).toBe(201);
  return JSON.parse(response.body).id;
}

/** Publishes `count` messages one after another; for each, ms from publishing to its arrival at the healthy endpoint. */
async function healthyLatencies(count: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = Date.now();
    const { message } = await publishMessage(t.o.publish, { eventType: 'iso.tick', payload: { i } });
    const arrived = await eventually(
      async () => receiver.received('/healthy').find((request) => request.headers['webhook-id'] === message.id),
      30_000,
      `message ${i} at the healthy endpoint`,
    );
    latencies.push(arrived.at - started);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return latencies;
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe('endpoint isolation', () => {
  it('a hanging endpoint does not slow first attempts to a healthy one: median latency within 2x of alone', async () => {
    await createEndpoint('/healthy');
    const alone = await healthyLatencies(11);
    // Never answers within the 15 s attempt timeout.
    receiver.script('/hanging', { status: 200, delayMs: 60_000 });
    const hangingId = await createEndpoint('/hanging');
    const beside = await healthyLatencies(11);
    expect(median(beside), `alone ${JSON.stringify(alone)}, beside ${JSON.stringify(beside)}`).toBeLessThanOrEqual(2 * median(alone));
    // No first attempt to the healthy endpoint waited for the hanging one's timeout; at most the
    // dispatcher's inline budget, for the messages dispatched before the endpoint was found slow.
    expect(Math.max(...beside)).toBeLessThan(INLINE_BUDGET_MS + 2 * median(alone));
    // The hanging endpoint was tried, found slow, and left to the schedule.
    expect(receiver.received('/hanging').length).toBeGreaterThan(0);
    await eventually(async () => (await t.o.endpoints.get(hangingId))?.slowSince, 5_000, 'the hanging endpoint marked slow');
  }, 120_000);
});
