/**
 * Event types and the patterns that select them, for inbound handlers and outbound
 * subscriptions alike: an exact type (`invoice.paid`), a `prefix.*` wildcard (`invoice.*` matches
 * `invoice.paid` and `invoice.payment.failed`, not `invoice` or `invoices.x`), or `*` for all.
 */

/** An event type: letters, digits and `. _ : / -`, at most 200 characters. */
export const EVENT_TYPE = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$/;

/** True for an event type, a `prefix.*` wildcard over one, or `*`. */
export function isEventTypePattern(value: string): boolean {
  return value === '*' || EVENT_TYPE.test(value.endsWith('.*') ? value.slice(0, -2) : value);
}

/**
 * How specifically `pattern` selects `eventType`: -1 when it does not, otherwise higher for a
 * closer pattern (an exact type above every wildcard, a longer prefix above a shorter one, `*`
 * lowest at 0).
 *
 * @example
 * matchSpecificity('invoice.*', 'invoice.paid'); // 9
 * matchSpecificity('*', 'invoice.paid');         // 0
 * matchSpecificity('order.*', 'invoice.paid');   // -1
 */
export function matchSpecificity(pattern: string, eventType: string): number {
  if (pattern === eventType) return Number.MAX_SAFE_INTEGER;
  if (pattern === '*') return 0;
  if (pattern.endsWith('.*') && eventType.startsWith(pattern.slice(0, -1))) return pattern.length;
  return -1;
}

/** True when `pattern` selects `eventType`. */
export function matchesEventType(pattern: string, eventType: string): boolean {
  return matchSpecificity(pattern, eventType) >= 0;
}
