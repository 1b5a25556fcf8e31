/**
 * Processing one queued event: take the lease, run the handler, record the outcome. Safe under
 * SQS's at-least-once delivery: a processed event is never leased again, and a crashed attempt's
 * lease lapses so a later delivery can retry it.
 */
import { randomUUID } from 'node:crypto';
import { GatewayError, MalformedEventError } from '../errors';
import type { EntityStateStore } from './entity-state';
import type { EventQueue, QueuedEvent } from './event-queue';
import type { DestinationMarks, EventProcessing, InboundEvent } from './event-store';
import { deliverToDestinations, type DestinationDeps } from './destinations/deliver';
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
  /** The sources' own AWS destinations (buses, queues, topics, functions), sent after the handler. */
  readonly destinations?: DestinationDeps;
}

/** A processing lease outlives the function's timeout, so two attempts never overlap. */
export function processingLeaseMs(processorTimeoutSeconds: number): number {
  return (processorTimeoutSeconds + 10) * 1000;
}

export type ProcessOutcome =
  | { readonly kind: 'processed'; readonly event: InboundEvent; readonly handled: boolean; readonly delivered?: readonly string[] }
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
 * Destinations failed to take the event; it returns to the queue (the ones delivered are not
 * sent again), and after the last receive it is dead-lettered naming them.
 */
export class DestinationFailedError extends GatewayError {
  override readonly name: string = 'DestinationFailedError';
  readonly code = 'destination_failed';
  constructor(
    readonly destinations: readonly string[],
    readonly marks: DestinationMarks,
  ) {
    super(
      `destination(s) failed: ${destinations
        .map((name) => {
          const mark = marks[name];
          return mark?.status === 'failed' ? `${name} (${mark.error})` : name;
        })
        .join(', ')}`,
    );
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
    const sent = deps.destinations
      ? await deliverToDestinations(deps.destinations, record, event, { now: () => timeOf(deps), ...(message.replay ? { replay: true } : {}) })
      : undefined;
    if (sent?.failed.length) throw new DestinationFailedError(sent.failed, sent.marks);
    const marks = sent && Object.keys(sent.marks).length ? sent.marks : undefined;
    const completed = await deps.store.markProcessed(record.source, record.eventId, owner, timeOf(deps), marks);
    return completed
      ? { kind: 'processed', event: record, handled: handler !== undefined, ...(sent?.delivered.length ? { delivered: sent.delivered } : {}) }
      : { kind: 'lease_lost', event: record };
  } catch (error) {
    const reason = describe(error);
    const failedAt = timeOf(deps);
    const destinations = error instanceof DestinationFailedError ? { destinations: error.marks } : {};
    if (error instanceof MalformedEventError) {
      // Authentic but unprocessable: retrying cannot help. Record it, dead-letter it, ack it.
      await deps.store.markAttemptFailed(record.source, record.eventId, owner, { now: failedAt, error: reason, terminal: true, deadLettered: true });
      await deps.deadLetters.send(message);
      return { kind: 'dead_lettered', event: record, reason };
    }
    // The queue redelivers until maxReceiveCount, then moves the message to its DLQ.
    const finalAttempt = receiveCount >= deps.maxReceiveCount;
    if (finalAttempt && error instanceof DestinationFailedError) {
      // Dead-lettered here rather than by the queue, so the dead letter names the destinations;
      // a redrive sends the event to those only (the others are marked delivered).
      await deps.store.markAttemptFailed(record.source, record.eventId, owner, {
        now: failedAt,
        error: reason,
        terminal: true,
        deadLettered: true,
        ...destinations,
      });
      await deps.deadLetters.send({ source: message.source, eventId: message.eventId, destinations: [...error.destinations] });
      return { kind: 'dead_lettered', event: record, reason };
    }
    await deps.store.markAttemptFailed(record.source, record.eventId, owner, {
      now: failedAt,
      error: reason,
      terminal: finalAttempt,
      deadLettered: finalAttempt,
      ...destinations,
    });
    const what = error instanceof DestinationFailedError ? error.message : `handler failed: ${reason}`;
    throw new HandlerFailedError(what, finalAttempt, { cause: error });
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
