/**
 * The record stage: an attempt's log entry, the delivery's transition (each guarded by the
 * attempt that made it), the endpoint's health, and the events operators see. Also the record of
 * an attempt refused before anything was sent.
 */
import type { OutboundSettings } from '../config/schema';
import { daysInMs, expiresAfter } from '../store/ttl';
import type { AttemptGuard, DeliveryRef, DeliveryStore } from './delivery-store';
import type { EndpointHealth } from './endpoint-store';
import { sendableHeaders } from './endpoint-headers';
import type { DeliveryResult } from './http-sender';
import type { Verdict } from './judge';
import type { Attempt, DeliveryStatus, Endpoint } from './model';
import type { PreparedAttempt } from './prepare';
import type { SignedDelivery } from './signing';

/** Status changes worth telling operators about (logs, metrics, the live stream). */
export type DeliveryEvent =
  | { readonly type: 'delivery.attempted'; readonly attempt: Attempt }
  | {
      readonly type: 'delivery.succeeded';
      readonly messageId: string;
      readonly endpointId: string;
      readonly attempts: number;
      readonly statusCode: number;
      readonly durationMs: number;
    }
  | { readonly type: 'delivery.failed'; readonly messageId: string; readonly endpointId: string; readonly reason: string }
  | { readonly type: 'delivery.exhausted'; readonly messageId: string; readonly endpointId: string; readonly attempts: number }
  /** `messageId`: the delivery whose attempt disabled it. */
  | { readonly type: 'endpoint.disabled'; readonly endpointId: string; readonly reason: string; readonly messageId?: string };

export type AttemptResult =
  | { readonly outcome: 'succeeded'; readonly attempt: number }
  | { readonly outcome: 'retry'; readonly attempt: number; readonly waitSeconds: number }
  | { readonly outcome: 'failed'; readonly reason: string }
  | { readonly outcome: 'exhausted'; readonly attempt: number }
  /** Nothing was recorded: the delivery had moved on (finished, or attempted by someone else). */
  | { readonly outcome: 'skipped'; readonly status?: DeliveryStatus }
  /**
   * Not attempted yet: the endpoint's rate or in-flight limit holds it back for `waitSeconds` (no
   * attempt claimed); `notBefore` is the rate slot reserved for it.
   */
  | { readonly outcome: 'deferred'; readonly waitSeconds: number; readonly notBefore?: number };

export interface RecordDeps {
  readonly deliveries: Pick<DeliveryStore, 'recordAttempt' | 'succeed' | 'scheduleRetry' | 'fail' | 'exhaust' | 'noteManualFailure'>;
  readonly endpoints: Pick<EndpointHealth, 'recordFailure' | 'recordSuccess' | 'disable'>;
  readonly settings: Pick<OutboundSettings, 'retentionDays' | 'disableAfterDays'>;
  readonly onEvent?: (event: DeliveryEvent) => void | Promise<void>;
}

/** One attempt, sent and judged: what the record stage writes from. */
export interface JudgedAttempt {
  readonly prepared: PreparedAttempt;
  readonly attempt: number;
  readonly signed: SignedDelivery;
  readonly response: DeliveryResult;
  readonly verdict: Verdict;
  readonly finishedAt: Date;
}

const ATTEMPT_HEADERS_KEPT = /^(content-type|user-agent|webhook-id|webhook-timestamp|x-webhook-id|x-wss-timestamp)$/;

/** What an attempt records in place of the value of a header the endpoint configured. */
export const ENDPOINT_HEADER_NOT_RECORDED = '(endpoint header; value not recorded)';

/** Logs the attempt, then applies its verdict. */
export async function recordOutcome(deps: RecordDeps, judged: JudgedAttempt): Promise<AttemptResult> {
  const logged = attemptEntry(judged);
  await deps.deliveries.recordAttempt(logged, expiresAfter(judged.finishedAt, { days: deps.settings.retentionDays }));
  await deps.onEvent?.({ type: 'delivery.attempted', attempt: logged });
  switch (judged.verdict.kind) {
    case 'succeeded':
      return recordSuccess(deps, judged);
    case 'gone':
      return recordGone(deps, judged);
    default:
      await noteEndpointFailure(deps, judged.prepared.endpoint, judged.finishedAt, judged.prepared.delivery.messageId);
      return recordFailure(deps, judged, judged.verdict);
  }
}

/** An attempt refused before a request was made: the delivery fails for good. */
export async function recordRefusal(deps: RecordDeps, ref: DeliveryRef, guard: AttemptGuard, reason: string, at: Date): Promise<AttemptResult> {
  if (!(await deps.deliveries.fail(ref, guard, { now: at, error: reason }))) return { outcome: 'skipped' };
  await deps.onEvent?.({ type: 'delivery.failed', ...ref, reason });
  return { outcome: 'failed', reason };
}

function attemptEntry({ prepared, attempt, signed, response, verdict }: JudgedAttempt): Attempt {
  return {
    ...prepared.delivery,
    attempt,
    at: signed.at.toISOString(),
    trigger: prepared.trigger,
    outcome: verdict.kind === 'succeeded' ? 'succeeded' : 'failed',
    statusCode: response.statusCode,
    responseBody: response.responseBody,
    durationMs: response.durationMs,
    ...(response.error ? { error: response.error } : {}),
    ...(verdict.kind === 'retry' ? { nextAttemptAt: verdict.nextAttemptAt } : {}),
    requestHeaders: {
      ...Object.fromEntries(Object.entries({ 'content-type': 'application/json', ...signed.headers }).filter(([name]) => ATTEMPT_HEADERS_KEPT.test(name))),
      // The endpoint's headers often carry a credential: their names only.
      ...Object.fromEntries(Object.keys(sendableHeaders(prepared.endpoint.headers)).map((name) => [name, ENDPOINT_HEADER_NOT_RECORDED])),
    },
    url: signed.url,
  };
}

const guardOf = (judged: JudgedAttempt): AttemptGuard => ({ attempt: judged.attempt, from: judged.prepared.from });
const reasonOf = (response: DeliveryResult): string => response.error ?? `HTTP ${response.statusCode}`;

async function recordSuccess(deps: RecordDeps, judged: JudgedAttempt): Promise<AttemptResult> {
  const { prepared, attempt, response, finishedAt } = judged;
  if (!(await deps.deliveries.succeed(prepared.delivery, guardOf(judged), { now: finishedAt, statusCode: response.statusCode }))) return { outcome: 'skipped' };
  await deps.endpoints.recordSuccess(prepared.endpoint);
  await deps.onEvent?.({
    type: 'delivery.succeeded',
    ...prepared.delivery,
    attempts: attempt,
    statusCode: response.statusCode,
    durationMs: response.durationMs,
  });
  return { outcome: 'succeeded', attempt };
}

async function recordGone(deps: RecordDeps, judged: JudgedAttempt): Promise<AttemptResult> {
  const { prepared, response, finishedAt } = judged;
  await disableEndpoint(deps, prepared.endpoint.id, 'the endpoint answered 410 Gone', finishedAt, prepared.delivery.messageId);
  const applied = await deps.deliveries.fail(prepared.delivery, guardOf(judged), {
    now: finishedAt,
    statusCode: response.statusCode,
    error: reasonOf(response),
  });
  if (!applied) return { outcome: 'skipped' };
  await deps.onEvent?.({ type: 'delivery.failed', ...prepared.delivery, reason: '410 Gone' });
  return { outcome: 'failed', reason: '410 Gone' };
}

async function recordFailure(deps: RecordDeps, judged: JudgedAttempt, verdict: Exclude<Verdict, { kind: 'succeeded' | 'gone' }>): Promise<AttemptResult> {
  const { prepared, attempt, response, finishedAt } = judged;
  const ref = prepared.delivery;
  const guard = guardOf(judged);
  const fields = { now: finishedAt, statusCode: response.statusCode, error: reasonOf(response) };
  switch (verdict.kind) {
    case 'manual_failed':
      if (!(await deps.deliveries.noteManualFailure(ref, guard, fields))) return { outcome: 'skipped' };
      return { outcome: 'failed', reason: fields.error };
    case 'failed':
      if (!(await deps.deliveries.fail(ref, guard, fields))) return { outcome: 'skipped' };
      await deps.onEvent?.({ type: 'delivery.failed', ...ref, reason: fields.error });
      return { outcome: 'failed', reason: fields.error };
    case 'exhausted':
      if (!(await deps.deliveries.exhaust(ref, guard, fields))) return { outcome: 'skipped' };
      await deps.onEvent?.({ type: 'delivery.exhausted', ...ref, attempts: attempt });
      return { outcome: 'exhausted', attempt };
    case 'retry':
      if (!(await deps.deliveries.scheduleRetry(ref, guard, { ...fields, nextAttemptAt: verdict.nextAttemptAt }))) return { outcome: 'skipped' };
      return { outcome: 'retry', attempt, waitSeconds: verdict.waitSeconds };
  }
}

async function disableEndpoint(deps: RecordDeps, endpointId: string, reason: string, at: Date, messageId: string): Promise<void> {
  if (await deps.endpoints.disable(endpointId, reason, at)) await deps.onEvent?.({ type: 'endpoint.disabled', endpointId, reason, messageId });
}

/** Disables an endpoint whose failures have lasted `disableAfterDays` without a success. */
async function noteEndpointFailure(deps: RecordDeps, endpoint: Endpoint, at: Date, messageId: string): Promise<void> {
  const failingSince = endpoint.failingSince ?? (await deps.endpoints.recordFailure(endpoint.id, at));
  if (!failingSince) return;
  if (at.getTime() - Date.parse(failingSince) >= daysInMs(deps.settings.disableAfterDays)) {
    await disableEndpoint(deps, endpoint.id, `failing for ${deps.settings.disableAfterDays} days without a success`, at, messageId);
  }
}
