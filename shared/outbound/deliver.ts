/**
 * One attempt of one delivery: shape the payload for the endpoint, sign the exact bytes, send,
 * log the attempt, and decide what comes next (done, retry after N seconds, failed for good,
 * exhausted). Used by the dispatcher (first attempt), the deliver function (scheduled retries)
 * and manual retries.
 */
import type { OutboundSettings } from '../config/schema';
import type { PayloadStore } from '../store/payload-store';
import type { EndpointStore } from './endpoint-store';
import type { HttpSender } from './http-sender';
import type { MessageStore } from './message-store';
import type { Attempt, AttemptTrigger, Delivery, DeliveryStatus, Endpoint, Message } from './model';
import { ExpressionError, shapePayload } from './routing';
import { maxAttempts, secondsUntilNextAttempt } from './retry-schedule';
import { signatureHeaders } from './signing';

/** Status changes worth telling operators about (logs, metrics, the live stream). */
export type DeliveryEvent =
  | { readonly type: 'delivery.attempted'; readonly attempt: Attempt }
  | { readonly type: 'delivery.succeeded'; readonly messageId: string; readonly endpointId: string; readonly attempts: number; readonly statusCode: number; readonly durationMs: number }
  | { readonly type: 'delivery.failed'; readonly messageId: string; readonly endpointId: string; readonly reason: string }
  | { readonly type: 'delivery.exhausted'; readonly messageId: string; readonly endpointId: string; readonly attempts: number }
  | { readonly type: 'endpoint.disabled'; readonly endpointId: string; readonly reason: string };

export interface DeliveryDeps {
  readonly endpoints: EndpointStore;
  readonly messages: MessageStore;
  readonly payloads: PayloadStore;
  readonly sender: HttpSender;
  readonly settings: OutboundSettings;
  /** The schedule in force (the config's, or DELIVERY_RETRY_SCHEDULE's). */
  readonly schedule: readonly number[];
  readonly onEvent?: (event: DeliveryEvent) => void | Promise<void>;
  readonly now?: () => Date;
  readonly random?: () => number;
}

export type AttemptResult =
  | { readonly outcome: 'succeeded'; readonly attempt: number }
  | { readonly outcome: 'retry'; readonly attempt: number; readonly waitSeconds: number }
  | { readonly outcome: 'failed'; readonly reason: string }
  | { readonly outcome: 'exhausted'; readonly attempt: number }
  /** Nothing was sent: the delivery had moved on (finished, or attempted by someone else). */
  | { readonly outcome: 'skipped'; readonly status?: DeliveryStatus };

export interface AttemptRequest {
  readonly messageId: string;
  readonly endpointId: string;
  readonly trigger: AttemptTrigger;
  /** Delivery statuses this attempt may start from. */
  readonly from: readonly DeliveryStatus[];
  /**
   * The attempt number already claimed by the caller (the dispatcher creates a delivery with its
   * first attempt claimed); otherwise the next number is taken here with a conditional write.
   */
  readonly claimed?: number;
  /** What the caller has already read, to save reads. */
  readonly preloaded?: { readonly delivery?: Delivery; readonly endpoint?: Endpoint; readonly message?: Message; readonly payload?: unknown };
}

/** What an attempt records in place of the value of a header the endpoint configured. */
export const ENDPOINT_HEADER_NOT_RECORDED = '(endpoint header; value not recorded)';

const ATTEMPT_HEADERS_KEPT = /^(content-type|user-agent|webhook-id|webhook-timestamp|x-webhook-id|x-wss-timestamp)$/;

/** Loads a message's payload (inline JSON or claim-checked object). */
export async function loadPayload(message: Message, payloads: PayloadStore): Promise<unknown> {
  const json = message.payload.kind === 'inline' ? message.payload.json : Buffer.from(await payloads.get(message.payload.key)).toString('utf8');
  return JSON.parse(json) as unknown;
}

export async function attemptDelivery(deps: DeliveryDeps, request: AttemptRequest): Promise<AttemptResult> {
  const now = () => deps.now?.() ?? new Date();
  const { messageId, endpointId, preloaded = {} } = request;
  const delivery = preloaded.delivery ?? (await deps.messages.getDelivery(messageId, endpointId));
  if (!delivery || !request.from.includes(delivery.status)) return { outcome: 'skipped', ...(delivery ? { status: delivery.status } : {}) };

  const endpoint = preloaded.endpoint ?? (await deps.endpoints.get(endpointId));
  const message = preloaded.message ?? (await deps.messages.getMessage(messageId));
  if (!endpoint || !endpoint.enabled || !message) {
    const reason = !message ? 'message expired' : !endpoint ? 'endpoint deleted' : `endpoint disabled: ${endpoint.disabledReason ?? 'disabled'}`;
    return fail(deps, messageId, endpointId, reason, now());
  }

  let shaped: { payload: unknown } | undefined;
  try {
    shaped = await shapePayload(endpoint, 'payload' in preloaded ? preloaded.payload : await loadPayload(message, deps.payloads));
  } catch (error) {
    if (error instanceof ExpressionError) return fail(deps, messageId, endpointId, error.message, now());
    throw error;
  }
  if (!shaped) return fail(deps, messageId, endpointId, 'excluded by the endpoint filter', now());

  const attempt = request.claimed ?? (await deps.messages.beginAttempt(messageId, endpointId, request.from, now()));
  if (attempt === undefined) return { outcome: 'skipped' };

  const startedAt = now();
  const body = Buffer.from(JSON.stringify(shaped.payload ?? null), 'utf8');
  const headers = {
    // The endpoint's own headers first: none may be a signature header (refused when set).
    ...endpoint.headers,
    ...signatureHeaders(endpoint.signatureScheme, {
      messageId,
      timestamp: Math.floor(startedAt.getTime() / 1000),
      body,
      secrets: liveSecrets(endpoint, startedAt),
    }),
  };
  const response = await deps.sender.send({ url: endpoint.url, headers, body, timeoutMs: deps.settings.timeoutSeconds * 1000 });
  const verdict = judge(response.statusCode, deps.settings);
  const finishedAt = now();
  const waitSeconds =
    verdict === 'retry'
      ? secondsUntilNextAttempt(attempt, {
          schedule: deps.schedule,
          jitter: deps.settings.jitter,
          maxRetryAfterSeconds: deps.settings.maxRetryAfterSeconds,
          ...(response.retryAfterSeconds !== undefined ? { retryAfterSeconds: response.retryAfterSeconds } : {}),
          ...(deps.random ? { random: deps.random } : {}),
        })
      : undefined;
  const nextAttemptAt = waitSeconds === undefined ? undefined : new Date(finishedAt.getTime() + waitSeconds * 1000).toISOString();

  const record: Attempt = {
    messageId,
    endpointId,
    attempt,
    at: startedAt.toISOString(),
    trigger: request.trigger,
    outcome: verdict === 'success' ? 'succeeded' : 'failed',
    statusCode: response.statusCode,
    responseBody: response.responseBody,
    durationMs: response.durationMs,
    ...(response.error ? { error: response.error } : {}),
    ...(nextAttemptAt && request.trigger === 'scheduled' ? { nextAttemptAt } : {}),
    requestHeaders: {
      ...Object.fromEntries(Object.entries({ 'content-type': 'application/json', ...headers }).filter(([name]) => ATTEMPT_HEADERS_KEPT.test(name))),
      // The endpoint's headers often carry a credential: their names only.
      ...Object.fromEntries(Object.keys(endpoint.headers ?? {}).map((name) => [name, ENDPOINT_HEADER_NOT_RECORDED])),
    },
    url: endpoint.url,
  };
  await deps.messages.recordAttempt(record, expiry(finishedAt, deps.settings.retentionDays));
  await deps.onEvent?.({ type: 'delivery.attempted', attempt: record });

  if (verdict === 'success') {
    await deps.messages.setDeliveryStatus(messageId, endpointId, 'succeeded', { now: finishedAt, lastStatusCode: response.statusCode });
    await deps.endpoints.recordSuccess(endpoint);
    await deps.onEvent?.({ type: 'delivery.succeeded', messageId, endpointId, attempts: attempt, statusCode: response.statusCode, durationMs: response.durationMs });
    return { outcome: 'succeeded', attempt };
  }

  const reason = response.error ?? `HTTP ${response.statusCode}`;
  if (verdict === 'gone') {
    await disableEndpoint(deps, endpointId, 'the endpoint answered 410 Gone', finishedAt);
    await deps.messages.setDeliveryStatus(messageId, endpointId, 'failed', { now: finishedAt, lastStatusCode: response.statusCode, lastError: reason });
    await deps.onEvent?.({ type: 'delivery.failed', messageId, endpointId, reason: '410 Gone' });
    return { outcome: 'failed', reason: '410 Gone' };
  }

  await noteEndpointFailure(deps, endpoint, finishedAt);
  if (request.trigger === 'manual') {
    // A manual attempt does not start a schedule: the delivery keeps the status it had.
    await deps.messages.setDeliveryStatus(messageId, endpointId, delivery.status, { now: finishedAt, lastStatusCode: response.statusCode, lastError: reason });
    return { outcome: 'failed', reason };
  }
  if (verdict === 'permanent') {
    await deps.messages.setDeliveryStatus(messageId, endpointId, 'failed', { now: finishedAt, lastStatusCode: response.statusCode, lastError: reason, nextAttemptAt: null });
    await deps.onEvent?.({ type: 'delivery.failed', messageId, endpointId, reason });
    return { outcome: 'failed', reason };
  }
  if (waitSeconds === undefined || attempt >= maxAttempts(deps.schedule)) {
    await deps.messages.setDeliveryStatus(messageId, endpointId, 'exhausted', { now: finishedAt, lastStatusCode: response.statusCode, lastError: reason, nextAttemptAt: null });
    await deps.onEvent?.({ type: 'delivery.exhausted', messageId, endpointId, attempts: attempt });
    return { outcome: 'exhausted', attempt };
  }
  await deps.messages.setDeliveryStatus(messageId, endpointId, 'retrying', { now: finishedAt, lastStatusCode: response.statusCode, lastError: reason, ...(nextAttemptAt ? { nextAttemptAt } : {}) });
  return { outcome: 'retry', attempt, waitSeconds };
}

type Verdict = 'success' | 'retry' | 'gone' | 'permanent';

/**
 * 2xx succeeds. 410 Gone stops sending to the endpoint. 408, 429, 5xx, 3xx (redirects are not
 * followed) and network errors (status 0) are retried; other 4xx too unless
 * `retryClientErrors` is false.
 */
export function judge(statusCode: number, settings: Pick<OutboundSettings, 'retryClientErrors'>): Verdict {
  if (statusCode >= 200 && statusCode < 300) return 'success';
  if (statusCode === 410) return 'gone';
  if (statusCode === 0 || statusCode === 408 || statusCode === 429 || statusCode >= 500 || (statusCode >= 300 && statusCode < 400)) return 'retry';
  return settings.retryClientErrors ? 'retry' : 'permanent';
}

/** The current secret and any previous one still inside its rotation window. */
export function liveSecrets(endpoint: Pick<Endpoint, 'secrets'>, at: Date): string[] {
  return endpoint.secrets.filter((secret) => !secret.expiresAt || Date.parse(secret.expiresAt) > at.getTime()).map((secret) => secret.secret);
}

function expiry(at: Date, retentionDays: number): number {
  return Math.floor(at.getTime() / 1000) + retentionDays * 86_400;
}

async function fail(deps: DeliveryDeps, messageId: string, endpointId: string, reason: string, at: Date): Promise<AttemptResult> {
  await deps.messages.setDeliveryStatus(messageId, endpointId, 'failed', { now: at, lastError: reason, nextAttemptAt: null });
  await deps.onEvent?.({ type: 'delivery.failed', messageId, endpointId, reason });
  return { outcome: 'failed', reason };
}

async function disableEndpoint(deps: DeliveryDeps, endpointId: string, reason: string, at: Date): Promise<void> {
  if (await deps.endpoints.disable(endpointId, reason, at)) await deps.onEvent?.({ type: 'endpoint.disabled', endpointId, reason });
}

/** Disables an endpoint whose failures have lasted `disableAfterDays` without a success. */
async function noteEndpointFailure(deps: DeliveryDeps, endpoint: Endpoint, at: Date): Promise<void> {
  const failingSince = endpoint.failingSince ?? (await deps.endpoints.recordFailure(endpoint.id, at));
  if (!failingSince) return;
  const failingMs = at.getTime() - Date.parse(failingSince);
  if (failingMs >= deps.settings.disableAfterDays * 86_400_000) {
    await disableEndpoint(deps, endpoint.id, `failing for ${deps.settings.disableAfterDays} days without a success`, at);
  }
}
