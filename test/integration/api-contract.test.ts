/**
 * The API's responses match openapi.yaml: every route is driven for real (ingress handler, and
 * the management router the composition root builds for the api function) against DynamoDB Local and
 * fauxqs, with deliveries to a receiver on loopback, and every response — success or error —
 * is validated against the spec's documented schema for its operation and status.
 */
import { createHmac } from 'node:crypto';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { handleIngress } from '../../functions/ingress/handler';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulators';
import { MessageMoveProxy } from '../../local/message-move';
import { sampleWebhook } from '../../local/samples';
import type { GatewayConfig, SourceConfig } from '../../shared/config/schema';
import type { HttpResponse } from '../../shared/http/responses';
import type { Router } from '../../shared/http/router';
import type { ReceiveDeps } from '../../shared/inbound/receive';
import { SSE_HEADERS } from '../../shared/status/stream';
import { createApiRouter } from '../support/api-router';
import { createHarness, httpEvent, type Harness } from '../support/harness';
import { loadContract } from '../support/openapi';
import { createOutboundHarness, type OutboundHarness } from '../support/outbound-harness';
import { eventually, Receiver } from '../support/receiver';

const DOMAIN = 'hooks.example.test';
const contract = loadContract();
const receiver = new Receiver();
let h: Harness;
let o: OutboundHarness;
let router: Router;
let messageMove: MessageMoveProxy;
let redriveSqs: SQSClient;

beforeAll(async () => {
  h = await createHarness();
  o = await createOutboundHarness(h, { schedule: [1, 1, 1] });
  await receiver.start();
  // SQS's redrive API, served over the emulator by the local runtime's proxy (local/message-move.ts).
  messageMove = new MessageMoveProxy({ upstream: inject('sqsEndpoint'), sqs: h.clients.sqs, queues: [h.resources.inbound, h.resources.outbound] });
  redriveSqs = new SQSClient({ endpoint: await messageMove.listen(), region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  // The management API exactly as the api function gets it from the composition root, its SQS client through the proxy.
  ({ router } = createApiRouter(h, { sqs: redriveSqs }));
});

afterAll(async () => {
  await o?.stop();
  await receiver.stop();
  redriveSqs?.destroy();
  await messageMove?.stop();
});

interface Called {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: any;
}

/** Calls the management API on the path `template` with `params` filled in; checks the response against the spec. */
async function api(
  method: string,
  template: string,
  options: { params?: Record<string, string>; query?: string; body?: unknown; rawBody?: string } = {},
): Promise<Called> {
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(options.params?.[name] ?? `missing-${name}`));
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await router.handle(
    httpEvent({
      method,
      path,
      headers: { 'content-type': 'application/json' },
      ...(options.query ? { query: options.query } : {}),
      ...(body === undefined ? {} : { body }),
    }),
  );
  return { status: response.statusCode, headers: response.headers, body: contract.check(method, template, response) };
}

function source(name: string): SourceConfig {
  const found = h.config.sources.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no source ${name} in the shipped config`);
  return found;
}

/** POSTs to the ingress handler; checks the response against the spec. */
async function webhook(
  sourceName: string,
  request: { headers: Record<string, string>; body: Buffer | string },
  deps: ReceiveDeps = h.receiveDeps(),
): Promise<Called> {
  const response: HttpResponse = await handleIngress(
    httpEvent({ path: `/webhooks/${sourceName}`, pathParameters: { source: sourceName }, headers: request.headers, body: request.body, domainName: DOMAIN }),
    deps,
  );
  return { status: response.statusCode, headers: response.headers, body: contract.check('POST', '/webhooks/{source}', response) };
}

/** GETs the ingress handler (a provider's challenge); checks the response against the spec. */
async function webhookGet(sourceName: string, query: string): Promise<Called> {
  const response: HttpResponse = await handleIngress(
    httpEvent({ method: 'GET', path: `/webhooks/${sourceName}`, query, pathParameters: { source: sourceName }, domainName: DOMAIN }),
    h.receiveDeps(),
  );
  return { status: response.statusCode, headers: response.headers, body: contract.check('GET', '/webhooks/{source}', response) };
}

async function signedSample(name: string) {
  return sampleWebhook(source(name), h.secrets[name]!, { url: `https://${DOMAIN}/webhooks/${name}` });
}

function withConfig(change: (config: GatewayConfig) => GatewayConfig): ReceiveDeps {
  return h.receiveDeps({ config: change(h.config) });
}

describe('API contract (openapi.yaml)', () => {
  let eventId = '';
  let endpointId = '';
  let messageId = '';

  describe('POST /webhooks/{source}', () => {
    it('answers an accepted event, then its duplicate, with the documented body', async () => {
      const sample = await signedSample('stripe');
      const first = await webhook('stripe', sample);
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ received: true, id: sample.eventId, duplicate: false });
      const again = await webhook('stripe', sample);
      expect(again.body).toEqual({ received: true, id: sample.eventId, duplicate: true });
      eventId = sample.eventId;
    });

    it("answers the providers' own handshakes and acknowledgements in the documented forms", async () => {
      const validation = await handleIngress(
        httpEvent({
          path: '/webhooks/msgraph',
          query: 'validationToken=Validation%3A%20Testing',
          pathParameters: { source: 'msgraph' },
          headers: { 'content-type': 'text/plain' },
          domainName: DOMAIN,
        }),
        h.receiveDeps(),
      );
      contract.check('POST', '/webhooks/{source}', validation);
      expect([validation.statusCode, validation.body]).toEqual([200, 'Validation: Testing']);
      const adyen = await webhook('adyen', await signedSample('adyen'));
      expect([adyen.status, adyen.headers?.['content-type']]).toEqual([200, 'text/plain']);
      const asana = await webhook('asana', { headers: { 'x-hook-secret': 'contract-hook-secret' }, body: '' });
      expect([asana.status, asana.headers?.['x-hook-secret'], asana.body]).toEqual([200, 'contract-hook-secret', { received: true }]);
      const conflict = await webhook('asana', { headers: { 'x-hook-secret': 'another-hook-secret' }, body: '' });
      expect([conflict.status, (conflict.body as { error: { code: string } }).error.code]).toEqual([409, 'handshake_secret_exists']);
    });

    it('GET answers the challenges of X and Dropbox, and is a 405 for other providers', async () => {
      const crc = await webhookGet('x', 'crc_token=abc');
      expect(crc.status).toBe(200);
      expect(crc.body).toEqual({ response_token: `sha256=${createHmac('sha256', h.secrets.x!).update('abc').digest('base64')}` });
      const dropbox = await webhookGet('dropbox', 'challenge=echo');
      expect([dropbox.status, dropbox.headers?.['content-type']]).toEqual([200, 'text/plain']);
      expect((await webhookGet('dropbox', '')).status).toBe(400);
      expect((await webhookGet('stripe', 'challenge=echo')).status).toBe(405);
      expect((await webhookGet('no-such-source', 'challenge=echo')).status).toBe(404);
    });

    it("answers Slack's url_verification handshake with its challenge", async () => {
      const body = JSON.stringify({
        token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl',
        challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
        type: 'url_verification',
      });
      const timestamp = String(Math.floor(Date.now() / 1000));
      const signature = `v0=${createHmac('sha256', h.secrets.slack!).update(`v0:${timestamp}:${body}`).digest('hex')}`;
      const response = await webhook('slack', {
        headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signature },
        body,
      });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
    });

    it('refuses with the documented errors: 400, 401, 403, 404, 413, 503', async () => {
      // 400: authentic (the signature covers only the body) but without GitHub's delivery id.
      const github = await signedSample('github');
      const { 'x-github-delivery': _delivery, ...withoutId } = github.headers;
      expect((await webhook('github', { headers: withoutId, body: github.body })).status).toBe(400);

      const stripe = await signedSample('stripe');
      const tampered = Buffer.from(stripe.body);
      tampered[tampered.length - 2] = tampered[tampered.length - 2]! ^ 0x01;
      const refused = await webhook('stripe', { headers: stripe.headers, body: tampered });
      expect(refused.status).toBe(401);
      expect(refused.body.error.code).toBe('signature_invalid');

      const forbidden = withConfig((config) => ({
        ...config,
        sources: config.sources.map((s) => (s.name === 'stripe' ? { ...s, allowedCidrs: ['10.0.0.0/8'] } : s)),
      }));
      expect((await webhook('stripe', stripe, forbidden)).status).toBe(403);

      const unknown = await webhook('no-such-source', stripe);
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('source_not_found');

      const small = withConfig((config) => ({ ...config, inbound: { ...config.inbound, maxBodyBytes: 16 } }));
      expect((await webhook('stripe', stripe, small)).status).toBe(413);

      const queueDown = h.receiveDeps({ queue: { send: async () => Promise.reject(new Error('queue unavailable')) } });
      const unavailable = await webhook('stripe', stripe, queueDown);
      expect(unavailable.status).toBe(503);
      expect(unavailable.headers['retry-after']).toBe('5');
    });
  });

  describe('inbound events and dead letters', () => {
    it('lists the sources', async () => {
      const response = await api('GET', '/api/v1/sources');
      expect(response.status).toBe(200);
      expect(response.body.sources.map((s: { name: string }) => s.name)).toContain('stripe');
    });

    it('lists, gets and replays events; unknown ones and bad queries are documented errors', async () => {
      const list = await api('GET', '/api/v1/sources/{source}/events', { params: { source: 'stripe' }, query: 'status=queued&limit=5' });
      expect(list.status).toBe(200);
      expect(list.body.events.map((e: { id: string }) => e.id)).toContain(eventId);
      expect((await api('GET', '/api/v1/sources/{source}/events', { params: { source: 'stripe' }, query: 'limit=0' })).status).toBe(400);
      expect((await api('GET', '/api/v1/sources/{source}/events', { params: { source: 'nope' } })).status).toBe(404);

      const event = await api('GET', '/api/v1/sources/{source}/events/{eventId}', { params: { source: 'stripe', eventId } });
      expect(event.status).toBe(200);
      expect(event.body).toMatchObject({ source: 'stripe', id: eventId, status: 'queued' });
      expect((await api('GET', '/api/v1/sources/{source}/events/{eventId}', { params: { source: 'stripe', eventId: 'evt_missing' } })).status).toBe(404);

      const replay = await api('POST', '/api/v1/sources/{source}/events/{eventId}/replay', { params: { source: 'stripe', eventId } });
      expect(replay.status).toBe(202);
      expect(replay.body).toEqual({ replaying: true, id: eventId });
      expect((await api('POST', '/api/v1/sources/{source}/events/{eventId}/replay', { params: { source: 'stripe', eventId: 'evt_missing' } })).status).toBe(
        404,
      );
    });

    it('reports the dead-letter depths, starts redrives and reports their progress', async () => {
      const depth = await api('GET', '/api/v1/dlq');
      expect(depth.status).toBe(200);
      expect(depth.body.depth).toBe(0);
      for (const queue of ['inbound', 'outbound']) {
        expect((await api('GET', '/api/v1/dlq/{queue}', { params: { queue } })).body).toEqual({ queue, depth: 0 });
        const started = await api('POST', '/api/v1/dlq/{queue}/redrive', { params: { queue }, body: { maxMessagesPerSecond: 100 } });
        expect(started.status).toBe(202);
        expect(started.body).toMatchObject({
          queue,
          status: 'RUNNING',
          sourceArn: h.resources[queue as 'inbound'].deadLetterQueueArn,
          destinationArn: h.resources[queue as 'inbound'].queueArn,
        });
        const finished = await eventually(async () => {
          const { body } = await api('GET', '/api/v1/dlq/{queue}/redrive', { params: { queue } });
          return body.tasks[0]?.status === 'COMPLETED' ? body : undefined;
        });
        expect(finished.tasks[0]).toMatchObject({ approximateNumberOfMessagesMoved: 0, maxNumberOfMessagesPerSecond: 100 });
      }
      // The route from when there was one queue: the inbound redrive, answered with its task.
      const alias = await api('POST', '/api/v1/dlq/redrive');
      expect(alias.status).toBe(202);
      expect(alias.body).toMatchObject({ queue: 'inbound' });
      await eventually(async () => (await api('GET', '/api/v1/dlq/{queue}/redrive', { params: { queue: 'inbound' } })).body.tasks[0]?.status === 'COMPLETED');
      expect((await api('GET', '/api/v1/dlq/{queue}', { params: { queue: 'nope' } })).body.error.code).toBe('queue_not_found');
      expect((await api('POST', '/api/v1/dlq/{queue}/redrive', { params: { queue: 'nope' } })).status).toBe(404);
      expect((await api('GET', '/api/v1/dlq/{queue}/redrive', { params: { queue: 'nope' } })).status).toBe(404);
      expect((await api('POST', '/api/v1/dlq/{queue}/redrive', { params: { queue: 'inbound' }, body: { maxMessagesPerSecond: 501 } })).status).toBe(400);
      expect((await api('POST', '/api/v1/dlq/redrive', { body: { max: 5 } })).status).toBe(400);
      expect((await api('POST', '/api/v1/dlq/redrive', { rawBody: '{"max":' })).body.error.code).toBe('invalid_json');
    });

    it('refuses a second redrive of a queue while one runs (409, redrive_in_progress)', async () => {
      const { SendMessageBatchCommand } = await import('@aws-sdk/client-sqs');
      for (let batch = 0; batch < 3; batch++) {
        await h.clients.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: h.resources.outbound.deadLetterQueueUrl,
            Entries: Array.from({ length: 10 }, (_, i) => ({
              Id: String(i),
              MessageBody: JSON.stringify({ kind: 'dispatch', messageId: `msg_contract_${batch}_${i}` }),
            })),
          }),
        );
      }
      const first = await api('POST', '/api/v1/dlq/{queue}/redrive', { params: { queue: 'outbound' }, body: { maxMessagesPerSecond: 10 } });
      expect(first.status).toBe(202);
      const second = await api('POST', '/api/v1/dlq/{queue}/redrive', { params: { queue: 'outbound' } });
      expect(second.status).toBe(409);
      expect(second.body.error.code).toBe('redrive_in_progress');
      const done = await eventually(async () => {
        const { body } = await api('GET', '/api/v1/dlq/{queue}/redrive', { params: { queue: 'outbound' } });
        return body.tasks[0]?.status === 'COMPLETED' ? body.tasks[0] : undefined;
      }, 20_000);
      expect(done).toMatchObject({ approximateNumberOfMessagesMoved: 30, approximateNumberOfMessagesToMove: 30 });
    });
  });

  describe('endpoints', () => {
    it('creates, lists, gets and changes an endpoint', async () => {
      const created = await api('POST', '/api/v1/endpoints', {
        body: { url: receiver.url('/contract'), eventTypes: ['contract.*'], description: 'contract test' },
      });
      expect(created.status).toBe(201);
      expect(created.body.secret).toMatch(/^whsec_/);
      endpointId = created.body.id;

      expect((await api('POST', '/api/v1/endpoints', { body: { url: receiver.url('/x'), unknown: true } })).status).toBe(400);
      expect((await api('POST', '/api/v1/endpoints', { body: { url: 'ftp://example.com/' } })).status).toBe(400);
      expect((await api('POST', '/api/v1/endpoints', { rawBody: '{' })).status).toBe(400);

      const list = await api('GET', '/api/v1/endpoints');
      expect(list.body.endpoints.map((e: { id: string }) => e.id)).toContain(endpointId);
      expect((await api('GET', '/api/v1/endpoints', { query: 'tenantId=nobody' })).body.endpoints).toEqual([]);

      const got = await api('GET', '/api/v1/endpoints/{id}', { params: { id: endpointId } });
      expect(got.body).toMatchObject({ id: endpointId, enabled: true });
      expect(got.body).not.toHaveProperty('secret');
      expect((await api('GET', '/api/v1/endpoints/{id}', { params: { id: 'ep_missing' } })).status).toBe(404);

      const patched = await api('PATCH', '/api/v1/endpoints/{id}', { params: { id: endpointId }, body: { description: null, enabled: true } });
      expect(patched.status).toBe(200);
      expect(patched.body).not.toHaveProperty('description');
      expect((await api('PATCH', '/api/v1/endpoints/{id}', { params: { id: endpointId }, body: {} })).status).toBe(400);
      expect((await api('PATCH', '/api/v1/endpoints/{id}', { params: { id: 'ep_missing' }, body: { enabled: false } })).status).toBe(404);
    });

    it('shows and rotates the secret', async () => {
      const before = await api('GET', '/api/v1/endpoints/{id}/secret', { params: { id: endpointId } });
      expect(before.body.previous).toEqual([]);
      const rotated = await api('POST', '/api/v1/endpoints/{id}/rotate-secret', { params: { id: endpointId } });
      expect(rotated.status).toBe(200);
      expect(rotated.body.previousExpiresAt).toBeDefined();
      const after = await api('GET', '/api/v1/endpoints/{id}/secret', { params: { id: endpointId } });
      expect(after.body.secret).toBe(rotated.body.secret);
      expect(after.body.previous).toHaveLength(1);
      expect((await api('GET', '/api/v1/endpoints/{id}/secret', { params: { id: 'ep_missing' } })).status).toBe(404);
      expect((await api('POST', '/api/v1/endpoints/{id}/rotate-secret', { params: { id: 'ep_missing' } })).status).toBe(404);
    });

    it('deletes an endpoint, once', async () => {
      const created = await api('POST', '/api/v1/endpoints', { body: { url: receiver.url('/deleted') } });
      const deleted = await api('DELETE', '/api/v1/endpoints/{id}', { params: { id: created.body.id } });
      expect(deleted.status).toBe(204);
      expect((await api('DELETE', '/api/v1/endpoints/{id}', { params: { id: created.body.id } })).status).toBe(404);
    });
  });

  describe('messages', () => {
    it('publishes a message, delivered to the endpoint, and repeats an idempotent publish as a duplicate', async () => {
      const published = await api('POST', '/api/v1/messages', {
        body: { eventType: 'contract.created', payload: { id: 'c_1' }, idempotencyKey: 'contract-1' },
      });
      expect(published.status).toBe(202);
      expect(published.body.duplicate).toBe(false);
      messageId = published.body.id;
      const repeated = await api('POST', '/api/v1/messages', { body: { eventType: 'contract.created', payload: { id: 'c_1' }, idempotencyKey: 'contract-1' } });
      expect(repeated.body).toMatchObject({ id: messageId, duplicate: true });
      expect((await api('POST', '/api/v1/messages', { body: { eventType: 'contract.created' } })).status).toBe(400);

      await eventually(async () => (await o.deliveries.getDelivery(messageId, endpointId))?.status === 'succeeded', 20_000, 'the delivery to succeed');
    });

    it('lists messages, and one endpoint’s deliveries', async () => {
      const messages = await api('GET', '/api/v1/messages', { query: 'limit=10' });
      expect(messages.body.messages.map((m: { id: string }) => m.id)).toContain(messageId);
      const deliveries = await api('GET', '/api/v1/messages', { query: `endpointId=${endpointId}&status=succeeded` });
      expect(deliveries.body.deliveries).toEqual([expect.objectContaining({ messageId, endpointId, status: 'succeeded' })]);
      expect((await api('GET', '/api/v1/messages', { query: 'status=failed' })).status).toBe(400);
      expect((await api('GET', '/api/v1/messages', { query: 'limit=abc' })).status).toBe(400);
    });

    it('gets a message with its deliveries, and its attempts', async () => {
      const message = await api('GET', '/api/v1/messages/{id}', { params: { id: messageId } });
      expect(message.body).toMatchObject({ id: messageId, eventType: 'contract.created', deliveries: [expect.objectContaining({ endpointId })] });
      expect(message.body).not.toHaveProperty('payload');
      expect((await api('GET', '/api/v1/messages/{id}', { params: { id: 'msg_missing' } })).status).toBe(404);

      const attempts = await api('GET', '/api/v1/messages/{id}/attempts', { params: { id: messageId } });
      expect(attempts.body.attempts).toEqual([expect.objectContaining({ endpointId, attempt: 1, outcome: 'succeeded', statusCode: 200 })]);
      expect((await api('GET', '/api/v1/messages/{id}/attempts', { params: { id: messageId }, query: `endpointId=${endpointId}` })).status).toBe(200);
      expect((await api('GET', '/api/v1/messages/{id}/attempts', { params: { id: 'msg_missing' } })).status).toBe(404);
    });

    it('retries a message’s deliveries and replays an endpoint', async () => {
      expect((await api('POST', '/api/v1/messages/{id}/retry', { params: { id: messageId } })).body).toEqual({ queued: 0 });
      expect((await api('POST', '/api/v1/messages/{id}/retry', { params: { id: messageId }, body: { endpointId } })).body).toEqual({ queued: 1 });
      expect((await api('POST', '/api/v1/messages/{id}/retry', { params: { id: messageId }, body: { endpointId: 'ep_other' } })).status).toBe(404);
      expect((await api('POST', '/api/v1/messages/{id}/retry', { params: { id: 'msg_missing' } })).status).toBe(404);
      expect((await api('POST', '/api/v1/messages/{id}/retry', { params: { id: messageId }, body: { endpointId: '' } })).status).toBe(400);

      const since = new Date(Date.now() - 3600_000).toISOString();
      const replay = await api('POST', '/api/v1/endpoints/{id}/replay', { params: { id: endpointId }, body: { since } });
      expect(replay.status).toBe(202);
      expect(replay.body).toEqual({ queued: 0 });
      expect((await api('POST', '/api/v1/endpoints/{id}/replay', { params: { id: endpointId }, body: { since: 'yesterday' } })).status).toBe(400);
      expect((await api('POST', '/api/v1/endpoints/{id}/replay', { params: { id: 'ep_missing' }, body: { since } })).status).toBe(404);
    });
  });

  describe('console and portal additions', () => {
    it('returns an event’s body as received, and 404 for an unknown event', async () => {
      const body = await api('GET', '/api/v1/sources/{source}/events/{eventId}/body', { params: { source: 'stripe', eventId } });
      expect(body.status).toBe(200);
      expect(body.body).toMatchObject({ source: 'stripe', id: eventId, encoding: 'utf8', contentType: expect.stringContaining('application/json') });
      expect(JSON.parse(body.body.body).id).toBe(eventId);
      expect(body.body.bytes).toBe(Buffer.byteLength(body.body.body));
      expect((await api('GET', '/api/v1/sources/{source}/events/{eventId}/body', { params: { source: 'stripe', eventId: 'evt_missing' } })).status).toBe(404);
    });

    it('looks into both dead-letter queues without taking anything out', async () => {
      const inbound = await api('GET', '/api/v1/dlq/{queue}/messages', { params: { queue: 'inbound' } });
      expect(inbound.body).toEqual({ queue: 'inbound', visible: 0, inFlight: 0, depth: 0, sample: [] });
      await h.clients.sqs.send(
        new SendMessageCommand({ QueueUrl: h.resources.outbound.deadLetterQueueUrl, MessageBody: JSON.stringify({ kind: 'dispatch', messageId: 'msg_dead' }) }),
      );
      const outbound = await api('GET', '/api/v1/dlq/{queue}/messages', { params: { queue: 'outbound' } });
      expect(outbound.status).toBe(200);
      expect(outbound.body).toMatchObject({
        queue: 'outbound',
        depth: 1,
        sample: [expect.objectContaining({ body: { kind: 'dispatch', messageId: 'msg_dead' }, receiveCount: 1 })],
      });
      expect(outbound.body.oldestAgeSeconds).toBeGreaterThanOrEqual(0);
      // Still there, and visible again at once (a redrive could move it): a second look samples it again.
      const again = await api('GET', '/api/v1/dlq/{queue}/messages', { params: { queue: 'outbound' } });
      expect(again.body).toMatchObject({ depth: 1, sample: [expect.objectContaining({ messageId: outbound.body.sample[0].messageId, receiveCount: 2 })] });
      expect((await api('GET', '/api/v1/dlq/{queue}/messages', { params: { queue: 'elsewhere' } })).status).toBe(404);
    });

    it('evaluates a filter and a transform against a sample payload, and reports their errors as results', async () => {
      const payload = { type: 'invoice.paid', amount: 1200, customer: { id: 'cus_1' } };
      const sent = await api('POST', '/api/v1/expressions/evaluate', {
        body: { payload, filter: 'amount > 1000', transform: '{"customer": customer.id, "cents": amount}' },
      });
      expect(sent.body).toEqual({
        filter: { ok: true, passed: true },
        transform: { ok: true, result: { customer: 'cus_1', cents: 1200 } },
        outcome: 'sent',
        body: '{"customer":"cus_1","cents":1200}',
      });
      const filtered = await api('POST', '/api/v1/expressions/evaluate', { body: { payload, filter: 'amount > 5000', transform: 'amount' } });
      expect(filtered.body).toEqual({ filter: { ok: true, passed: false }, outcome: 'filtered' });
      const syntax = await api('POST', '/api/v1/expressions/evaluate', { body: { payload, transform: '{"a": ' } });
      expect(syntax.body).toMatchObject({ outcome: 'failed', transform: { ok: false, error: { code: 'invalid_expression' } } });
      const failing = await api('POST', '/api/v1/expressions/evaluate', { body: { payload, filter: '$error("no customer")' } });
      expect(failing.body).toMatchObject({
        outcome: 'failed',
        filter: { ok: false, error: { code: 'evaluation_failed', message: expect.stringContaining('no customer') } },
      });
      expect((await api('POST', '/api/v1/expressions/evaluate', { body: { payload } })).body).toEqual({ outcome: 'sent', body: JSON.stringify(payload) });
      expect((await api('POST', '/api/v1/expressions/evaluate', { body: { filter: 'true' } })).status).toBe(400);
      expect((await api('POST', '/api/v1/expressions/evaluate', { body: { payload: { blob: 'x'.repeat(300_000) } } })).status).toBe(413);
    });

    it('creates an endpoint with its own headers, sent with each attempt and recorded by name only; refuses a signature header', async () => {
      const created = await api('POST', '/api/v1/endpoints', {
        body: { url: receiver.url('/headers'), eventTypes: ['headers.*'], headers: { Authorization: 'Bearer s3cret', 'X-Team': 'billing' } },
      });
      expect(created.status).toBe(201);
      expect(created.body.headers).toEqual({ authorization: 'Bearer s3cret', 'x-team': 'billing' });
      expect((await api('POST', '/api/v1/endpoints', { body: { url: receiver.url('/x'), headers: { 'Webhook-Signature': 'v1,forged' } } })).status).toBe(400);
      expect((await api('POST', '/api/v1/endpoints', { body: { url: receiver.url('/x'), headers: { 'x-ok': 'line\nbreak' } } })).status).toBe(400);
      const published = await api('POST', '/api/v1/messages', { body: { eventType: 'headers.sent', payload: { id: 'h_1' } } });
      const request = await eventually(async () => receiver.received('/headers')[0], 20_000, 'the delivery with headers');
      expect(request.headers.authorization).toBe('Bearer s3cret');
      expect(request.headers['x-team']).toBe('billing');
      expect(request.headers['webhook-signature']).toMatch(/^v1,/);
      const attempts = await eventually(
        async () => {
          const listed = await api('GET', '/api/v1/messages/{id}/attempts', { params: { id: published.body.id } });
          return listed.body.attempts.length ? listed.body.attempts : undefined;
        },
        10_000,
        'the attempt record',
      );
      expect(attempts[0].requestHeaders.authorization).toBe('(endpoint header; value not recorded)');
      expect(JSON.stringify(attempts)).not.toContain('s3cret');
      const cleared = await api('PATCH', '/api/v1/endpoints/{id}', { params: { id: created.body.id }, body: { headers: null } });
      expect(cleared.body).not.toHaveProperty('headers');
      expect((await api('PATCH', '/api/v1/endpoints/{id}', { params: { id: created.body.id }, body: { headers: { Host: 'evil' } } })).status).toBe(400);
    });

    it('sends a test message to one endpoint only, whatever its event types', async () => {
      const other = await api('POST', '/api/v1/endpoints', { body: { url: receiver.url('/test-other'), eventTypes: ['*'] } });
      const sent = await api('POST', '/api/v1/endpoints/{id}/test', { params: { id: endpointId } });
      expect(sent.status).toBe(202);
      expect(sent.body).toMatchObject({ eventType: 'webhook.test', endpointId });
      const delivered = await eventually(
        async () => receiver.received('/contract').find((request) => request.headers['webhook-id'] === sent.body.id),
        20_000,
        'the test message',
      );
      expect(JSON.parse(delivered.body.toString('utf8'))).toMatchObject({ type: 'webhook.test', test: true, endpointId });
      const deliveries = (await api('GET', '/api/v1/messages/{id}', { params: { id: sent.body.id } })).body.deliveries;
      expect(deliveries.map((d: { endpointId: string }) => d.endpointId)).toEqual([endpointId]);
      expect(receiver.received('/test-other').filter((request) => request.headers['webhook-id'] === sent.body.id)).toEqual([]);

      const custom = await api('POST', '/api/v1/endpoints/{id}/test', {
        params: { id: other.body.id },
        body: { eventType: 'order.created', payload: { id: 'o_1' } },
      });
      expect(custom.body).toMatchObject({ eventType: 'order.created', endpointId: other.body.id });
      expect((await api('POST', '/api/v1/endpoints/{id}/test', { params: { id: 'ep_missing' } })).status).toBe(404);
      expect((await api('POST', '/api/v1/endpoints/{id}/test', { params: { id: endpointId }, body: { eventType: 'not a type' } })).status).toBe(400);
    });

    it('returns a message’s payload', async () => {
      const payload = await api('GET', '/api/v1/messages/{id}/payload', { params: { id: messageId } });
      expect(payload.body).toEqual({ id: messageId, eventType: 'contract.created', payload: { id: 'c_1' } });
      expect((await api('GET', '/api/v1/messages/{id}/payload', { params: { id: 'msg_missing' } })).status).toBe(404);
    });

    it('searches by event id, message id and a part of an endpoint URL', async () => {
      const byEvent = await api('GET', '/api/v1/search', { query: `q=${encodeURIComponent(eventId)}` });
      expect(byEvent.body.events).toEqual([expect.objectContaining({ source: 'stripe', id: eventId })]);
      const byMessage = await api('GET', '/api/v1/search', { query: `q=${messageId}` });
      expect(byMessage.body.messages).toEqual([expect.objectContaining({ id: messageId })]);
      const byUrl = await api('GET', '/api/v1/search', { query: 'q=CONTRACT' });
      expect(byUrl.body.endpoints.map((e: { id: string }) => e.id)).toContain(endpointId);
      expect((await api('GET', '/api/v1/search', { query: 'q=nothing-like-this' })).body).toEqual({
        query: 'nothing-like-this',
        events: [],
        messages: [],
        endpoints: [],
      });
      expect((await api('GET', '/api/v1/search', { query: 'q=' })).status).toBe(400);
    });

    it('reports the traffic of the last hour by minute and of the last day by quarter hour', async () => {
      const hour = await api('GET', '/api/v1/stats');
      expect(hour.status).toBe(200);
      expect(hour.body).toMatchObject({ window: '1h', bucketSeconds: 60, statusLog: true });
      expect(hour.body.buckets).toHaveLength(60);
      expect(hour.body.inbound.map((s: { source: string }) => s.source)).toEqual(h.config.sources.map((source) => source.name));
      const day = await api('GET', '/api/v1/stats', { query: 'window=24h' });
      expect(day.body.buckets).toHaveLength(96);
      expect((await api('GET', '/api/v1/stats', { query: 'window=7d' })).status).toBe(400);
    });

    it('makes a signed portal link that lasts at most 24 hours', async () => {
      const link = await api('POST', '/api/v1/tenants/{tenantId}/portal-link', { params: { tenantId: 'acme' }, body: { expiresInSeconds: 600 } });
      expect(link.status).toBe(201);
      expect(link.body.url).toMatch(/^https:\/\/[^/]+\/portal#token=v1\.[\w-]+\.[\w-]{43}$/);
      expect(Date.parse(link.body.expiresAt) - Date.now()).toBeLessThanOrEqual(600_000);
      expect((await api('POST', '/api/v1/tenants/{tenantId}/portal-link', { params: { tenantId: 'acme' } })).status).toBe(201);
      expect((await api('POST', '/api/v1/tenants/{tenantId}/portal-link', { params: { tenantId: 'acme' }, body: { expiresInSeconds: 86_401 } })).status).toBe(
        400,
      );
      const keyless = createApiRouter(h, { portalKeys: async () => Promise.reject(new Error('secret unavailable')) }).router;
      const unavailable = await keyless.handle(httpEvent({ method: 'POST', path: '/api/v1/tenants/acme/portal-link' }));
      expect(unavailable.statusCode).toBe(503);
      contract.check('POST', '/api/v1/tenants/{tenantId}/portal-link', unavailable);
    });
  });

  describe('router', () => {
    it('answers an unknown route with 404 and another method with 405, both with the Error schema', async () => {
      const unknown = await router.handle(httpEvent({ method: 'GET', path: '/api/v1/nothing-here' }));
      expect(unknown.statusCode).toBe(404);
      expect(contract.checkComponent('Error', unknown)).toEqual({ error: { code: 'route_not_found', message: 'no such route' } });

      const wrongMethod = await router.handle(httpEvent({ method: 'PUT', path: `/api/v1/endpoints/${endpointId}` }));
      expect(wrongMethod.statusCode).toBe(405);
      expect(contract.checkComponent('Error', wrongMethod)).toMatchObject({ error: { code: 'method_not_allowed' } });
    });

    it('documents the stream as the media type the stream function sends', () => {
      expect(contract.mediaTypes('GET', '/api/v1/stream', 200)).toEqual([SSE_HEADERS['content-type'].split(';')[0]]);
    });
  });

  it('checked a response of every operation in the spec (stream, console and health excepted; the portal and the local destinations have their own tests)', () => {
    // GET /local/destinations is checked against the spec in test/e2e/destinations.test.ts.
    const exempt = ['GET /api/v1/stream', 'GET /console', 'GET /health', 'GET /local/destinations'];
    expect(contract.unchecked().filter((operation) => !exempt.includes(operation) && !operation.includes(' /portal'))).toEqual([]);
  });
});
