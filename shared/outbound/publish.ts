/**
 * Publishing a message: store it once (an idempotency key, or a deterministic id for relayed
 * inbound events, makes a repeated publish return the same message), then queue it for the
 * dispatcher. A repeated publish of a message not yet dispatched queues it again, which the
 * dispatcher's conditional writes make harmless.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { OutboundSettings } from '../config/schema';
import { DependencyError } from '../errors';
import type { PayloadStore } from '../store/payload-store';
import { expiresAfter } from '../store/ttl';
import type { MessageStore } from './message-store';
import type { Message } from './model';
import type { OutboundQueue } from './outbound-queue';
import { timeOf, type Clocked } from '../clock';

export interface PublishDeps extends Clocked {
  readonly messages: MessageStore;
  readonly payloads: PayloadStore;
  readonly queue: OutboundQueue;
  /**
   * Dispatches the stored message in this process instead of queueing it (the dispatcher does
   * this for what internal producers send: one trip through the queue instead of two).
   */
  readonly dispatch?: (message: Message) => Promise<void>;
  readonly settings: Pick<OutboundSettings, 'retentionDays' | 'claimCheckBytes'>;
}

export interface PublishInput {
  readonly eventType: string;
  readonly payload: unknown;
  readonly tenantId?: string;
  readonly idempotencyKey?: string;
  /** A caller-chosen id (the relay's deterministic one). */
  readonly id?: string;
  /** Send to this endpoint only (a test send from the console). */
  readonly endpointId?: string;
}

const IDEMPOTENCY_WINDOW_SECONDS = 24 * 3600;

/** `msg_` + a time-ordered prefix + 80 random bits. */
export function newMessageId(now = new Date()): string {
  return `msg_${now.getTime().toString(36)}${randomBytes(10).toString('hex')}`;
}

/** The id a relayed inbound event is published under: the same event always maps to the same message. */
export function relayMessageId(source: string, eventId: string): string {
  return `msg_relay_${createHash('sha256').update(`${source}\u0000${eventId}`).digest('base64url').slice(0, 26)}`;
}

export async function publishMessage(deps: PublishDeps, input: PublishInput): Promise<{ message: Message; created: boolean }> {
  const now = timeOf(deps);
  const fresh = input.id ?? newMessageId(now);
  const id = input.idempotencyKey
    ? await deps.messages.claimIdempotencyKey(input.tenantId, input.idempotencyKey, fresh, now, IDEMPOTENCY_WINDOW_SECONDS)
    : fresh;
  // A new random id cannot exist yet; an id chosen by the caller or an earlier claim may.
  const existing = id === fresh && !input.id ? undefined : await deps.messages.getMessage(id);
  if (existing) {
    // Queued again in case the first publish stored it but could not queue it; the dispatcher
    // finds its deliveries already made and sends nothing new.
    await enqueue(deps, existing);
    return { message: existing, created: false };
  }

  const json = JSON.stringify(input.payload);
  const payload: Message['payload'] =
    Buffer.byteLength(json) > deps.settings.claimCheckBytes ? { kind: 'object', key: `outbound/${id}` } : { kind: 'inline', json };
  if (payload.kind === 'object') await deps.payloads.put(payload.key, Buffer.from(json), 'application/json');
  const message: Message = {
    id,
    eventType: input.eventType,
    payload,
    createdAt: now.toISOString(),
    ...(input.tenantId ? { tenantId: input.tenantId } : {}),
    ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
    ...(input.endpointId ? { endpointId: input.endpointId } : {}),
  };
  const created = await deps.messages.putMessage(message, expiresAfter(now, { days: deps.settings.retentionDays }));
  const stored = created ? message : ((await deps.messages.getMessage(id)) ?? message);
  await enqueue(deps, stored);
  return { message: stored, created };
}

async function enqueue(deps: PublishDeps, message: Message): Promise<void> {
  if (deps.dispatch) return deps.dispatch(message);
  try {
    await deps.queue.send({ kind: 'dispatch', messageId: message.id });
  } catch (error) {
    throw new DependencyError('the message was stored but could not be queued for delivery; publish it again', { cause: error });
  }
}
