/**
 * Expiry times for DynamoDB's TTL attribute (whole Unix seconds): every record the gateway
 * writes says when it may go, computed here only.
 */

const DAY_SECONDS = 86_400;

/** Whole Unix seconds of `at`. */
export function epochSeconds(at: Date | number): number {
  return Math.floor((typeof at === 'number' ? at : at.getTime()) / 1000);
}

/**
 * The TTL value `days` (or `seconds`) after `at`.
 *
 * @example
 * expiresAfter(now, { days: config.inbound.retentionDays });
 * expiresAfter(now, { seconds: 24 * 3600 });
 */
export function expiresAfter(at: Date | number, period: { readonly days: number } | { readonly seconds: number }): number {
  return epochSeconds(at) + ('days' in period ? period.days * DAY_SECONDS : period.seconds);
}

/** `days` in milliseconds, for comparing durations. */
export function daysInMs(days: number): number {
  return days * DAY_SECONDS * 1000;
}
