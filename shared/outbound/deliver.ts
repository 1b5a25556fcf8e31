/**
 * One attempt of one delivery, in stages with typed hand-offs:
 *
 * ```
 *   prepare ──PreparedAttempt──▶ claim ──attempt n──▶ sign ──SignedDelivery──▶ send ──DeliveryResult──▶ judge ──Verdict──▶ record ──AttemptResult
 *   (prepare.ts)                 (delivery store)     (signing.ts)            (http-sender.ts)          (judge.ts)          (record.ts)
 * ```
 *
 * The deliver function (scheduled retries) and manual retries start at `prepare`; the fan-out
 * (dispatch.ts), which has read the message and endpoint and created the delivery with its first
 * attempt claimed, hands its `PreparedAttempt` straight to `sendAttempt`.
 */
import type { OutboundSettings } from '../config/schema';
import type { AttemptGuard, DeliveryRef, DeliveryStore } from './delivery-store';
import type { EndpointHealth } from './endpoint-store';
import type { HttpSender } from './http-sender';
import { admitAttempt, holdForSlot, type ThrottleDeps } from './endpoint-throttle';
import { watchSlowness } from './isolation';
import { judgeAttempt } from './judge';
import type { AttemptTrigger, DeliveryStatus } from './model';
import { prepareAttempt, type PrepareDeps, type PreparedAttempt } from './prepare';
import { recordOutcome, recordRefusal, type AttemptResult, type RecordDeps } from './record';
import { signDelivery } from './signing';
import { timeOf, type Clocked } from '../clock';

export type { AttemptResult, DeliveryEvent } from './record';
export { ENDPOINT_HEADER_NOT_RECORDED } from './record';

export interface DeliveryDeps extends PrepareDeps, RecordDeps, ThrottleDeps, Clocked {
  readonly deliveries: DeliveryStore;
  readonly endpoints: EndpointHealth;
  readonly sender: HttpSender;
  /** The outbound settings, the retry schedule in force among them. */
  readonly settings: OutboundSettings;
  readonly random?: () => number;
}

export interface AttemptRequest {
  readonly messageId: string;
  readonly endpointId: string;
  readonly trigger: AttemptTrigger;
  /** Delivery statuses this attempt may start from. */
  readonly from: readonly DeliveryStatus[];
  /** The endpoint's rate slot reserved for this delivery earlier (carried by the schedule). */
  readonly notBefore?: number;
}

/** A scheduled or manual attempt of an existing delivery: prepare, claim the next attempt, then send. */
export async function attemptDelivery(deps: DeliveryDeps, request: AttemptRequest): Promise<AttemptResult> {
  const ref = { messageId: request.messageId, endpointId: request.endpointId };
  const preparation = await prepareAttempt(deps, ref, request.from);
  if (preparation.kind === 'moved_on') return { outcome: 'skipped', ...(preparation.status ? { status: preparation.status } : {}) };
  if (preparation.kind === 'refused') {
    return recordRefusal(deps, ref, { attempt: preparation.delivery.attempts, from: request.from }, preparation.reason, timeOf(deps));
  }
  const attempt = await deps.deliveries.beginAttempt(ref, request.from, timeOf(deps));
  if (attempt === undefined) return { outcome: 'skipped' };
  // Scheduled attempts keep to the endpoint's limits; a manual one (an operator's) is not held back.
  const admission = request.trigger === 'scheduled' ? await admitAttempt(deps, ref.endpointId, preparation.prepared.endpoint, request.notBefore) : undefined;
  if (admission?.kind === 'wait') return deferAttempt(deps, ref, { attempt, from: request.from }, admission);
  try {
    const sendAt = admission?.sendAt !== undefined ? { sendAt: admission.sendAt } : {};
    const prepared = { ...preparation.prepared, trigger: request.trigger, from: request.from, ...sendAt };
    return await watchSlowness(deps, prepared.endpoint, () => sendAttempt(deps, prepared, attempt));
  } finally {
    await admission?.release();
  }
}

/**
 * An attempt claimed but held back by the endpoint's limits: given back unmade (not an attempt,
 * nothing logged), the delivery `retrying` until it may go.
 */
export async function deferAttempt(
  deps: DeliveryDeps,
  ref: DeliveryRef,
  guard: AttemptGuard,
  wait: { readonly waitSeconds: number; readonly notBefore?: number },
): Promise<AttemptResult> {
  const now = timeOf(deps);
  const nextAttemptAt = new Date(wait.notBefore ?? now.getTime() + wait.waitSeconds * 1000).toISOString();
  if (!(await deps.deliveries.returnAttempt(ref, guard, { now, nextAttemptAt }))) return { outcome: 'skipped' };
  return { outcome: 'deferred', waitSeconds: wait.waitSeconds, ...(wait.notBefore ? { notBefore: wait.notBefore } : {}) };
}

/** Sign, send, judge and record an attempt already claimed (number `attempt`). */
export async function sendAttempt(deps: DeliveryDeps, prepared: PreparedAttempt, attempt: number): Promise<AttemptResult> {
  // Held to the endpoint's rate slot here, after every read and claim: what follows the slot is only signing and sending.
  if (prepared.sendAt !== undefined && prepared.endpoint.rateLimit !== undefined) {
    const held = await holdForSlot(deps, prepared.endpoint.id, prepared.endpoint.rateLimit, prepared.sendAt);
    if (held.kind === 'wait') return deferAttempt(deps, prepared.delivery, { attempt, from: prepared.from }, held);
  }
  const signed = signDelivery(prepared.endpoint, prepared.delivery.messageId, prepared.payload, timeOf(deps));
  const timeoutMs = deps.settings.timeoutSeconds * 1000;
  const cutOffMs = prepared.budgetMs !== undefined && prepared.budgetMs < timeoutMs ? prepared.budgetMs : undefined;
  const response = await deps.sender.send({ url: signed.url, headers: signed.headers, body: signed.body, timeoutMs: cutOffMs ?? timeoutMs });
  if (cutOffMs !== undefined && response.statusCode === 0 && response.error === 'timeout') {
    // Over the inline budget: not an attempt; the deliver task makes it with the full timeout.
    await deps.endpoints.markSlow(prepared.endpoint.id, timeOf(deps));
    return deferAttempt(deps, prepared.delivery, { attempt, from: prepared.from }, { waitSeconds: 0 });
  }
  const finishedAt = timeOf(deps);
  const verdict = judgeAttempt(response, {
    attempt,
    trigger: prepared.trigger,
    finishedAt,
    settings: deps.settings,
    ...(deps.random ? { random: deps.random } : {}),
  });
  return recordOutcome(deps, { prepared, attempt, signed, response, verdict, finishedAt });
}
