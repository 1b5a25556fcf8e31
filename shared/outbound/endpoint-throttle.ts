/**
 * Per-endpoint delivery limits: `rateLimit` (deliveries per second) and `maxInFlight`
 * (requests open at once), holding across every dispatcher and deliver invocation because both
 * are kept in DynamoDB (the adapter is shared/store/dynamodb/endpoint-throttle.ts), never in a
 * function's memory.
 *
 * - **Rate: a reservation schedule (GCRA).** Each endpoint has one counter, the time its next
 *   delivery may go. A delivery reserves a slot by moving it on by `1000 / rateLimit` ms in one
 *   atomic update and goes at the slot it got: slots are handed out in the order deliveries ask
 *   (which is the order of publication as far as the queue keeps it), never two in one interval,
 *   and none is refused. A slot less than `HOLD_MS` away is waited for in the function; a later
 *   one is waited for in the Step Functions schedule (its `Wait` state, waking `LEAD_MS` early,
 *   then a hold in memory until the slot, after the reads and the claim, just before signing),
 *   carrying the reserved slot (`notBefore`) so that it is not reserved twice.
 * - **Late slots are not used.** A delivery reaching its reserved slot more than `LATE_MS` late
 *   reserves another, so that a slow function cannot bunch its request with those of later slots.
 *   What stands between the reservation and the request is only the in-memory hold: the reads
 *   and the attempt's claim come first, and an attempt claimed but then held back is given back
 *   (`DeliveryStore.returnAttempt`).
 * - **In flight: leases.** `maxInFlight` numbered lease items per endpoint; an attempt takes a
 *   free (or expired) one with a conditional put before it sends and deletes it after. A lease
 *   expires after the attempt's timeout, so a function that dies holding one does not shrink the
 *   endpoint's concurrency for long. With every lease taken, the delivery waits
 *   `IN_FLIGHT_WAIT_SECONDS` in the schedule and asks again.
 *
 * A wait is not an attempt: an attempt held back is given back unmade, so the retry schedule is not
 * consumed and nothing is recorded as failed.
 */
import { timeOf, type Clocked } from '../clock';

export interface EndpointLimits {
  /** Deliveries per second. */
  readonly rateLimit?: number;
  /** Requests open at once. */
  readonly maxInFlight?: number;
}

/** A held in-flight lease: which of the endpoint's lease items, and the holder's id. */
export interface InFlightLease {
  readonly slot: number;
  readonly holder: string;
}

/** The port: the endpoint's shared rate schedule and in-flight leases. */
export interface EndpointThrottle {
  /**
   * Reserves the endpoint's next send slot, `intervalMs` after the one before it (or now, when
   * the schedule is idle): the epoch ms at which this delivery may go.
   */
  reserve(endpointId: string, intervalMs: number, nowMs: number): Promise<number>;
  /** Takes one of the endpoint's `maxInFlight` leases until `expiresAtMs`; undefined when all are held. */
  acquire(endpointId: string, maxInFlight: number, nowMs: number, expiresAtMs: number): Promise<InFlightLease | undefined>;
  /** Gives a lease back (no-op when it has expired and another holder took it). */
  release(endpointId: string, lease: InFlightLease): Promise<void>;
}

/** The longest a function waits in memory for a slot it has just reserved; a later slot is waited for in the schedule. */
export const HOLD_MS = 1000;
/**
 * How early the schedule wakes a delivery before its slot, so that its reads and claim are done
 * by then: it then waits in memory for the rest, less than `HOLD_MS + LEAD_MS`.
 */
export const LEAD_MS = 500;
/**
 * A delivery that reaches its reserved slot later than this (its function was slow) does not use
 * it: sending late on an old slot would bunch it with the deliveries of the slots after it. It
 * reserves a new one.
 */
export const LATE_MS = 50;
/** How long a delivery finding every lease held waits before asking again. */
export const IN_FLIGHT_WAIT_SECONDS = 1;

export interface ThrottleDeps extends Clocked {
  readonly throttle: EndpointThrottle;
  /** The per-attempt HTTP timeout: a lease outlives it by a margin, then expires. */
  readonly settings: { readonly timeoutSeconds: number };
  /** Waits `ms` (injected in tests with a clock). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** May the attempt go (at `sendAt`, then `release` once it is done), or must it wait in the schedule? */
export type Admission =
  /** Go; at `sendAt` (epoch ms, less than `HOLD_MS` away) under a rate limit: the caller holds it until then with `holdForSlot`, just before signing. */
  | { readonly kind: 'go'; readonly sendAt?: number; readonly release: () => Promise<void> }
  /** Wait `waitSeconds` in the schedule; `notBefore` (epoch ms) is the slot already reserved for it, if any. */
  | { readonly kind: 'wait'; readonly waitSeconds: number; readonly notBefore?: number };

const NOTHING_HELD = async (): Promise<void> => undefined;

export function isLimited(limits: EndpointLimits): boolean {
  return limits.rateLimit !== undefined || limits.maxInFlight !== undefined;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Admits one attempt to `endpoint` under its limits. `reserved` is a slot reserved earlier for
 * this delivery (carried through the schedule): it is used instead of reserving another.
 *
 * @example
 * const admission = await admitAttempt(deps, endpoint.id, endpoint, input.notBefore);
 * if (admission.kind === 'wait') return { outcome: 'deferred', ...admission };
 * try { if ((await holdForSlot(deps, endpoint.id, rate, admission.sendAt)).kind === 'go') await send(); } finally { await admission.release(); }
 */
export async function admitAttempt(deps: ThrottleDeps, endpointId: string, limits: EndpointLimits, reserved?: number): Promise<Admission> {
  if (!isLimited(limits)) return { kind: 'go', release: NOTHING_HELD };
  let release: () => Promise<void> = NOTHING_HELD;
  if (limits.maxInFlight !== undefined) {
    const nowMs = timeOf(deps).getTime();
    const lease = await deps.throttle.acquire(endpointId, limits.maxInFlight, nowMs, nowMs + HOLD_MS + (deps.settings.timeoutSeconds + 30) * 1000);
    // Every lease held: ask again shortly (a reserved rate slot is kept if it is still ahead).
    if (!lease)
      return {
        kind: 'wait',
        waitSeconds: IN_FLIGHT_WAIT_SECONDS,
        ...(reserved && reserved > nowMs + IN_FLIGHT_WAIT_SECONDS * 1000 ? { notBefore: reserved } : {}),
      };
    release = () => deps.throttle.release(endpointId, lease);
  }
  if (limits.rateLimit === undefined) return { kind: 'go', release };
  // The rate slot last, just before the hold: nothing slow stands between the slot and the request.
  const slot = await takeSlot(deps, endpointId, limits.rateLimit, reserved);
  if (slot.kind === 'wait') {
    await release();
    return slot;
  }
  return { kind: 'go', sendAt: slot.at, release };
}

type Slot = { readonly kind: 'slot'; readonly at: number } | Extract<Admission, { kind: 'wait' }>;

/** The slot to send at: `reserved` while it is not stale, else a new one; a wait when it is too far to hold in memory. */
async function takeSlot(deps: ThrottleDeps, endpointId: string, rateLimit: number, reserved: number | undefined): Promise<Slot> {
  const onTime = reserved !== undefined && reserved + LATE_MS >= timeOf(deps).getTime() ? reserved : undefined;
  const at = onTime ?? (await deps.throttle.reserve(endpointId, 1000 / rateLimit, timeOf(deps).getTime()));
  const waitMs = at - timeOf(deps).getTime();
  if (waitMs >= (onTime === undefined ? HOLD_MS : HOLD_MS + LEAD_MS)) {
    return { kind: 'wait', waitSeconds: Math.max(0, Math.floor((waitMs - LEAD_MS) / 1000)), notBefore: at };
  }
  return { kind: 'slot', at };
}

/** Rounds of "woke late, reserve again" before an attempt goes anyway. */
const MAX_LATE_ROUNDS = 3;

/**
 * Waits in memory until the attempt's slot `sendAt`, just before signing. Woken more than
 * `LATE_MS` after it (the function stalled), it does not go on the stale slot, which would bunch
 * it with the slots after it, but reserves a new one: held for too, or a wait in the schedule.
 */
export async function holdForSlot(
  deps: ThrottleDeps,
  endpointId: string,
  rateLimit: number,
  sendAt: number,
): Promise<{ kind: 'go' } | Extract<Admission, { kind: 'wait' }>> {
  let at = sendAt;
  for (let round = 0; round < MAX_LATE_ROUNDS; round++) {
    const waitMs = at - timeOf(deps).getTime();
    if (waitMs > 0) await (deps.sleep ?? defaultSleep)(waitMs);
    if (timeOf(deps).getTime() <= at + LATE_MS) return { kind: 'go' };
    const slot = await takeSlot(deps, endpointId, rateLimit, undefined);
    if (slot.kind === 'wait') return slot;
    at = slot.at;
  }
  return { kind: 'go' };
}
