/**
 * The judge stage: what an attempt's response means for its delivery. Pure: the response, the
 * attempt's number and trigger, the settings and the schedule in; a verdict out.
 */
import type { OutboundSettings } from '../config/schema';
import type { DeliveryResult } from './http-sender';
import type { AttemptTrigger } from './model';
import { maxAttempts, secondsUntilNextAttempt } from './retry-schedule';

/** How a status code is taken, before the schedule is consulted. */
export type ResponseClass = 'success' | 'retry' | 'gone' | 'permanent';

/**
 * 2xx succeeds. 410 Gone stops sending to the endpoint. 408, 429, 5xx, 3xx (redirects are not
 * followed) and network errors (status 0) are retried; other 4xx too unless
 * `retryClientErrors` is false.
 */
export function judge(statusCode: number, settings: Pick<OutboundSettings, 'retryClientErrors'>): ResponseClass {
  if (statusCode >= 200 && statusCode < 300) return 'success';
  if (statusCode === 410) return 'gone';
  if (statusCode === 0 || statusCode === 408 || statusCode === 429 || statusCode >= 500 || (statusCode >= 300 && statusCode < 400)) return 'retry';
  return settings.retryClientErrors ? 'retry' : 'permanent';
}

/** What becomes of the delivery after one attempt. */
export type Verdict =
  | { readonly kind: 'succeeded' }
  /** 410 Gone: the endpoint is disabled at once and the delivery fails. */
  | { readonly kind: 'gone' }
  /** A client error that is not retried. */
  | { readonly kind: 'failed' }
  /** The schedule has no wait left. */
  | { readonly kind: 'exhausted' }
  | { readonly kind: 'retry'; readonly waitSeconds: number; readonly nextAttemptAt: string }
  /** A failed manual attempt: it starts no schedule, the delivery keeps its status. */
  | { readonly kind: 'manual_failed' };

export interface JudgeContext {
  /** The attempt's number (1 is the first). */
  readonly attempt: number;
  readonly trigger: AttemptTrigger;
  readonly finishedAt: Date;
  readonly settings: Pick<OutboundSettings, 'retryClientErrors' | 'retrySchedule' | 'jitter' | 'maxRetryAfterSeconds'>;
  readonly random?: () => number;
}

/**
 * @example
 * judgeAttempt({ statusCode: 503, durationMs: 12, responseBody: '' }, { attempt: 1, trigger: 'scheduled', finishedAt, settings });
 * // { kind: 'retry', waitSeconds: 5, nextAttemptAt: '…' }
 */
export function judgeAttempt(response: DeliveryResult, context: JudgeContext): Verdict {
  const taken = judge(response.statusCode, context.settings);
  if (taken === 'success') return { kind: 'succeeded' };
  if (taken === 'gone') return { kind: 'gone' };
  if (context.trigger === 'manual') return { kind: 'manual_failed' };
  if (taken === 'permanent') return { kind: 'failed' };
  const { settings } = context;
  const waitSeconds = secondsUntilNextAttempt(context.attempt, {
    schedule: settings.retrySchedule,
    jitter: settings.jitter,
    maxRetryAfterSeconds: settings.maxRetryAfterSeconds,
    ...(response.retryAfterSeconds !== undefined ? { retryAfterSeconds: response.retryAfterSeconds } : {}),
    ...(context.random ? { random: context.random } : {}),
  });
  if (waitSeconds === undefined || context.attempt >= maxAttempts(settings.retrySchedule)) return { kind: 'exhausted' };
  return { kind: 'retry', waitSeconds, nextAttemptAt: new Date(context.finishedAt.getTime() + waitSeconds * 1000).toISOString() };
}
