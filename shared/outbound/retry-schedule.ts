/**
 * The retry schedule: after the immediate first attempt, wait `schedule[n - 1]` seconds (±jitter)
 * before attempt `n + 1`. With the default `5s, 5m, 30m, 2h, 5h, 10h, 14h, 20h, 24h` a delivery
 * gets 10 attempts over about three days.
 */

export interface NextAttemptOptions {
  readonly schedule: readonly number[];
  /** ±fraction of each wait. */
  readonly jitter: number;
  /** The receiver's Retry-After, in seconds, if it sent one. */
  readonly retryAfterSeconds?: number;
  readonly maxRetryAfterSeconds: number;
  readonly random?: () => number;
}

/**
 * Seconds to wait after attempt `attempt` (1-based) failed, or `undefined` when it was the last.
 * A `Retry-After` longer than the scheduled wait is honoured, up to `maxRetryAfterSeconds`.
 */
export function secondsUntilNextAttempt(attempt: number, options: NextAttemptOptions): number | undefined {
  const scheduled = options.schedule[attempt - 1];
  if (scheduled === undefined) return undefined;
  const random = options.random ?? Math.random;
  const jittered = Math.round(scheduled * (1 + options.jitter * (2 * random() - 1)));
  const retryAfter = options.retryAfterSeconds === undefined ? 0 : Math.min(options.retryAfterSeconds, options.maxRetryAfterSeconds);
  return Math.max(jittered, retryAfter, 0);
}

/** Total attempts a delivery gets: the first, then one per scheduled wait. */
export function maxAttempts(schedule: readonly number[]): number {
  return schedule.length + 1;
}
