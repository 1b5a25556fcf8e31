/**
 * Processing one queued event: take the lease, run the handler, record the outcome. Safe under
 * SQS's at-least-once delivery: a processed event is never leased again, and a crashed attempt's
 * lease lapses so a later delivery can retry it.
 */
import { randomUUID } from 'node:crypto';
import { GatewayError, MalformedEventError } from '../errors';
import type { EntityStateStore } from './entity-state';
import type { EventQueue, QueuedEvent } from './event-queue';
import type { EventProcessing, InboundEvent } from './event-store';
import type { HandlerRegistry } from './handlers/registry';
import { toWebhookEvent, type WebhookEvent } from './webhook-event';
import type { PayloadStore } from '../store/payload-store';
import { timeOf, type Clocked } from '../clock';

export interface ProcessDeps extends Clocked {
  readonly store: EventProcessing;
  readonly payloads: PayloadStore;
  readonly entities: EntityStateStore;
  readonly handlers: HandlerRegistry;
  /** Where events that can never be processed go at once. */
  readonly deadLetters: EventQueue;
  /** Receives after which the queue dead-letters a message (the redrive policy's maxReceiveCount). */
  readonly maxReceiveCount: number;
  /** How long a processing attempt may hold the event: longer than the function's timeout. */
  readonly leaseMs: number;
  /** Called after the handler succeeded, before the event is marked processed (outbound relay). */
  readonly afterHandled?: (event: WebhookEvent) => Promise<void>;
}

/** A processing lease outlives the function's timeout, so two attempts never overlap. */
export function processingLeaseMs(processorTimeoutSeconds: number): number {
  return (processorTimeoutSeconds + 10) * 1000;
}

export type ProcessOutcome =
  | { readonly kind: 'processed'; readonly event: InboundEvent; readonly handled: boolean }
  | { readonly kind: 'already_processed' }
  | { readonly kind: 'missing' }
  | { readonly kind: 'dead_lettered'; readonly event: InboundEvent; readonly reason: string }
  | { readonly kind: 'lease_lost'; readonly event: InboundEvent };

/** Another attempt holds a live lease on the event; the message should come back later. */
export class EventBusyError extends GatewayError {
  override readonly name: string = 'EventBusyError';
  readonly code = 'event_busy';
}

/** A handler failed; the message returns to the queue (and is dead-lettered after the last receive). */
export class HandlerFailedError extends GatewayError {
  override readonly name: string = 'HandlerFailedError';
  readonly code = 'handler_failed';
  constructor(
    message: string,
    readonly finalAttempt: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Processes one message from the inbound queue. Resolves when the message may be deleted;
 * throws (`EventBusyError`, `HandlerFailedError`, or a dependency's error) when it must return to
 * the queue.
 *
 * @param receiveCount SQS's `ApproximateReceiveCount` for this delivery.
 */
export async function processQueuedEvent(deps: ProcessDeps, message: QueuedEvent, receiveCount: number): Promise<ProcessOutcome> {
  const now = timeOf(deps);
  const owner = randomUUID();
  const lease = await deps.store.acquireLease(message.source, message.eventId, {
    owner,
    now,
    leaseMs: deps.leaseMs,
    ...(message.replay ? { replay: true } : {}),
  });
  if (!lease.acquired) {
    if (!lease.current) return { kind: 'missing' };
    if (lease.current.status === 'processed') return { kind: 'already_processed' };
    throw new EventBusyError(`event is ${lease.current.status} in another attempt`);
  }
  const record = lease.event;

  let event: WebhookEvent;
  try {
    event = await toWebhookEvent(record, deps.payloads);
    const handler = deps.handlers.find(record.source, record.eventType);
    if (handler) await handler(event, { entities: deps.entities, now });
    await deps.afterHandled?.(event);
    const completed = await deps.store.markProcessed(record.source, record.eventId, owner, timeOf(deps));
    return completed ? { kind: 'processed', event: record, handled: handler !== undefined } : { kind: 'lease_lost', event: record };
  } catch (error) {
    const reason = describe(error);
    const failedAt = timeOf(deps);
    if (error instanceof MalformedEventError) {
      // Authentic but unprocessable: retrying cannot help. Record it, dead-letter it, ack it.
      await deps.store.markAttemptFailed(record.source, record.eventId, owner, { now: failedAt, error: reason, terminal: true, deadLettered: true });
      await deps.deadLetters.send(message);
      return { kind: 'dead_lettered', event: record, reason };
    }
    // The queue redelivers until maxReceiveCount, then moves the message to its DLQ.
    const finalAttempt = receiveCount >= deps.maxReceiveCount;
    await deps.store.markAttemptFailed(record.source, record.eventId, owner, {
      now: failedAt,
      error: reason,
      terminal: finalAttempt,
      deadLettered: finalAttempt,
    });
    throw new HandlerFailedError(`handler failed: ${reason}`, finalAttempt, { cause: error });
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
