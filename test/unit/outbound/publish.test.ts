/**
 * Publishing, on in-memory stores: a message is stored once and queued for the dispatcher; an
 * idempotency key or a caller's id makes a repeat return the same message; a queue that refuses
 * leaves the message stored for the repeat to queue; relay publishes only what someone subscribes to.
 */
import { describe, expect, it } from 'vitest';
import { DependencyError } from '../../../shared/errors';
import { publishMessage, relayMessageId } from '../../../shared/outbound/publish';
import { relayInboundEvent } from '../../../shared/outbound/relay';
import { outboundWorld } from '../../fakes/outbound-world';

describe('publishing a message', () => {
  it('stores it with a new time-ordered id and queues it for the dispatcher', async () => {
    const w = outboundWorld();
    const { message, created } = await publishMessage(w.publish, { eventType: 'invoice.paid', payload: { id: 'in_1' }, tenantId: 'acme' });
    expect(created).toBe(true);
    expect(message).toMatchObject({
      id: expect.stringMatching(/^msg_[a-z0-9]+$/),
      eventType: 'invoice.paid',
      tenantId: 'acme',
      payload: { kind: 'inline', json: '{"id":"in_1"}' },
    });
    expect(await w.messages.getMessage(message.id)).toEqual(message);
    expect(w.queue.sent).toEqual([{ kind: 'dispatch', messageId: message.id }]);
  });

  it('keeps a payload above claimCheckBytes in the payload store', async () => {
    const w = outboundWorld({ settings: { claimCheckBytes: 1024 } });
    const { message } = await publishMessage(w.publish, { eventType: 'report.ready', payload: { blob: 'x'.repeat(2000) } });
    expect(message.payload).toEqual({ kind: 'object', key: `outbound/${message.id}` });
    expect(JSON.parse(Buffer.from(await w.payloads.get(`outbound/${message.id}`)).toString())).toEqual({ blob: 'x'.repeat(2000) });
  });

  it('returns the same message for a repeated idempotency key within 24 h, queued again, and a new one after', async () => {
    const w = outboundWorld();
    const first = await publishMessage(w.publish, { eventType: 'order.paid', payload: { id: 1 }, idempotencyKey: 'k-1' });
    const again = await publishMessage(w.publish, { eventType: 'order.paid', payload: { id: 1 }, idempotencyKey: 'k-1' });
    expect(again).toEqual({ message: first.message, created: false });
    expect(w.queue.sent).toHaveLength(2);
    w.advance(24 * 3600 + 1);
    expect((await publishMessage(w.publish, { eventType: 'order.paid', payload: { id: 1 }, idempotencyKey: 'k-1' })).message.id).not.toBe(first.message.id);
  });

  it('stores the message even when the queue refuses, and a repeat queues it', async () => {
    const w = outboundWorld();
    w.queue.refuse();
    const input = { eventType: 'order.paid', payload: { id: 2 }, idempotencyKey: 'k-2' };
    await expect(publishMessage(w.publish, input)).rejects.toBeInstanceOf(DependencyError);
    w.queue.accept();
    const repeat = await publishMessage(w.publish, input);
    expect(repeat.created).toBe(false);
    expect(w.queue.sent).toEqual([{ kind: 'dispatch', messageId: repeat.message.id }]);
  });

  it('dispatches in process instead of queueing when the caller dispatches itself', async () => {
    const w = outboundWorld();
    const dispatched: string[] = [];
    const { message } = await publishMessage({ ...w.publish, dispatch: async (m) => void dispatched.push(m.id) }, { eventType: 'a.b', payload: {} });
    expect(dispatched).toEqual([message.id]);
    expect(w.queue.sent).toEqual([]);
  });
});

describe('relaying an inbound event', () => {
  const event = { source: 'github', eventId: 'delivery-1', eventType: 'push', payload: { ref: 'main' } };

  it('publishes <source>.<type> under an id derived from the event, once however often it is relayed', async () => {
    const w = outboundWorld();
    await w.addEndpoint({ eventTypes: ['github.*'] });
    const relay = { ...w.publish, listEndpoints: () => w.endpoints.listAll() };
    expect(await relayInboundEvent(relay, event)).toBe('published');
    expect(await relayInboundEvent(relay, event)).toBe('published');
    const id = relayMessageId('github', 'delivery-1');
    expect(await w.messages.getMessage(id)).toMatchObject({ eventType: 'github.push', payload: { kind: 'inline', json: '{"ref":"main"}' } });
    expect(w.queue.sent).toEqual([
      { kind: 'dispatch', messageId: id },
      { kind: 'dispatch', messageId: id },
    ]);
  });

  it('publishes nothing, and stores no message, when no enabled endpoint subscribes', async () => {
    const w = outboundWorld();
    await w.addEndpoint({ eventTypes: ['billing.*'] });
    await w.addEndpoint({ eventTypes: ['github.*'], enabled: false });
    expect(await relayInboundEvent({ ...w.publish, listEndpoints: () => w.endpoints.listAll() }, event)).toBe('no_subscribers');
    expect(await w.messages.getMessage(relayMessageId('github', 'delivery-1'))).toBeUndefined();
    expect(w.queue.sent).toEqual([]);
  });
});
