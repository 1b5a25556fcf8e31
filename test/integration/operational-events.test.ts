/**
 * Operational events end to end (dispatcher, retry state machine in aws-local-stepfunctions,
 * deliver task, DynamoDB Local, fauxqs): the gateway publishes `webhooks.endpoint.disabled`,
 * `webhooks.endpoint.enabled` and `webhooks.delivery.exhausted` as messages to the endpoints
 * that subscribe to them, and never reports on the delivery of its own reports.
 */
import { describe, expect, it } from 'vitest';
import { useOutboundHarness } from '../support/outbound-harness';
import { eventually } from '../support/receiver';

const t = useOutboundHarness({ schedule: [1, 1] });
const { receiver, api } = t;

async function endpoint(path: string, eventTypes: string[]): Promise<string> {
  const created = await api('POST', '/api/v1/endpoints', { url: receiver.url(path), eventTypes });
  expect(created.status).toBe(201);
  return created.body.id;
}

describe('operational events', () => {
  it('reports an endpoint disabled (410), enabled again, and a delivery exhausted, to its subscribers only; never about its own reports', async () => {
    await endpoint('/monitor', ['webhooks.*']);
    // Subscribed to the reports too, and failing every time: its deliveries of them are exhausted,
    // which must not be reported in turn.
    receiver.script('/failing-monitor', 503);
    await endpoint('/failing-monitor', ['webhooks.*']);
    await endpoint('/everything', []);
    receiver.script('/gone', 410);
    const gone = await endpoint('/gone', ['orders.*']);
    receiver.script('/down', 503);
    const down = await endpoint('/down', ['orders.*']);

    const published = await api('POST', '/api/v1/messages', { eventType: 'orders.created', payload: { id: 'o_1' } });
    expect((await api('POST', '/api/v1/messages', { eventType: 'webhooks.endpoint.disabled', payload: {} })).status).toBe(400);

    const payloads = () => receiver.received('/monitor').map((request) => JSON.parse(request.body.toString()));
    const disabled = await eventually(async () => payloads().find((p) => p.endpointId === gone && p.reason), 20_000, 'webhooks.endpoint.disabled');
    expect(disabled).toMatchObject({ endpointId: gone, reason: 'the endpoint answered 410 Gone', disabledAt: expect.any(String) });
    const exhausted = await eventually(async () => payloads().find((p) => p.endpointId === down && p.attempts), 30_000, 'webhooks.delivery.exhausted');
    expect(exhausted).toMatchObject({ messageId: published.body.id, endpointId: down, eventType: 'orders.created', attempts: 3 });

    expect((await api('PATCH', `/api/v1/endpoints/${gone}`, { enabled: true })).status).toBe(200);
    const enabled = await eventually(async () => payloads().find((p) => p.endpointId === gone && p.enabledAt), 20_000, 'webhooks.endpoint.enabled');
    expect(enabled).toMatchObject({ endpointId: gone, enabledAt: expect.any(String) });

    // The failing monitor's deliveries of the three reports are exhausted (three attempts each) ...
    await eventually(async () => receiver.received('/failing-monitor').length >= 9, 30_000, 'the failing monitor exhausted');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    // ... and nothing reports on them: the monitor has exactly the three reports.
    const types = (await Promise.all(receiver.received('/monitor').map((request) => t.o.messages.getMessage(String(request.headers['webhook-id'])))))
      .map((message) => message?.eventType)
      .sort();
    expect(types).toEqual(['webhooks.delivery.exhausted', 'webhooks.endpoint.disabled', 'webhooks.endpoint.enabled']);
    // "Every type" does not include the gateway's own events.
    expect(receiver.received('/everything').map((request) => request.headers['webhook-id'])).toEqual([published.body.id]);
  }, 90_000);
});
