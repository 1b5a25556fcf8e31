/**
 * Isolation: an endpoint that hangs or fails must not hold up first attempts to others. The
 * dispatcher makes first attempts inline, in the invocation that fans the message out, and that
 * invocation (its batch, its share of the queue's consumers) lasts as long as its slowest
 * attempt. So:
 *
 * - An endpoint **under suspicion** (failing: `failingSince`; or slow: `slowSince`) gets no inline
 *   first attempt: the delivery goes straight to its retry execution (wait 0), where the deliver
 *   task makes attempt 1 in an invocation of its own.
 * - An inline first attempt taking longer than `SLOW_ATTEMPT_MS` marks its endpoint slow (one
 *   write), so the dispatches after it leave that endpoint to the schedule; one still unanswered
 *   at `INLINE_BUDGET_MS` is cut off and handed to the schedule the same way, the attempt given
 *   back (not counted: the deliver task makes it again with the full timeout; the receiver may see
 *   the cut-off request too, with the same `webhook-id`).
 * - A quick success (under `SLOW_ATTEMPT_MS`) clears the slow mark; a success clears the failing one.
 */
import { timeOf, type Clocked } from '../clock';
import type { Endpoint } from './model';

/** An attempt slower than this marks its endpoint slow. */
export const SLOW_ATTEMPT_MS = 1000;
/** The longest the dispatcher waits for an inline first attempt before handing it to the schedule. */
export const INLINE_BUDGET_MS = 5000;

/** What isolation reads and writes of an endpoint. */
export interface EndpointSlowness {
  /** Marks the endpoint slow (no write when it already is). */
  markSlow(id: string, now: Date): Promise<void>;
  /** Clears the slow mark. */
  clearSlow(id: string): Promise<void>;
}

/** Whether the dispatcher leaves this endpoint's first attempts to the retry schedule. */
export function underSuspicion(endpoint: Pick<Endpoint, 'failingSince' | 'slowSince'>): boolean {
  return endpoint.failingSince !== undefined || endpoint.slowSince !== undefined;
}

/**
 * Runs one attempt, marking the endpoint slow if it is still running after `SLOW_ATTEMPT_MS`,
 * and clearing the mark after a quick success.
 *
 * @example
 * const result = await watchSlowness(deps, endpoint, () => sendAttempt(deps, prepared, attempt));
 */
export async function watchSlowness<R extends { readonly outcome: string }>(
  deps: { readonly endpoints: EndpointSlowness } & Clocked,
  endpoint: Pick<Endpoint, 'id' | 'slowSince'>,
  attempt: () => Promise<R>,
): Promise<R> {
  const started = Date.now();
  let marking: Promise<void> | undefined;
  const timer = endpoint.slowSince
    ? undefined
    : setTimeout(() => {
        marking = deps.endpoints.markSlow(endpoint.id, timeOf(deps)).catch(() => undefined);
      }, SLOW_ATTEMPT_MS);
  try {
    const result = await attempt();
    if (endpoint.slowSince && result.outcome === 'succeeded' && Date.now() - started < SLOW_ATTEMPT_MS) await deps.endpoints.clearSlow(endpoint.id);
    return result;
  } finally {
    clearTimeout(timer);
    await marking;
  }
}
