/** The time a rule acts at: the real clock, unless the caller injects one (the tests pin it). */

/** Dependencies that may carry their own clock. */
export interface Clocked {
  readonly now?: () => Date;
}

/**
 * @example
 * const at = timeOf(deps); // deps.now() when given, else the current time
 */
export function timeOf(deps: Clocked): Date {
  return deps.now?.() ?? new Date();
}
