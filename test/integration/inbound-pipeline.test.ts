/**
 * The receive side end to end against DynamoDB Local and fauxqs with the real SDK clients:
 * ingress handler → event store → SQS → processor with partial batch responses.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import Stripe from 'stripe';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { handleIngress } from '../../functions/ingress/handler';
import { localClients } from '../../local/clients';
import { DynamoDbEventStore } from '../../shared/store/dynamodb/event-store';
import type { ProcessorDeps } from '../../functions/composition';
import { handleBatch } from '../../functions/processor/handler';
import { lambdaContext } from '../../local/lambda-context';
import { sampleWebhook } from '../../local/samples';
import { generateSigningKeys } from '../../local/secrets-bootstrap';
import { SqsEventSource } from '../../local/sqs-event-source';
import { parseConfig } from '../../shared/config/load';
import type { SourceConfig } from '../../shared/config/schema';
import type { EventQueue } from '../../shared/inbound/event-queue';
import { HandlerRegistry } from '../../shared/inbound/handlers/registry';
import { SUBSCRIPTION_ENTITY, handleStripeSubscription } from '../../shared/inbound/handlers/samples/stripe-subscriptions';
import { createHarness, httpEvent, shippedConfig, type Harness } from '../support/harness';

const DOMAIN = 'hooks.example.test';

function webhookEvent(source: SourceConfig, sample: { headers: Record<string, string>; body: Buffer }, extra: { sourceIp?: string } = {}) {
  return httpEvent({
    path: `/webhooks/${source.name}`,
    pathParameters: { source: source.name },
    headers: sample.headers,
    body: sample.body,
    domainName: DOMAIN,
    ...extra,
  });
}

function urlFor(source: SourceConfig): string {
  return `https://${DOMAIN}/webhooks/${source.name}`;
}

function parse(response: { body: string }): Record<string, unknown> {
  return JSON.parse(response.body) as Record<string, unknown>;
}

/** Runs the processor over the queue until `until` holds (or the time runs out). */
async function runProcessor(h: Harness, deps: ProcessorDeps, until: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const source = new SqsEventSource({
    sqs: h.clients.sqs,
    queueUrl: h.resources.inbound.queueUrl,
    queueArn: 'arn:aws:sqs:us-east-1:000000000000:inbound',
    batchSize: h.config.inbound.batchSize,
    maxBatchingWindowSeconds: 0,
    waitTimeSeconds: 1,
    invoke: (event) => handleBatch(event, lambdaContext('processor', h.config.inbound.processorTimeoutSeconds), deps),
  });
  source.start();
  const deadline = Date.now() + timeoutMs;
  try {
    while (!(await until())) {
      if (Date.now() > deadline) throw new Error('processor did not reach the expected state in time');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await source.stop();
  }
}

describe('inbound pipeline', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });

  const config = shippedConfig();
  /** The private key a public-key provider's sample signs with (none for shared-secret providers). */
  const keyOf = (source: SourceConfig) => (h.signingKeys[source.name] ? { signingKey: h.signingKeys[source.name]! } : {});

  describe.each(config.sources.map((source) => [source.name, source] as const))('%s', (_name, source) => {
    it('accepts a request signed with the provider scheme and queues it once', async () => {
      const sample = await sampleWebhook(source, h.secrets[source.name]!, { url: urlFor(source), ...keyOf(source) });
      const response = await handleIngress(webhookEvent(source, sample), h.receiveDeps());
      expect(response.statusCode, response.body).toBe(200);
      // Dropbox's notifications carry no id: the gateway assigns one and says it.
      const eventId = sample.eventId || (parse(response).id as string);
      if (source.provider === 'adyen') expect(response.body).toBe('[accepted]');
      else if (source.provider === 'discord') expect(parse(response)).toEqual({ type: 5 });
      else expect(parse(response)).toEqual({ received: true, id: eventId, duplicate: false });
      const stored = await h.store.get(source.name, eventId);
      expect(stored).toMatchObject({ status: 'queued', eventType: sample.eventType, bodyBytes: sample.body.length });
    });

    it('refuses the same request with one byte changed, storing nothing', async () => {
      const sample = await sampleWebhook(source, h.secrets[source.name]!, { url: urlFor(source), ...keyOf(source) });
      let request = sample;
      if (source.provider === 'gitlab') {
        // GitLab signs nothing: its shared token is what authenticates, so change a byte of it.
        const token = sample.headers['x-gitlab-token']!;
        request = { ...sample, headers: { ...sample.headers, 'x-gitlab-token': `${token.slice(0, -1)}${token.endsWith('0') ? '1' : '0'}` } };
      } else {
        const tampered = Buffer.from(sample.body);
        const at = tampered.length - 2;
        tampered[at] = tampered[at]! ^ 0x01;
        request = { ...sample, body: tampered };
      }
      const response = await handleIngress(webhookEvent(source, request), h.receiveDeps());
      expect(response.statusCode).toBe(401);
      expect(parse(response)).toEqual({ error: { code: 'signature_invalid', message: 'signature verification failed' } });
      if (sample.eventId) expect(await h.store.get(source.name, sample.eventId)).toBeUndefined();
    });

    it('refuses a request signed with another secret', async () => {
      const other = source.provider === 'standard' ? `whsec_${Buffer.alloc(32, 7).toString('base64')}` : 'not-the-secret';
      // A public-key provider's other key is another private key.
      const otherKey = generateSigningKeys(source.provider);
      const sample = await sampleWebhook(source, other, { url: urlFor(source), ...(otherKey ? { signingKey: otherKey.privateKey } : {}) });
      const response = await handleIngress(webhookEvent(source, sample), h.receiveDeps());
      expect(response.statusCode).toBe(401);
      if (sample.eventId) expect(await h.store.get(source.name, sample.eventId)).toBeUndefined();
    });
  });

  it('refuses stale and future timestamps (Stripe, Slack, Standard Webhooks, hmac)', async () => {
    for (const name of ['stripe', 'slack', 'standard', 'hmac']) {
      const source = config.sources.find((s) => s.name === name)!;
      for (const offset of [-301, +301]) {
        const sample = await sampleWebhook(source, h.secrets[name]!, { url: urlFor(source), nowSeconds: Math.floor(Date.now() / 1000) + offset });
        const response = await handleIngress(webhookEvent(source, sample), h.receiveDeps());
        expect(response.statusCode, `${name} ${offset}`).toBe(401);
        expect(await h.store.get(name, sample.eventId)).toBeUndefined();
      }
    }
  });

  it('accepts every secret of a rotation (comma-separated), the old and the new', async () => {
    const source = config.sources.find((s) => s.name === 'github')!;
    const rotated = await createHarness({ secrets: { ...h.secrets, github: 'new-secret-value, old-secret-value' } });
    for (const secret of ['old-secret-value', 'new-secret-value']) {
      const sample = await sampleWebhook(source, secret, { url: urlFor(source) });
      const response = await handleIngress(webhookEvent(source, sample), rotated.receiveDeps());
      expect(response.statusCode, secret).toBe(200);
    }
  });

  it('cross-checks Stripe: an event our ingress accepted is one Stripe.webhooks.constructEvent accepts', async () => {
    const source = config.sources.find((s) => s.name === 'stripe')!;
    const sample = await sampleWebhook(source, h.secrets.stripe!, { url: urlFor(source) });
    const stripe = new Stripe('sk_test_123');
    const event = stripe.webhooks.constructEvent(sample.body, sample.headers['stripe-signature']!, h.secrets.stripe!);
    expect(event.id).toBe(sample.eventId);
    expect((await handleIngress(webhookEvent(source, sample), h.receiveDeps())).statusCode).toBe(200);
  });

  it('answers Slack url_verification with its challenge and queues nothing', async () => {
    const h2 = await createHarness();
    const source = config.sources.find((s) => s.name === 'slack')!;
    const body = Buffer.from(JSON.stringify({ token: 'x', challenge: 'c-123', type: 'url_verification' }));
    const ts = String(Math.floor(Date.now() / 1000));
    const { createHmac } = await import('node:crypto');
    const signature = `v0=${createHmac('sha256', h2.secrets.slack!).update(`v0:${ts}:`).update(body).digest('hex')}`;
    const response = await handleIngress(
      webhookEvent(source, { headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': ts, 'x-slack-signature': signature }, body }),
      h2.receiveDeps(),
    );
    expect(response.statusCode).toBe(200);
    expect(parse(response)).toEqual({ challenge: 'c-123' });
    expect(await h2.queueDepth(h2.resources.inbound.queueUrl)).toBe(0);
  });

  it('20 concurrent copies of one event: one record, one queued message, processed once', async () => {
    const h2 = await createHarness();
    const source = config.sources.find((s) => s.name === 'stripe')!;
    const sample = await sampleWebhook(source, h2.secrets.stripe!, { url: urlFor(source) });
    const responses = await Promise.all(Array.from({ length: 20 }, () => handleIngress(webhookEvent(source, sample), h2.receiveDeps())));
    // One copy is accepted. The others either find it queued (2xx, duplicate) or, while the
    // first is still between its put and its enqueue, are asked to retry (503): a 2xx then
    // would stop the provider's retries although that first request may yet fail.
    const accepted = responses.filter((r) => r.statusCode === 200 && parse(r).duplicate === false);
    const duplicates = responses.filter((r) => r.statusCode === 200 && parse(r).duplicate === true);
    const retryLater = responses.filter((r) => r.statusCode === 503);
    expect(accepted).toHaveLength(1);
    expect(duplicates.length + retryLater.length).toBe(19);
    for (const r of retryLater) expect(parse(r)).toMatchObject({ error: { code: 'event_in_flight' } });
    expect(await h2.queueDepth(h2.resources.inbound.queueUrl)).toBe(1);

    let handled = 0;
    const handlers = new HandlerRegistry().on('stripe', '*', async () => {
      handled++;
    });
    await runProcessor(h2, h2.processDeps({ handlers }), async () => (await h2.store.get('stripe', sample.eventId))?.status === 'processed');
    expect(handled).toBe(1);
    expect(await h2.queueDepth(h2.resources.inbound.queueUrl)).toBe(0);
    const again = await handleIngress(webhookEvent(source, sample), h2.receiveDeps());
    expect(parse(again)).toEqual({ received: true, id: sample.eventId, duplicate: true });
    expect(await h2.queueDepth(h2.resources.inbound.queueUrl)).toBe(0);
  });

  it('a copy that arrives while the first is between its put and its enqueue is asked to retry, then told duplicate', async () => {
    const h2 = await createHarness();
    const source = config.sources.find((s) => s.name === 'github')!;
    const sample = await sampleWebhook(source, h2.secrets.github!, { url: urlFor(source) });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const real = h2.receiveDeps().queue;
    // Fault injection at the queue port: the first request's enqueue is held back.
    const slow: EventQueue = {
      send: async (message) => {
        await gate;
        await real.send(message);
      },
    };
    const first = handleIngress(webhookEvent(source, sample), h2.receiveDeps({ queue: slow }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const copy = await handleIngress(webhookEvent(source, sample), h2.receiveDeps());
    expect(copy.statusCode).toBe(503);
    expect(parse(copy)).toMatchObject({ error: { code: 'event_in_flight' } });
    release();
    expect((await first).statusCode).toBe(200);
    const later = await handleIngress(webhookEvent(source, sample), h2.receiveDeps());
    expect(parse(later)).toEqual({ received: true, id: sample.eventId, duplicate: true });
    expect(await h2.queueDepth(h2.resources.inbound.queueUrl)).toBe(1);
  });

  it('enqueue fails after the put: 503, then the provider retry queues it and it is processed', async () => {
    const h2 = await createHarness();
    const source = config.sources.find((s) => s.name === 'github')!;
    const sample = await sampleWebhook(source, h2.secrets.github!, { url: urlFor(source) });
    // Fault injection at the domain's queue port: SQS refusing a message cannot be produced
    // on demand in the emulator, so this queue throws once the store has accepted the event.
    const refusing: EventQueue = {
      send: async () => {
        throw new Error('SQS unavailable (injected)');
      },
    };
    const failed = await handleIngress(webhookEvent(source, sample), h2.receiveDeps({ queue: refusing }));
    expect(failed.statusCode).toBe(503);
    expect(parse(failed)).toMatchObject({ error: { code: 'temporarily_unavailable' } });
    expect(await h2.store.get('github', sample.eventId)).toMatchObject({ status: 'received' });
    expect(await h2.queueDepth(h2.resources.inbound.queueUrl)).toBe(0);

    const retried = await handleIngress(webhookEvent(source, sample), h2.receiveDeps());
    expect(retried.statusCode).toBe(200);
    expect(parse(retried)).toEqual({ received: true, id: sample.eventId, duplicate: false });
    expect(await h2.queueDepth(h2.resources.inbound.queueUrl)).toBe(1);
    await runProcessor(h2, h2.processDeps(), async () => (await h2.store.get('github', sample.eventId))?.status === 'processed');
  });

  it('the body write fails beside the record put: 503, the lease given back, then the retry writes the body and it is processed from it', async () => {
    const h2 = await createHarness();
    const source = config.sources.find((s) => s.name === 'github')!;
    const sample = await sampleWebhook(source, h2.secrets.github!, { url: urlFor(source) });
    // DynamoDB Local never throttles, so this one fault is injected: a middleware on a real
    // client refuses the body item's put, as a throttled partition would; the record's put reaches the emulator.
    const throttled = localClients({ dynamodb: inject('dynamoEndpoint'), sqs: inject('sqsEndpoint') });
    throttled.dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        const sk = (args.input as { Item?: { sk?: { S?: string } | string } }).Item?.sk;
        if (context.commandName === 'PutItemCommand' && (typeof sk === 'string' ? sk : sk?.S) === 'BODY') {
          throw new ProvisionedThroughputExceededException({ message: 'throughput exceeded (injected)', $metadata: {} });
        }
        return next(args);
      },
      { step: 'initialize', name: 'throttle-body-writes' },
    );
    const store = new DynamoDbEventStore(throttled.documents, h2.resources.tableName);
    const failed = await handleIngress(webhookEvent(source, sample), h2.receiveDeps({ store }));
    expect(failed.statusCode).toBe(503);
    expect(await h2.queueDepth(h2.resources.inbound.queueUrl)).toBe(0);
    const stranded = await h2.store.get('github', sample.eventId);
    expect(stranded).toMatchObject({ status: 'received' });
    expect(stranded!.body).toMatchObject({ kind: 'inline' });
    expect((stranded!.body as { data: Uint8Array }).data.length).toBe(0);

    // The provider's retry, at once (the lease was given back): the body is written, then queued.
    const retried = await handleIngress(webhookEvent(source, sample), h2.receiveDeps());
    expect(retried.statusCode).toBe(200);
    expect(parse(retried)).toEqual({ received: true, id: sample.eventId, duplicate: false });
    let seen: Buffer | undefined;
    const handlers = new HandlerRegistry().on('github', '*', async (event) => {
      seen = event.body;
    });
    await runProcessor(h2, h2.processDeps({ handlers }), async () => (await h2.store.get('github', sample.eventId))?.status === 'processed');
    expect(seen?.equals(sample.body)).toBe(true);

    // The record is small (no body: each status update costs one write unit); the body is its own item.
    const key = { pk: `EVENT#github#${sample.eventId}` };
    const record = await h2.clients.documents.send(new GetCommand({ TableName: h2.resources.tableName, Key: { ...key, sk: 'EVENT' } }));
    const body = await h2.clients.documents.send(new GetCommand({ TableName: h2.resources.tableName, Key: { ...key, sk: 'BODY' } }));
    expect(record.Item).toBeDefined();
    expect(record.Item!.body).toBeUndefined();
    expect(body.Item!.body).toBeDefined();
  });

  it('a poison record goes to the DLQ while its batch-mates are processed', async () => {
    const fast = parseConfig({ ...shippedConfigDocument(), inbound: { maxReceiveCount: 2, processorTimeoutSeconds: 1, maxBatchingWindowSeconds: 0 } });
    const h2 = await createHarness({ config: fast });
    const source = fast.sources.find((s) => s.name === 'github')!;
    const samples = await Promise.all(Array.from({ length: 4 }, () => sampleWebhook(source, h2.secrets.github!, { url: urlFor(source), eventType: 'push' })));
    const poison = await sampleWebhook(source, h2.secrets.github!, { url: urlFor(source), eventType: 'poison' });
    for (const s of [...samples, poison]) expect((await handleIngress(webhookEvent(source, s), h2.receiveDeps())).statusCode).toBe(200);

    const handlers = new HandlerRegistry().on('github', 'poison', async () => {
      throw new Error('handler crashed (test)');
    });
    await runProcessor(h2, h2.processDeps({ handlers }), async () => (await h2.queueDepth(h2.resources.inbound.deadLetterQueueUrl)) === 1, 30_000);
    for (const s of samples) expect((await h2.store.get('github', s.eventId))?.status).toBe('processed');
    expect(await h2.store.get('github', poison.eventId)).toMatchObject({ status: 'failed', deadLettered: true, attempts: 2 });
    const [dead] = await h2.receive(h2.resources.inbound.deadLetterQueueUrl);
    expect(JSON.parse(dead!.Body!)).toEqual({ source: 'github', eventId: poison.eventId });
  });

  it('an authentic but malformed event is marked failed and dead-lettered at once', async () => {
    const h2 = await createHarness();
    const source = config.sources.find((s) => s.name === 'stripe')!;
    // A subscription event whose object lacks the fields the sample handler requires.
    const bad = await sampleWebhook(source, h2.secrets.stripe!, { url: urlFor(source), eventType: 'customer.subscription.updated' });
    const body = JSON.parse(bad.body.toString()) as { data: { object: Record<string, unknown> } };
    body.data.object = { id: 'sub_broken' };
    const resigned = signStripe(Buffer.from(JSON.stringify(body)), h2.secrets.stripe!);
    expect((await handleIngress(webhookEvent(source, resigned), h2.receiveDeps())).statusCode).toBe(200);
    await runProcessor(h2, h2.processDeps(), async () => (await h2.store.get('stripe', bad.eventId))?.status === 'failed');
    expect(await h2.store.get('stripe', bad.eventId)).toMatchObject({ status: 'failed', deadLettered: true, attempts: 1 });
    expect(await h2.queueDepth(h2.resources.inbound.deadLetterQueueUrl)).toBe(1);
    expect(await h2.queueDepth(h2.resources.inbound.queueUrl)).toBe(0);
  });

  it('applies subscription state in event order even when updated arrives before created', async () => {
    const h2 = await createHarness();
    const source = config.sources.find((s) => s.name === 'stripe')!;
    const subscription = { id: 'sub_order_1', object: 'subscription', customer: 'cus_1', status: 'active' };
    const created = stripeEvent('evt_created_1', 'customer.subscription.created', 1_700_000_000, { ...subscription, status: 'incomplete' });
    const updated = stripeEvent('evt_updated_1', 'customer.subscription.updated', 1_700_000_060, { ...subscription, status: 'active' });
    for (const event of [updated, created]) {
      expect((await handleIngress(webhookEvent(source, signStripe(event, h2.secrets.stripe!)), h2.receiveDeps())).statusCode).toBe(200);
      await runProcessor(h2, h2.processDeps({ handlers: new HandlerRegistry().on('stripe', 'customer.subscription.*', handleStripeSubscription) }), async () =>
        ['processed', 'failed'].includes((await h2.store.get('stripe', JSON.parse(event.toString()).id as string))?.status ?? ''),
      );
    }
    const state = await h2.entities.get(SUBSCRIPTION_ENTITY, 'sub_order_1');
    expect(state).toMatchObject({ version: 1_700_000_060, state: { status: 'active', lastEventId: 'evt_updated_1' } });
  });

  it('claim-checks a body larger than the item threshold to S3 and processes it from there', async () => {
    const h2 = await createHarness();
    const source = config.sources.find((s) => s.name === 'github')!;
    const big = await sampleWebhook(source, h2.secrets.github!, { url: urlFor(source) });
    const padded = Buffer.from(JSON.stringify({ ...JSON.parse(big.body.toString()), padding: randomText(300 * 1024) }));
    const { sign } = await import('@octokit/webhooks-methods');
    const headers = { ...big.headers, 'x-hub-signature-256': await sign(h2.secrets.github!, padded.toString()) };
    expect((await handleIngress(webhookEvent(source, { headers, body: padded }), h2.receiveDeps())).statusCode).toBe(200);
    const stored = await h2.store.get('github', big.eventId);
    expect(stored?.body.kind).toBe('object');
    let seen: Buffer | undefined;
    const handlers = new HandlerRegistry().on('github', '*', async (event) => {
      seen = event.body;
    });
    await runProcessor(h2, h2.processDeps({ handlers }), async () => (await h2.store.get('github', big.eventId))?.status === 'processed');
    expect(createHash('sha256').update(seen!).digest('hex')).toBe(createHash('sha256').update(padded).digest('hex'));
  });

  describe('refusals return the JSON error and store nothing', () => {
    it('404 for an unknown source', async () => {
      const response = await handleIngress(
        httpEvent({ path: '/webhooks/nope', pathParameters: { source: 'nope' }, headers: { 'content-type': 'application/json' }, body: '{}' }),
        h.receiveDeps(),
      );
      expect(response.statusCode).toBe(404);
      expect(parse(response)).toEqual({ error: { code: 'source_not_found', message: expect.any(String) } });
    });

    it('413 for a body over the maximum', async () => {
      const small = parseConfig({ ...shippedConfigDocument(), inbound: { maxBodyBytes: 2048 } });
      const h2 = await createHarness({ config: small });
      const source = small.sources.find((s) => s.name === 'github')!;
      const sample = await sampleWebhook(source, h2.secrets.github!, { url: urlFor(source) });
      const body = Buffer.concat([sample.body, Buffer.alloc(4096, 0x20)]);
      const response = await handleIngress(webhookEvent(source, { headers: sample.headers, body }), h2.receiveDeps());
      expect(response.statusCode).toBe(413);
      expect(parse(response)).toMatchObject({ error: { code: 'payload_too_large' } });
      expect(await h2.store.get('github', sample.eventId)).toBeUndefined();
    });

    it('400 for an authentic request without an event id', async () => {
      const source = config.sources.find((s) => s.name === 'github')!;
      const sample = await sampleWebhook(source, h.secrets.github!, { url: urlFor(source) });
      const { 'x-github-delivery': _id, ...headers } = sample.headers;
      const response = await handleIngress(webhookEvent(source, { headers, body: sample.body }), h.receiveDeps());
      expect(response.statusCode).toBe(400);
      expect(parse(response)).toMatchObject({ error: { code: 'malformed_event' } });
      expect(await h.store.get('github', sample.eventId)).toBeUndefined();
    });

    it('401 for a missing signature', async () => {
      const source = config.sources.find((s) => s.name === 'shopify')!;
      const sample = await sampleWebhook(source, h.secrets.shopify!, { url: urlFor(source) });
      const { 'x-shopify-hmac-sha256': _sig, ...headers } = sample.headers;
      const response = await handleIngress(webhookEvent(source, { headers, body: sample.body }), h.receiveDeps());
      expect(response.statusCode).toBe(401);
      expect(await h.store.get('shopify', sample.eventId)).toBeUndefined();
    });

    it('403 for a caller outside the source allow-list', async () => {
      const document = shippedConfigDocument() as { sources: Array<Record<string, unknown>> };
      document.sources = document.sources.map((s) => (s.name === 'github' ? { ...s, allowedCidrs: ['192.30.252.0/22', '2a0a:a440::/29'] } : s));
      const restricted = parseConfig(document);
      const h2 = await createHarness({ config: restricted });
      const source = restricted.sources.find((s) => s.name === 'github')!;
      const sample = await sampleWebhook(source, h2.secrets.github!, { url: urlFor(source) });
      const refused = await handleIngress(webhookEvent(source, sample, { sourceIp: '203.0.113.9' }), h2.receiveDeps());
      expect(refused.statusCode).toBe(403);
      expect(await h2.store.get('github', sample.eventId)).toBeUndefined();
      const allowed = await handleIngress(webhookEvent(source, sample, { sourceIp: '192.30.252.44' }), h2.receiveDeps());
      expect(allowed.statusCode).toBe(200);
    });
  });

  afterAll(() => {
    h?.clients.sqs.destroy();
  });
});

function shippedConfigDocument(): Record<string, unknown> {
  return JSON.parse(readFileSync('webhooks.config.json', 'utf8')) as Record<string, unknown>;
}

function stripeEvent(id: string, type: string, created: number, object: Record<string, unknown>): Buffer {
  return Buffer.from(JSON.stringify({ id, object: 'event', type, created, api_version: '2024-06-20', livemode: false, data: { object } }));
}

function signStripe(body: Buffer, secret: string): { headers: Record<string, string>; body: Buffer } {
  const header = Stripe.webhooks.generateTestHeaderString({ payload: body.toString(), secret });
  return { headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': header }, body };
}

function randomText(length: number): string {
  let text = '';
  while (text.length < length) text += Math.random().toString(36).slice(2);
  return text.slice(0, length);
}
