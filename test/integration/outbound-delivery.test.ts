/**
 * The sending side end to end: API → outbound queue → dispatcher (first attempt) → Step
 * Functions retry schedule (aws-local-stepfunctions) → deliver, against DynamoDB Local and
 * fauxqs, delivering to receivers on loopback verified with the official standardwebhooks
 * library.
 */
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { handleIngress } from '../../functions/ingress/handler';
import { handleBatch } from '../../functions/processor/handler';
import { relayInboundEvent } from '../../shared/outbound/relay';
import { lambdaContext } from '../../local/lambda-context';
import { sampleWebhook } from '../../local/samples';
import { SqsEventSource } from '../../local/sqs-event-source';
import type { Attempt, Delivery } from '../../shared/outbound/model';
import { httpEvent } from '../support/harness';
import { createOutboundHarness, useOutboundHarness, type OutboundHarness } from '../support/outbound-harness';
import { eventually } from '../support/receiver';

const t = useOutboundHarness({ schedule: [1, 1, 1] });
const { receiver, api } = t;

async function createEndpoint(path: string, extra: Record<string, unknown> = {}): Promise<{ id: string; secret: string }> {
  const response = await api('POST', '/api/v1/endpoints', { url: receiver.url(path), ...extra });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}

async function publish(eventType: string, payload: unknown, extra: Record<string, unknown> = {}): Promise<string> {
  const response = await api('POST', '/api/v1/messages', { eventType, payload, ...extra });
  expect(response.status, JSON.stringify(response.body)).toBe(202);
  return response.body.id;
}

async function delivery(messageId: string, endpointId: string): Promise<Delivery | undefined> {
  return t.o.deliveries.getDelivery(messageId, endpointId);
}

async function settled(messageId: string, endpointId: string, timeoutMs = 20_000): Promise<Delivery> {
  return eventually(
    async () => {
      const d = await delivery(messageId, endpointId);
      return d && ['succeeded', 'failed', 'exhausted'].includes(d.status) ? d : undefined;
    },
    timeoutMs,
    `delivery of ${messageId} to ${endpointId} to settle`,
  );
}

function unique(prefix: string): string {
  return `/${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}

describe('outbound delivery', () => {
  afterEach(async () => {
    // Endpoints from one test must not receive the next test's messages.
    for (const endpoint of await t.o.endpoints.listAll()) await t.o.endpoints.delete(endpoint.id);
  });

  it('signs every delivery per Standard Webhooks; the official library verifies it, with a stable webhook-id', async () => {
    const path = unique('signed');
    const endpoint = await createEndpoint(path);
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const payload = { type: 'invoice.paid', data: { id: 'in_1', amount: 1200, note: 'é ✓' } };
    const id = await publish('invoice.paid', payload);
    await settled(id, endpoint.id);
    const [request] = receiver.received(path);
    expect(request).toBeDefined();
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['user-agent']).toMatch(/webhook/i);
    expect(request!.headers['webhook-id']).toBe(id);
    const verified = new Webhook(endpoint.secret).verify(request!.body.toString('utf8'), request!.headers as Record<string, string>);
    expect(verified).toEqual(payload);
  });

  it('503, 503, 200: three attempts logged, then success, on the compressed schedule through Step Functions', async () => {
    const path = unique('flaky');
    receiver.script(path, 503, 503, 200);
    const endpoint = await createEndpoint(path);
    const id = await publish('order.created', { id: 'o_1' });
    const final = await settled(id, endpoint.id);
    expect(final).toMatchObject({ status: 'succeeded', attempts: 3, lastStatusCode: 200 });
    const { body } = await api('GET', `/api/v1/messages/${id}/attempts`);
    const attempts = body.attempts as Attempt[];
    expect(attempts.map((a) => [a.attempt, a.statusCode, a.outcome])).toEqual([
      [1, 503, 'failed'],
      [2, 503, 'failed'],
      [3, 200, 'succeeded'],
    ]);
    for (const attempt of attempts) {
      expect(attempt).toMatchObject({ endpointId: endpoint.id, trigger: 'scheduled' });
      expect(attempt.durationMs).toBeGreaterThanOrEqual(0);
    }
    // The webhook-id is the message id on every retry.
    expect(new Set(receiver.received(path).map((r) => r.headers['webhook-id']))).toEqual(new Set([id]));
    expect(t.o.stepFunctions.list().some((execution) => execution.name.startsWith(id) && execution.status === 'SUCCEEDED')).toBe(true);
  });

  it('fans a message out to every subscribed endpoint; exact types and prefix.* wildcards; others get nothing', async () => {
    const a = unique('exact');
    const b = unique('wild');
    const c = unique('all');
    const d = unique('other');
    const exact = await createEndpoint(a, { eventTypes: ['user.created'] });
    const wild = await createEndpoint(b, { eventTypes: ['user.*'] });
    const all = await createEndpoint(c);
    const other = await createEndpoint(d, { eventTypes: ['billing.*', 'user.deleted'] });
    const id = await publish('user.created', { id: 'u_1' });
    for (const endpoint of [exact, wild, all]) expect((await settled(id, endpoint.id)).status).toBe('succeeded');
    expect(await delivery(id, other.id)).toBeUndefined();
    expect(receiver.received(d)).toHaveLength(0);
  });

  it('keeps tenants apart', async () => {
    const path = unique('tenant');
    const mine = await createEndpoint(path, { tenantId: 'acme' });
    const id = await publish('user.created', { id: 'u_2' }, { tenantId: 'globex' });
    const other = await publish('user.created', { id: 'u_3' }, { tenantId: 'acme' });
    await settled(other, mine.id);
    expect(await delivery(id, mine.id)).toBeUndefined();
  });

  it('applies the endpoint filter and transform (JSONata) and refuses bad expressions with 400', async () => {
    const path = unique('shaped');
    const endpoint = await createEndpoint(path, { filter: 'amount > 100', transform: '{ "total": amount, "who": customer.name }' });
    const small = await publish('charge.succeeded', { amount: 50, customer: { name: 'Ann' } });
    const big = await publish('charge.succeeded', { amount: 500, customer: { name: 'Bob' } });
    await settled(big, endpoint.id);
    expect(await delivery(small, endpoint.id)).toBeUndefined();
    const bodies = receiver.received(path).map((r) => JSON.parse(r.body.toString()));
    expect(bodies).toEqual([{ total: 500, who: 'Bob' }]);
    const refused = await api('POST', '/api/v1/endpoints', { url: receiver.url('/x'), filter: 'amount >' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('invalid_expression');
  });

  it('marks a delivery failed, without retrying, when the transform fails at run time', async () => {
    const path = unique('badtransform');
    const endpoint = await createEndpoint(path, { transform: '$error("boom")' });
    const id = await publish('thing.happened', { a: 1 });
    const final = await settled(id, endpoint.id);
    expect(final.status).toBe('failed');
    expect(final.lastError).toMatch(/transform failed/);
    expect(receiver.received(path)).toHaveLength(0);
  });

  it('a repeated publish with the same idempotency key returns the same message and delivers nothing new', async () => {
    const path = unique('idem');
    const endpoint = await createEndpoint(path);
    const first = await publish('order.paid', { id: 'o_9' }, { idempotencyKey: 'key-123' });
    await settled(first, endpoint.id);
    const again = await api('POST', '/api/v1/messages', { eventType: 'order.paid', payload: { id: 'o_9' }, idempotencyKey: 'key-123' });
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ id: first, duplicate: true });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(receiver.received(path)).toHaveLength(1);
  });

  it('410 Gone disables the endpoint at once and stops the delivery', async () => {
    const path = unique('gone');
    receiver.script(path, 410);
    const endpoint = await createEndpoint(path);
    const id = await publish('user.created', { id: 'u_4' });
    expect(await settled(id, endpoint.id)).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: 410 });
    const { body } = await api('GET', `/api/v1/endpoints/${endpoint.id}`);
    expect(body).toMatchObject({ enabled: false, disabledReason: expect.stringMatching(/410/) });
    expect(t.o.events).toContainEqual(expect.objectContaining({ type: 'endpoint.disabled', endpointId: endpoint.id }));
    const next = await publish('user.created', { id: 'u_5' });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await delivery(next, endpoint.id)).toBeUndefined();
    // PATCH re-enables it.
    expect((await api('PATCH', `/api/v1/endpoints/${endpoint.id}`, { enabled: true })).body).toMatchObject({ enabled: true });
  });

  it('exhausts the schedule: the delivery is marked exhausted after every attempt failed, with an event', async () => {
    const path = unique('down');
    receiver.script(path, 500);
    const endpoint = await createEndpoint(path);
    const id = await publish('user.created', { id: 'u_6' });
    const final = await settled(id, endpoint.id);
    expect(final).toMatchObject({ status: 'exhausted', attempts: 4 });
    expect(receiver.received(path)).toHaveLength(4);
    expect(t.o.events).toContainEqual({ type: 'delivery.exhausted', messageId: id, endpointId: endpoint.id, attempts: 4 });
  });

  it('manual retry re-sends a failed delivery; replay re-sends what failed since a time', async () => {
    const path = unique('manual');
    receiver.script(path, 500, 500, 500, 500, 200);
    const endpoint = await createEndpoint(path);
    const since = new Date(Date.now() - 1000).toISOString();
    const id = await publish('user.created', { id: 'u_7' });
    expect((await settled(id, endpoint.id)).status).toBe('exhausted');
    const retried = await api('POST', `/api/v1/messages/${id}/retry`, { endpointId: endpoint.id });
    expect(retried).toMatchObject({ status: 202, body: { queued: 1 } });
    await eventually(async () => (await delivery(id, endpoint.id))?.status === 'succeeded', 10_000, 'manual retry');
    const { body } = await api('GET', `/api/v1/messages/${id}/attempts`);
    expect((body.attempts as Attempt[]).at(-1)).toMatchObject({ attempt: 5, trigger: 'manual', statusCode: 200 });

    const path2 = unique('replay');
    receiver.script(path2, 500, 500, 500, 500, 200);
    const second = await createEndpoint(path2);
    const m = await publish('user.created', { id: 'u_8' });
    expect((await settled(m, second.id)).status).toBe('exhausted');
    const replay = await api('POST', `/api/v1/endpoints/${second.id}/replay`, { since });
    expect(replay).toMatchObject({ status: 202, body: { queued: 1 } });
    await eventually(async () => (await delivery(m, second.id))?.status === 'succeeded', 10_000, 'replay');
    expect((await api('POST', `/api/v1/endpoints/${second.id}/replay`, { since: 'yesterday' })).status).toBe(400);
  });

  it('signs with both secrets during a rotation; each verifies alone', async () => {
    const path = unique('rotate');
    const endpoint = await createEndpoint(path);
    const rotated = await api('POST', `/api/v1/endpoints/${endpoint.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const id = await publish('user.created', { id: 'u_9' });
    await settled(id, endpoint.id);
    const [request] = receiver.received(path);
    const headers = request!.headers as Record<string, string>;
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    for (const secret of [endpoint.secret, rotated.body.secret as string]) {
      expect(new Webhook(secret).verify(request!.body.toString(), headers)).toEqual({ id: 'u_9' });
    }
  });

  it.each([
    [
      'x-webhook',
      (secret: Buffer, body: Buffer, h: Record<string, string>) => {
        const t = /t=(\d+)/.exec(h['x-webhook-signature']!)![1]!;
        const expected = createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
        return h['x-webhook-signature'] === `t=${t},v1=${expected}` && h['x-webhook-id'] !== undefined;
      },
    ],
    [
      'x-wss',
      (secret: Buffer, body: Buffer, h: Record<string, string>) => {
        const expected = createHmac('sha256', secret).update(h['x-wss-timestamp']!).update(body).digest('hex');
        return h['x-wss-signature'] === expected && /^\d+$/.test(h['x-wss-timestamp']!);
      },
    ],
  ])('signs with the %s scheme, checked by an independent computation', async (scheme, check) => {
    const path = unique(scheme);
    const endpoint = await createEndpoint(path, { signatureScheme: scheme });
    const id = await publish('user.created', { id: 'u_10' });
    await settled(id, endpoint.id);
    const [request] = receiver.received(path);
    const key = Buffer.from(endpoint.secret.slice('whsec_'.length), 'base64');
    expect(check(key, request!.body, request!.headers as Record<string, string>)).toBe(true);
  });

  it('relays a processed inbound event as <source>.<type>, once, even when the provider sent it twice', async () => {
    const path = unique('relay');
    const endpoint = await createEndpoint(path, { eventTypes: ['github.*'] });
    const source = t.h.config.sources.find((s) => s.name === 'github')!;
    const sample = await sampleWebhook(source, t.h.secrets.github!, { url: 'https://hooks.example.test/webhooks/github', eventType: 'push' });
    const event = httpEvent({ path: '/webhooks/github', pathParameters: { source: 'github' }, headers: sample.headers, body: sample.body });
    expect((await handleIngress(event, t.h.receiveDeps())).statusCode).toBe(200);
    expect(JSON.parse((await handleIngress(event, t.h.receiveDeps())).body)).toMatchObject({ duplicate: true });
    const processor = new SqsEventSource({
      sqs: t.h.clients.sqs,
      queueUrl: t.h.resources.inbound.queueUrl,
      queueArn: t.h.resources.inbound.queueArn,
      batchSize: 10,
      maxBatchingWindowSeconds: 0,
      waitTimeSeconds: 1,
      // The processor as the composition root builds it: with the relay, since the config relays.
      invoke: (e) => handleBatch(e, lambdaContext('processor', 30), t.h.processDeps()),
    });
    processor.start();
    try {
      await eventually(async () => receiver.received(path).length > 0, 15_000, 'relayed delivery');
    } finally {
      await processor.stop();
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const relayed = receiver.received(path);
    expect(relayed).toHaveLength(1);
    expect(JSON.parse(relayed[0]!.body.toString())).toEqual(JSON.parse(sample.body.toString()));
    expect(new Webhook(endpoint.secret).verify(relayed[0]!.body.toString(), relayed[0]!.headers as Record<string, string>)).toBeTruthy();
  });

  it('disables an endpoint that has failed for disableAfterDays without a success', async () => {
    const path = unique('failing');
    receiver.script(path, 500);
    const endpoint = await createEndpoint(path);
    // Its run of failures began six days ago (the default limit is five).
    await t.o.endpoints.recordFailure(endpoint.id, new Date(Date.now() - 6 * 86_400_000));
    const id = await publish('user.created', { id: 'u_11' });
    await eventually(async () => (await t.o.endpoints.get(endpoint.id))?.enabled === false, 15_000, 'endpoint disabled');
    expect(await t.o.endpoints.get(endpoint.id)).toMatchObject({ enabled: false, disabledReason: 'failing for 5 days without a success' });
    expect(t.o.events).toContainEqual(expect.objectContaining({ type: 'endpoint.disabled', endpointId: endpoint.id }));
    // The schedule stops at the next attempt: the endpoint is disabled.
    expect((await settled(id, endpoint.id)).status).toBe('failed');
  });

  it('a success ends the run of failures, so an endpoint that recovers is not disabled', async () => {
    const path = unique('recovers');
    receiver.script(path, 500, 200);
    const endpoint = await createEndpoint(path);
    const id = await publish('user.created', { id: 'u_12' });
    expect((await settled(id, endpoint.id)).status).toBe('succeeded');
    expect((await t.o.endpoints.get(endpoint.id))?.failingSince).toBeUndefined();
  });

  it('claim-checks a large payload to S3 and delivers it intact', async () => {
    const path = unique('large');
    const endpoint = await createEndpoint(path);
    const payload = { id: 'big_1', blob: 'x'.repeat(300 * 1024) };
    const id = await publish('report.ready', payload);
    await settled(id, endpoint.id);
    expect((await t.o.messages.getMessage(id))?.payload).toEqual({ kind: 'object', key: `outbound/${id}` });
    const [request] = receiver.received(path);
    expect(new Webhook(endpoint.secret).verify(request!.body.toString(), request!.headers as Record<string, string>)).toEqual(payload);
  });

  it('honours a Retry-After longer than the scheduled wait', async () => {
    const path = unique('retry-after');
    receiver.script(path, { status: 429, headers: { 'retry-after': '2' } }, 200);
    const endpoint = await createEndpoint(path);
    const id = await publish('user.created', { id: 'u_13' });
    await settled(id, endpoint.id);
    const [first, second] = receiver.received(path);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1900);
  });

  it('relays nothing, and stores no message, when no endpoint subscribes to the relayed type', async () => {
    await createEndpoint(unique('other-types'), { eventTypes: ['billing.*'] });
    const event = { source: 'github', eventId: 'delivery-no-subscribers', eventType: 'push', payload: { ref: 'main' } };
    expect(await relayInboundEvent({ ...t.o.publish, listEndpoints: () => t.o.endpoints.listAll() }, event)).toBe('no_subscribers');
    const { relayMessageId } = await import('../../shared/outbound/publish');
    expect(await t.o.messages.getMessage(relayMessageId('github', 'delivery-no-subscribers'))).toBeUndefined();
  });

  it('publishes what an internal producer sends to the outbound queue in the documented shape', async () => {
    const path = unique('producer');
    const endpoint = await createEndpoint(path, { eventTypes: ['invoice.*'] });
    await t.o.publish.queue.send({ eventType: 'invoice.created', payload: { id: 'in_2' }, idempotencyKey: 'producer-1' });
    await eventually(async () => receiver.received(path).length === 1, 15_000, 'producer delivery');
    expect(JSON.parse(receiver.received(path)[0]!.body.toString())).toEqual({ id: 'in_2' });
    expect(endpoint.id).toMatch(/^ep_/);
  });

  it('refuses invalid input with 400 and the JSON error', async () => {
    for (const [body, field] of [
      [{ url: 'ftp://example.com/' }, 'url'],
      [{ url: receiver.url('/x'), eventTypes: ['bad type!'] }, 'eventTypes'],
      [{ url: receiver.url('/x'), signatureScheme: 'md5' }, 'signatureScheme'],
      [{ url: receiver.url('/x'), extra: true }, 'extra'],
    ] as const) {
      const response = await api('POST', '/api/v1/endpoints', body);
      expect(response.status, field).toBe(400);
      expect(response.body).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
    }
    expect((await api('POST', '/api/v1/messages', { payload: {} })).status).toBe(400);
    expect((await api('GET', '/api/v1/messages/msg_nope')).status).toBe(404);
    expect((await api('GET', '/api/v1/endpoints/ep_nope')).status).toBe(404);
  });
});

describe('SSRF: creating an endpoint for a private target is refused with 400 (nothing is sent)', () => {
  let strict: OutboundHarness;
  beforeAll(async () => {
    strict = await createOutboundHarness(t.h, {
      allowPrivateTargets: false,
      // The resolve step, injected: a hostname that resolves to the metadata address.
      resolve: async (hostname: string) => {
        if (hostname === 'metadata.attacker.test') {
          const { TargetNotAllowedError } = await import('../../shared/outbound/ssrf');
          throw new TargetNotAllowedError('linkLocal');
        }
        return [{ address: '93.184.216.34', family: 4 }];
      },
    });
  });
  afterAll(async () => strict?.stop());

  it.each([
    ['loopback', 'https://127.0.0.1/hook'],
    ['loopback v6', 'https://[::1]/hook'],
    ['private', 'https://10.1.2.3/hook'],
    ['private 172', 'https://172.16.0.9/hook'],
    ['private 192', 'https://192.168.1.1/hook'],
    ['link-local metadata', 'https://169.254.169.254/latest/meta-data'],
    ['CGNAT', 'https://100.64.1.1/hook'],
    ['multicast', 'https://224.0.0.1/hook'],
    ['reserved', 'https://240.0.0.1/hook'],
    ['unspecified', 'https://0.0.0.0/hook'],
    ['IPv6 ULA', 'https://[fd00::1]/hook'],
    ['IPv6 link-local', 'https://[fe80::1]/hook'],
    ['IPv4-mapped', 'https://[::ffff:127.0.0.1]/hook'],
    ['decimal loopback', 'https://2130706433/hook'],
    ['resolves to metadata', 'https://metadata.attacker.test/hook'],
    ['plain http in AWS', 'http://hooks.example.com/hook'],
  ])('%s', async (_class, url) => {
    const response = await strict.router.handle(
      httpEvent({ method: 'POST', path: '/api/v1/endpoints', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url }) }),
    );
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
  });

  it('accepts a public https target', async () => {
    const response = await strict.router.handle(
      httpEvent({
        method: 'POST',
        path: '/api/v1/endpoints',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: 'https://hooks.example.com/in' }),
      }),
    );
    expect(response.statusCode).toBe(201);
    await strict.endpoints.delete(JSON.parse(response.body).id);
  });
});
