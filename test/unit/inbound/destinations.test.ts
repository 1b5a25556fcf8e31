/**
 * Destinations on in-memory stores: each event reaches each of its source's destinations, each
 * outcome is marked on the record, a failed destination returns the event to the queue and only
 * it is sent again, and after the last receive the event is dead-lettered naming it.
 */
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { sourceDestinations } from '../../../functions/composition';
import { parseConfig } from '../../../shared/config/load';
import { resolveDestination, type DestinationInput } from '../../../shared/inbound/destinations/config';
import { deduplicationId, detailType } from '../../../shared/inbound/destinations/envelope';
import type { QueuedEvent } from '../../../shared/inbound/event-queue';
import type { NewInboundEvent } from '../../../shared/inbound/event-store';
import { HandlerRegistry } from '../../../shared/inbound/handlers/registry';
import { DestinationFailedError, HandlerFailedError, processQueuedEvent, type ProcessDeps } from '../../../shared/inbound/process';
import { InMemoryDestinationSender } from '../../fakes/destination-sender';
import { InMemoryEntityStateStore } from '../../fakes/entity-state-store';
import { InMemoryEventStore } from '../../fakes/event-store';
import { InMemoryPayloadStore } from '../../fakes/payload-store';
import { InMemoryQueue } from '../../fakes/queue';
import { loadContract } from '../../support/openapi';

const EVENT_SCHEMA_PATH = new URL('../../../schemas/destination-event.v1.json', import.meta.url);

const NOW = new Date('2026-03-01T10:00:00.000Z');
const JSON_TYPE = { 'content-type': 'application/json' };
const DESTINATIONS: DestinationInput[] = [
  { type: 'eventBridge', eventBusArn: 'arn:aws:events:eu-west-1:123456789012:event-bus/orders' },
  { type: 'sqs', queueArn: 'arn:aws:sqs:eu-west-1:123456789012:orders.fifo' },
  { type: 'sns', topicArn: 'arn:aws:sns:eu-west-1:123456789012:orders', name: 'fan-out' },
  { type: 'lambda', functionArn: 'arn:aws:lambda:eu-west-1:210987654321:function:on-order:live', roleArn: 'arn:aws:iam::210987654321:role/webhooks' },
];

function world(options: { claimChecked?: boolean } = {}) {
  const store = new InMemoryEventStore();
  const payloads = new InMemoryPayloadStore();
  const sender = new InMemoryDestinationSender();
  const deadLetters = new InMemoryQueue<QueuedEvent>();
  const destinations = DESTINATIONS.map(resolveDestination);
  const deps: ProcessDeps = {
    store,
    payloads,
    entities: new InMemoryEntityStateStore(),
    handlers: new HandlerRegistry(),
    deadLetters,
    maxReceiveCount: 3,
    leaseMs: 40_000,
    now: () => NOW,
    destinations: { sender, destinationsOf: (source) => (source === 'shop' ? destinations : []), payloadBucket: 'payload-bucket' },
  };
  const record = async (eventId: string) => {
    const body = Buffer.from('{"id":"o_1","total":12}');
    if (options.claimChecked) await payloads.put(`inbound/shop/${eventId}`, body);
    const event: NewInboundEvent = {
      source: 'shop',
      eventId,
      eventType: 'order.paid',
      receivedAt: NOW.toISOString(),
      headers: { 'content-type': 'application/json' },
      bodyBytes: body.length,
      body: options.claimChecked ? { kind: 'object', key: `inbound/shop/${eventId}` } : { kind: 'inline', encoding: 'identity', data: body },
    };
    await store.putNew(event, { owner: 'ingress', nowMs: NOW.getTime(), enqueueLeaseMs: 15_000, expiresAt: 0 });
    await store.markQueued('shop', eventId, NOW);
    return { source: 'shop', eventId } satisfies QueuedEvent;
  };
  return { deps, store, sender, deadLetters, record };
}

describe('destinations in the config', () => {
  it('names each destination after its resource unless named, and splits its ARN', () => {
    expect(DESTINATIONS.map(resolveDestination).map(({ name, region, account, resourceName }) => ({ name, region, account, resourceName }))).toEqual([
      { name: 'eventBridge-orders', region: 'eu-west-1', account: '123456789012', resourceName: 'orders' },
      { name: 'sqs-orders-fifo', region: 'eu-west-1', account: '123456789012', resourceName: 'orders.fifo' },
      { name: 'fan-out', region: 'eu-west-1', account: '123456789012', resourceName: 'orders' },
      { name: 'lambda-on-order', region: 'eu-west-1', account: '210987654321', resourceName: 'on-order' },
    ]);
  });

  it('refuses a malformed ARN, an unknown key, a duplicate name, and inline bodies too large for a destination', () => {
    const config =
      (source: Record<string, unknown>, inbound: Record<string, unknown> = {}) =>
      () =>
        parseConfig({ sources: [{ name: 'shop', provider: 'shopify', ...source }], inbound }, 'test');
    expect(config({ destinations: DESTINATIONS })).not.toThrow();
    expect(config({ destinations: [{ type: 'sqs', queueArn: 'orders' }] })).toThrow(/an ARN such as arn:aws:sqs/);
    expect(config({ destinations: [{ type: 'sns', topicArn: 'arn:aws:sns:eu-west-1:123456789012:t', filter: 'x' }] })).toThrow(/filter/);
    expect(
      config({
        destinations: [
          { type: 'sns', topicArn: 'arn:aws:sns:eu-west-1:123456789012:orders' },
          { type: 'sns', topicArn: 'arn:aws:sns:eu-west-1:210987654321:orders' },
        ],
      }),
    ).toThrow(/duplicate destination name "sns-orders"/);
    expect(config({ destinations: [{ type: 'lambda', functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:f', roleArn: 'role' }] })).toThrow(
      /IAM role ARN/,
    );
    expect(config({ destinations: DESTINATIONS }, { claimCheckBytes: 300 * 1024 })).toThrow(/claimCheckBytes.*256 KiB/s);
    expect(config({}, { claimCheckBytes: 300 * 1024 })).not.toThrow();
  });

  it("adds the construct's destinations (the processor's SOURCE_DESTINATIONS) to the config's, checked by the same schema", () => {
    const config = parseConfig(
      {
        sources: [
          { name: 'shop', provider: 'shopify', destinations: [DESTINATIONS[0]] },
          { name: 'gh', provider: 'github' },
        ],
      },
      'test',
    );
    const merged = sourceDestinations(config, JSON.stringify({ shop: [DESTINATIONS[2]], gh: [DESTINATIONS[1]] }));
    expect(merged?.get('shop')?.map((destination) => destination.name)).toEqual(['eventBridge-orders', 'fan-out']);
    expect(merged?.get('gh')?.map((destination) => destination.name)).toEqual(['sqs-orders-fifo']);
    expect(() => sourceDestinations(config, JSON.stringify({ shop: [{ type: 'sqs', queueArn: 'nope' }] }))).toThrow(/SOURCE_DESTINATIONS is invalid/);
    expect(sourceDestinations(parseConfig({ sources: [{ name: 'gh', provider: 'github' }] }, 'test'))).toBeUndefined();
  });

  it('keeps FIFO deduplication ids and detail types within what SQS, SNS and EventBridge accept', () => {
    expect(deduplicationId('evt_123')).toBe('evt_123');
    expect(deduplicationId('x'.repeat(129))).toMatch(/^[0-9a-f]{64}$/);
    expect(deduplicationId('id with spaces')).toMatch(/^[0-9a-f]{64}$/);
    expect(detailType('t'.repeat(200))).toHaveLength(128);
  });
});

describe('processing an event with destinations', () => {
  it('sends the versioned event to every destination and marks each delivered on the record', async () => {
    const { deps, store, sender, record } = world();
    expect(await processQueuedEvent(deps, await record('e-1'), 1)).toMatchObject({
      kind: 'processed',
      delivered: ['eventBridge-orders', 'sqs-orders-fifo', 'fan-out', 'lambda-on-order'],
    });
    expect(sender.to('eventBridge-orders')).toEqual([
      {
        version: '1',
        source: 'shop',
        eventId: 'e-1',
        eventType: 'order.paid',
        receivedAt: NOW.toISOString(),
        bodyBytes: 23,
        contentType: 'application/json',
        payload: { id: 'o_1', total: 12 },
      },
    ]);
    const stored = await store.get('shop', 'e-1');
    expect(stored?.status).toBe('processed');
    expect(stored?.destinations).toEqual({
      'eventBridge-orders': { status: 'delivered', at: NOW.toISOString(), attempts: 1 },
      'sqs-orders-fifo': { status: 'delivered', at: NOW.toISOString(), attempts: 1 },
      'fan-out': { status: 'delivered', at: NOW.toISOString(), attempts: 1 },
      'lambda-on-order': { status: 'delivered', at: NOW.toISOString(), attempts: 1 },
    });
  });

  it('names the body location instead of the payload for a claim-checked body', async () => {
    const { deps, sender, record } = world({ claimChecked: true });
    await processQueuedEvent(deps, await record('e-2'), 1);
    const [event] = sender.to('fan-out');
    expect(event).toMatchObject({ bodyLocation: { bucket: 'payload-bucket', key: 'inbound/shop/e-2' } });
    expect(event).not.toHaveProperty('payload');
  });

  it('sends events that match the documented, versioned DestinationEvent schema (openapi.yaml)', async () => {
    const contract = loadContract();
    for (const claimChecked of [false, true]) {
      const { deps, sender, record } = world({ claimChecked });
      await processQueuedEvent(deps, await record(`e-schema-${claimChecked}`), 1);
      for (const { event } of sender.sent) contract.checkComponent('DestinationEvent', { statusCode: 200, headers: JSON_TYPE, body: JSON.stringify(event) });
    }
    expect(() => contract.checkComponent('DestinationEvent', { statusCode: 200, headers: JSON_TYPE, body: JSON.stringify({ version: '2' }) })).toThrow();
  });

  it('sends events that match schemas/destination-event.v1.json, the same schema as the openapi.yaml component', async () => {
    const file = JSON.parse(readFileSync(EVENT_SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
    expect(file).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', $id: expect.stringMatching(/destination-event\.v1$/), version: '1' });
    const { $schema, $id, title, version, ...shape } = file;
    expect(shape).toEqual((loadContract().spec.components as { schemas: Record<string, unknown> }).schemas.DestinationEvent);

    const ajv = new Ajv2020({ allErrors: true });
    addFormats(ajv);
    ajv.addVocabulary(['version']);
    const validate = ajv.compile(file);
    let checked = 0;
    for (const claimChecked of [false, true]) {
      const { deps, sender, record } = world({ claimChecked });
      await processQueuedEvent(deps, await record(`e-file-${claimChecked}`), 1);
      for (const { destination, event } of sender.sent) {
        // As it crosses the wire: JSON.
        expect(validate(JSON.parse(JSON.stringify(event))), `${destination}: ${JSON.stringify(validate.errors)}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBe(2 * DESTINATIONS.length);
    expect(validate({ version: '2', source: 'shop', eventId: 'e', eventType: 't', receivedAt: NOW.toISOString(), bodyBytes: 0 })).toBe(false);
    expect(validate({ version: '1', source: 'shop', eventId: 'e', eventType: 't', receivedAt: 'yesterday', bodyBytes: 0 })).toBe(false);
  });

  it('returns the event to the queue when one destination fails, and sends only that one again', async () => {
    const { deps, store, sender, record } = world();
    sender.refuse('fan-out', new Error('Throttled'));
    const message = await record('e-3');
    const failure = await processQueuedEvent(deps, message, 1).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(HandlerFailedError);
    expect((failure as HandlerFailedError).message).toBe('destination(s) failed: fan-out (Error: Throttled)');
    expect(((failure as HandlerFailedError).cause as DestinationFailedError).destinations).toEqual(['fan-out']);
    expect(await store.get('shop', 'e-3')).toMatchObject({
      status: 'queued',
      lastError: expect.stringContaining('fan-out (Error: Throttled)'),
      destinations: { 'eventBridge-orders': { status: 'delivered' }, 'fan-out': { status: 'failed', attempts: 1, error: 'Error: Throttled' } },
    });
    sender.accept('fan-out');
    expect(await processQueuedEvent(deps, message, 2)).toMatchObject({ kind: 'processed', delivered: ['fan-out'] });
    expect(sender.sent.map((entry) => entry.destination)).toEqual(['eventBridge-orders', 'sqs-orders-fifo', 'lambda-on-order', 'fan-out']);
    expect((await store.get('shop', 'e-3'))?.destinations).toMatchObject({
      'fan-out': { status: 'delivered', attempts: 2 },
      'eventBridge-orders': { attempts: 1 },
    });
  });

  it('dead-letters the event naming the failed destinations on the last receive; a redrive sends only to them', async () => {
    const { deps, store, sender, deadLetters, record } = world();
    sender.refuse('lambda-on-order', new Error('AccessDenied'));
    const message = await record('e-4');
    await expect(processQueuedEvent(deps, message, 2)).rejects.toMatchObject({ finalAttempt: false, cause: expect.any(DestinationFailedError) });
    expect(await processQueuedEvent(deps, message, 3)).toMatchObject({ kind: 'dead_lettered', reason: expect.stringContaining('lambda-on-order') });
    expect(deadLetters.sent).toEqual([{ source: 'shop', eventId: 'e-4', destinations: ['lambda-on-order'] }]);
    expect(await store.get('shop', 'e-4')).toMatchObject({
      status: 'failed',
      deadLettered: true,
      destinations: { 'lambda-on-order': { status: 'failed', attempts: 2 } },
    });

    sender.accept('lambda-on-order');
    expect(await processQueuedEvent(deps, deadLetters.sent[0]!, 1)).toMatchObject({ kind: 'processed', delivered: ['lambda-on-order'] });
    expect(sender.to('eventBridge-orders')).toHaveLength(1);
    expect(sender.to('lambda-on-order')).toHaveLength(1);
  });

  it('sends a replayed event to every destination again', async () => {
    const { deps, sender, record } = world();
    const message = await record('e-5');
    await processQueuedEvent(deps, message, 1);
    await processQueuedEvent(deps, { ...message, replay: true }, 1);
    expect(sender.to('eventBridge-orders')).toHaveLength(2);
    expect(sender.to('lambda-on-order')).toHaveLength(2);
  });

  it('sends nothing for a source without destinations and writes no marks', async () => {
    const { deps, store, sender } = world();
    await store.putNew(
      {
        source: 'other',
        eventId: 'e-6',
        eventType: 't',
        receivedAt: NOW.toISOString(),
        headers: {},
        bodyBytes: 2,
        body: { kind: 'inline', encoding: 'identity', data: Buffer.from('{}') },
      },
      { owner: 'i', nowMs: NOW.getTime(), enqueueLeaseMs: 1, expiresAt: 0 },
    );
    expect(await processQueuedEvent(deps, { source: 'other', eventId: 'e-6' }, 1)).toMatchObject({ kind: 'processed' });
    expect(sender.sent).toEqual([]);
    expect((await store.get('other', 'e-6'))?.destinations).toBeUndefined();
  });
});
