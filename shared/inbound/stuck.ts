/**
 * When an accepted event counts as stuck: recorded `queued` or `processing`, and unchanged for
 * longer than its queue message could still be on its way. Every receive of the message by the
 * processor changes the record (the lease, then the attempt's end), and SQS receives a message at
 * most `maxReceiveCount` times, each receive hiding it for the visibility timeout, before it moves
 * it to the dead-letter queue. A record unchanged for longer than all of those receives plus
 * one more visibility timeout has lost its message (an emulator that forgot it, a purge, a
 * message past its retention): nothing will ever process it unless it is queued again, which
 * the processor's lease makes harmless even when the message was not lost after all.
 */
import type { GatewayConfig } from '../config/schema';
import { inboundQueueSettings } from '../queue/settings';
import type { InboundEvent } from './event-store';

/** How long an ingress request may hold the right to enqueue before a retry (or the reconciler) may take it over. */
export const ENQUEUE_LEASE_MS = 15_000;

/** How long a `queued` or `processing` record may stay unchanged before it counts as stuck. */
export function stuckAfterMs(config: GatewayConfig): number {
  const queue = inboundQueueSettings(config.service, config.inbound);
  return queue.visibilityTimeoutSeconds * (queue.maxReceiveCount + 1) * 1000;
}

/**
 * True when `event` was accepted (queued) but has not moved for longer than `stuckAfterMs`.
 *
 * @example
 * if (isStuck(existing, now, config)) await queue.send({ source, eventId });
 */
export function isStuck(event: Pick<InboundEvent, 'status' | 'updatedAt'>, now: Date, config: GatewayConfig): boolean {
  if (event.status !== 'queued' && event.status !== 'processing') return false;
  const updated = Date.parse(event.updatedAt);
  return Number.isFinite(updated) && now.getTime() - updated > stuckAfterMs(config);
}
