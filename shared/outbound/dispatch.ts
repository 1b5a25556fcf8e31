/**
 * Fan-out: a message goes to every enabled endpoint of its tenant subscribed to its type (and
 * passing the endpoint's filter). Each delivery gets its first attempt at once; only a delivery
 * whose first attempt fails starts a Step Functions retry execution. Safe to repeat: a delivery
 * is created (with its first attempt claimed) by one dispatch only, and an execution name can be
 * started once.
 */
import type { DeliveryDeps } from './deliver';
import { attemptDelivery, loadPayload, type AttemptResult } from './deliver';
import type { Delivery, Endpoint, Message } from './model';
import type { RetryScheduler } from './retry-scheduler';
import { retryExecutionName } from './retry-state-machine';
import { ExpressionError, matchingEndpoints, shapePayload } from './routing';

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

/** Dispatches a message by id, or one the caller has just stored (no read back). */
export async function dispatchMessage(deps: DispatchDeps, messageOrId: string | Message): Promise<DispatchSummary | undefined> {
  const message = typeof messageOrId === 'string' ? await deps.messages.getMessage(messageOrId) : messageOrId;
  if (!message) return undefined;
  const messageId = message.id;
  const payload = await loadPayload(message, deps.payloads);
  // A message addressed to one endpoint (a test send) goes there only, read afresh rather than
  // from the cached list, so a test of an endpoint created a moment ago reaches it.
  const candidates = message.endpointId
    ? [await deps.endpoints.get(message.endpointId)].filter((endpoint): endpoint is Endpoint => endpoint?.enabled === true)
    : matchingEndpoints(await deps.listEndpoints(), message);

  const results = await mapLimited(candidates, deps.concurrency ?? 16, async (endpoint) => {
    if (endpoint.filter) {
      try {
        if (!(await shapePayload({ filter: endpoint.filter }, payload))) return { endpointId: endpoint.id, result: { outcome: 'filtered' as const } };
      } catch (error) {
        // A filter failing at run time is recorded on the delivery by the attempt below.
        if (!(error instanceof ExpressionError)) throw error;
      }
    }
    return { endpointId: endpoint.id, result: await deliverFirst(deps, message, endpoint, payload) };
  });
  return { messageId, results };
}

async function deliverFirst(deps: DispatchDeps, message: Message, endpoint: Endpoint, payload: unknown): Promise<AttemptResult> {
  const now = deps.now?.() ?? new Date();
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
  const { delivery, created } = await deps.messages.ensureDelivery(fresh, Math.floor(now.getTime() / 1000) + deps.settings.retentionDays * 86_400);
  const preloaded = { delivery, endpoint, message, payload };
  let result: AttemptResult;
  if (created) {
    result = await attemptDelivery(deps, { messageId: message.id, endpointId: endpoint.id, trigger: 'scheduled', from: ['pending'], claimed: 1, preloaded });
  } else if (delivery.status === 'retrying' && delivery.attempts === 1) {
    // An earlier dispatch made the first attempt but may have died before starting the schedule.
    const waitSeconds = delivery.nextAttemptAt ? Math.max(0, Math.ceil((Date.parse(delivery.nextAttemptAt) - now.getTime()) / 1000)) : 0;
    result = { outcome: 'retry', attempt: 1, waitSeconds };
  } else if (delivery.status === 'pending' && Date.parse(delivery.updatedAt) < now.getTime() - deps.staleAttemptSeconds * 1000) {
    const attempt = await deps.messages.beginAttempt(message.id, endpoint.id, ['pending'], now, { onlyIfUpdatedAt: delivery.updatedAt });
    if (attempt === undefined) return { outcome: 'skipped', status: delivery.status };
    result = await attemptDelivery(deps, { messageId: message.id, endpointId: endpoint.id, trigger: 'scheduled', from: ['pending'], claimed: attempt, preloaded });
  } else {
    return { outcome: 'skipped', status: delivery.status };
  }
  if (result.outcome === 'retry') {
    await deps.scheduler.start(retryExecutionName(message.id, endpoint.id), { messageId: message.id, endpointId: endpoint.id, waitSeconds: result.waitSeconds });
  }
  return result;
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
