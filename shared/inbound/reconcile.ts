/**
 * The reconciler: finds accepted events whose queue message is gone and queues them again.
 *
 * An event is stuck when its record says `received` and no ingress request holds its enqueue
 * lease any more (the writer died between the record and the queue), or says `queued` or
 * `processing` and has not changed for longer than `stuckAfterMs` (shared/inbound/stuck.ts:
 * every receive of its message would have changed it). Queuing such an event again is harmless
 * even when its message was not lost after all: the processor's lease lets one copy process it.
 *
 * Finding them reads no whole table: per source, one query of the index by source and received
 * time (`gsi1`, keys only) over the window of records that can be stuck now, `[now - lookback,
 * now - ENQUEUE_LEASE_MS)`, and a BatchGetItem of the records it names (what the console's event
 * listing reads). A record's last change comes at most `stuckAfterMs` after it was received (its
 * message's receives), and it counts as stuck `stuckAfterMs` after that change, so the lookback,
 * twice `stuckAfterMs` plus two schedule periods, sees every stuck record at least one run
 * (README, "Reconciler").
 */
import type { GatewayConfig } from '../config/schema';
import type { EventQueue } from './event-queue';
import type { EventIntake, EventQueries, InboundEventSummary } from './event-store';
import { ENQUEUE_LEASE_MS, isStuck, stuckAfterMs } from './stuck';

/** How often the reconciler runs in AWS (the schedule's rate). */
export const RECONCILE_INTERVAL_MINUTES = 5;
/** Records read per index page. */
const PAGE_SIZE = 100;

export interface ReconcileDeps {
  readonly config: GatewayConfig;
  readonly store: Pick<EventQueries, 'list'> & Pick<EventIntake, 'claimEnqueue' | 'markQueued'>;
  readonly queue: Pick<EventQueue, 'send'>;
  readonly now?: () => Date;
  /** Names this run as the holder of the enqueue leases it takes. */
  readonly owner: string;
}

export interface ReconciledEvent {
  readonly source: string;
  readonly eventId: string;
  /** The status it was stuck in. */
  readonly status: InboundEventSummary['status'];
}

export interface ReconcileResult {
  /** Records read (in the window, any status). */
  readonly examined: number;
  readonly reconciled: readonly ReconciledEvent[];
}

/** The received-time window the reconciler reads: `[since, until)`. */
export function reconcileWindow(config: GatewayConfig, now: Date): { since: string; until: string } {
  const lookbackMs = 2 * stuckAfterMs(config) + 2 * RECONCILE_INTERVAL_MINUTES * 60_000;
  return { since: new Date(now.getTime() - lookbackMs).toISOString(), until: new Date(now.getTime() - ENQUEUE_LEASE_MS).toISOString() };
}

/**
 * One run: every source's window read, each stuck event queued again.
 *
 * @example
 * const { reconciled } = await reconcileStuckEvents({ config, store, queue, owner: context.awsRequestId });
 */
export async function reconcileStuckEvents(deps: ReconcileDeps): Promise<ReconcileResult> {
  const now = deps.now?.() ?? new Date();
  const window = reconcileWindow(deps.config, now);
  let examined = 0;
  const reconciled: ReconciledEvent[] = [];
  for (const source of deps.config.sources) {
    let cursor: string | undefined;
    do {
      const page = await deps.store.list(source.name, { ...window, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) });
      examined += page.events.length;
      for (const event of page.events) {
        if (await requeueIfStuck(deps, event, now)) reconciled.push({ source: event.source, eventId: event.eventId, status: event.status });
      }
      cursor = page.nextCursor;
    } while (cursor);
  }
  return { examined, reconciled };
}

async function requeueIfStuck(deps: ReconcileDeps, event: InboundEventSummary, now: Date): Promise<boolean> {
  if (event.status === 'received') {
    // Only when no ingress request holds the right to queue it (a provider's retry may be queuing it now).
    const claimed = await deps.store.claimEnqueue(event.source, event.eventId, { owner: deps.owner, nowMs: now.getTime(), enqueueLeaseMs: ENQUEUE_LEASE_MS });
    if (!claimed) return false;
    await deps.queue.send({ source: event.source, eventId: event.eventId });
    await deps.store.markQueued(event.source, event.eventId, now);
    return true;
  }
  if (!isStuck(event, now, deps.config)) return false;
  await deps.queue.send({ source: event.source, eventId: event.eventId });
  return true;
}
