/**
 * Fan-out: a message goes to every enabled endpoint of its tenant subscribed to its type and
 * passing the endpoint's filter. The message is read and its payload loaded once; each
 * endpoint's filter and transform are evaluated once; each delivery is created with its first
 * attempt claimed and that attempt is made at once; only a delivery whose first attempt fails
 * starts a Step Functions retry execution. Safe to repeat: a delivery is created by one dispatch
 * only, and an execution name can be started once.
 */
import { expiresAfter } from '../store/ttl';
import { deferAttempt, sendAttempt, type DeliveryDeps } from './deliver';
import { admitAttempt } from './endpoint-throttle';
import { INLINE_BUDGET_MS, underSuspicion, watchSlowness } from './isolation';
import type { Delivery, Endpoint, Message } from './model';
import { loadPayload, type PreparedAttempt } from './prepare';
import { recordRefusal, type AttemptResult } from './record';
import type { RetryScheduler } from './retry-scheduler';
import { retryExecutionName } from './retry-state-machine';
import { ExpressionError, matchingEndpoints, shapePayload } from './routing';
import { timeOf } from '../clock';

export interface DispatchDeps extends DeliveryDeps {
  readonly scheduler: RetryScheduler;
  /** Endpoints to consider (the caller may cache them for a few seconds). */
  readonly listEndpoints: () => Promise<readonly Endpoint[]>;
  /** Deliveries sent in parallel per message: one slow endpoint does not hold up the others. */
  readonly concurrency?: number;
  /**
   * A first attempt claimed longer ago than this, still `pending`, was cut off (the dispatcher
   * died): a redelivered dispatch makes it again.
   */
  readonly staleAttemptSeconds: number;
}

export type DispatchResult = AttemptResult | { readonly outcome: 'filtered' };

export interface DispatchSummary {
  readonly messageId: string;
  readonly results: ReadonlyArray<{ readonly endpointId: string; readonly result: DispatchResult }>;
}

/** What an endpoint receives of a message: its shaped payload, or why it cannot be shaped. */
type Shaped = { readonly kind: 'payload'; readonly payload: unknown } | { readonly kind: 'error'; readonly reason: string };

const FIRST_ATTEMPT_FROM = ['pending'] as const;

/** Dispatches a message by id, or one the caller has just stored (no read back). */
export async function dispatchMessage(deps: DispatchDeps, messageOrId: string | Message): Promise<DispatchSummary | undefined> {
  const message = typeof messageOrId === 'string' ? await deps.messages.getMessage(messageOrId) : messageOrId;
  if (!message) return undefined;
  const payload = await loadPayload(message, deps.payloads);
  // A message addressed to one endpoint (a test send) goes there only, read afresh rather than
  // from the cached list, so a test of an endpoint created a moment ago reaches it.
  const candidates = message.endpointId
    ? [await deps.endpoints.get(message.endpointId)].filter((endpoint): endpoint is Endpoint => endpoint?.enabled === true)
    : matchingEndpoints(await deps.listEndpoints(), message);
  const results = await mapLimited(candidates, deps.concurrency ?? 16, async (endpoint) => {
    const shaped = await shape(endpoint, payload);
    return { endpointId: endpoint.id, result: shaped ? await deliverFirst(deps, message, endpoint, shaped) : ({ outcome: 'filtered' } as const) };
  });
  return { messageId: message.id, results };
}

/** The endpoint's filter and transform, evaluated once: `undefined` when the filter excludes the message. */
async function shape(endpoint: Endpoint, payload: unknown): Promise<Shaped | undefined> {
  try {
    const shaped = await shapePayload(endpoint, payload);
    return shaped && { kind: 'payload', payload: shaped.payload };
  } catch (error) {
    // A filter or transform failing at run time fails the delivery (recorded on it), without retries.
    if (error instanceof ExpressionError) return { kind: 'error', reason: error.message };
    throw error;
  }
}

async function deliverFirst(deps: DispatchDeps, message: Message, endpoint: Endpoint, shaped: Shaped): Promise<AttemptResult> {
  const now = timeOf(deps);
  const fresh: Delivery = {
    messageId: message.id,
    endpointId: endpoint.id,
    eventType: message.eventType,
    ...(message.tenantId ? { tenantId: message.tenantId } : {}),
    status: 'pending',
    attempts: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  const { delivery, created } = await deps.deliveries.createDelivery(fresh, expiresAfter(now, { days: deps.settings.retentionDays }));
  const attempt = created ? 1 : await resumableAttempt(deps, delivery, now);
  if (typeof attempt !== 'number') return attempt;
  const ref = { messageId: message.id, endpointId: endpoint.id };
  if (shaped.kind === 'error') return recordRefusal(deps, ref, { attempt, from: FIRST_ATTEMPT_FROM }, shaped.reason, now);
  // An endpoint failing or slow gets no inline attempt (it would hold this invocation and the
  // endpoints after it): the deliver task makes attempt 1 in an invocation of its own.
  const admission = underSuspicion(endpoint) ? ({ kind: 'wait', waitSeconds: 0 } as const) : await admitAttempt(deps, endpoint.id, endpoint);
  // The endpoint's limits: a first attempt held back is given back and waits in the retry schedule.
  if (admission.kind === 'wait') {
    const deferred = await deferAttempt(deps, ref, { attempt, from: FIRST_ATTEMPT_FROM }, admission);
    if (deferred.outcome === 'deferred') await startSchedule(deps, ref, deferred.waitSeconds, deferred.notBefore);
    return deferred;
  }
  try {
    const prepared: PreparedAttempt = {
      delivery: ref,
      endpoint,
      trigger: 'scheduled',
      from: FIRST_ATTEMPT_FROM,
      payload: shaped.payload,
      ...(admission.sendAt !== undefined ? { sendAt: admission.sendAt } : {}),
      budgetMs: INLINE_BUDGET_MS,
    };
    const result = await watchSlowness(deps, endpoint, () => sendAttempt(deps, prepared, attempt));
    if (result.outcome === 'retry') await startSchedule(deps, ref, result.waitSeconds);
    if (result.outcome === 'deferred') await startSchedule(deps, ref, result.waitSeconds, result.notBefore);
    return result;
  } finally {
    await admission.release();
  }
}

/**
 * A delivery an earlier dispatch created: the number of a first attempt to make again (it was
 * cut off), or the result to report without sending.
 */
async function resumableAttempt(deps: DispatchDeps, delivery: Delivery, now: Date): Promise<number | AttemptResult> {
  const ref = { messageId: delivery.messageId, endpointId: delivery.endpointId };
  if (delivery.status === 'retrying' && delivery.attempts <= 1) {
    // The first attempt was made (or held back by the endpoint's limits, attempts 0), but the
    // dispatcher may have died before starting the schedule.
    const waitSeconds = delivery.nextAttemptAt ? Math.max(0, Math.floor((Date.parse(delivery.nextAttemptAt) - now.getTime()) / 1000)) : 0;
    if (delivery.attempts === 0) {
      const notBefore = delivery.nextAttemptAt ? Date.parse(delivery.nextAttemptAt) : undefined;
      await startSchedule(deps, ref, waitSeconds, notBefore);
      return { outcome: 'deferred', waitSeconds, ...(notBefore ? { notBefore } : {}) };
    }
    await startSchedule(deps, ref, waitSeconds);
    return { outcome: 'retry', attempt: 1, waitSeconds };
  }
  if (delivery.status === 'pending' && Date.parse(delivery.updatedAt) < now.getTime() - deps.staleAttemptSeconds * 1000) {
    const attempt = await deps.deliveries.beginAttempt(ref, FIRST_ATTEMPT_FROM, now, { onlyIfUpdatedAt: delivery.updatedAt });
    if (attempt !== undefined) return attempt;
  }
  return { outcome: 'skipped', status: delivery.status };
}

async function startSchedule(deps: DispatchDeps, ref: { messageId: string; endpointId: string }, waitSeconds: number, notBefore?: number): Promise<void> {
  await deps.scheduler.start(retryExecutionName(ref.messageId, ref.endpointId), { ...ref, waitSeconds, ...(notBefore ? { notBefore } : {}) });
}

async function mapLimited<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  });
  await Promise.all(workers);
  return results;
}
