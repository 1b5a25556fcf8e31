/**
 * The retry state machine (Step Functions **Standard**: executions may last days). One
 * execution per delivery that failed its first attempt, named after the message and endpoint so
 * it cannot start twice. It is a loop: wait, attempt, and wait again while the attempt asks for
 * it. The schedule, jitter and Retry-After are the deliver function's business (from the
 * config); the machine only waits the seconds it is told.
 *
 * No execution may leave its delivery `retrying` for ever: an attempt that keeps failing (the
 * deliver function erroring, throttled, timing out, or its task exceeding `attemptTimeoutSeconds`)
 * is caught and handed to `RecordFailure`, the same function with an `abandon` request, which
 * marks the delivery `failed` with the reason; the execution then ends in the `Abandoned` Fail
 * state, so the ExecutionsFailed alarm fires. If even that cannot be recorded, the execution
 * fails too (and alarms).
 *
 * Both the CDK construct and the local runtime (aws-local-stepfunctions) run this definition.
 */

/** Input of an execution and output of each attempt that asks for another. */
export interface RetryExecutionState {
  readonly messageId: string;
  readonly endpointId: string;
  /** Seconds to wait before the next attempt. */
  readonly waitSeconds: number;
  /**
   * The endpoint's rate-limit slot already reserved for this delivery (epoch ms): after the wait,
   * the attempt goes at this time without reserving another (shared/outbound/endpoint-throttle.ts).
   */
  readonly notBefore?: number;
}

/** What the deliver task returns: `retry` loops, anything else ends the execution. */
export type DeliverTaskOutput = (RetryExecutionState & { readonly outcome: 'retry' }) | { readonly outcome: 'done'; readonly status: string };

/** The error output Step Functions hands a `Catch` (`Error` and `Cause`, either may be absent). */
export interface TaskFailure {
  readonly Error?: string;
  readonly Cause?: string;
}

/** Input of the `RecordFailure` task: give up on the delivery and say why. */
export interface AbandonRequest {
  readonly kind: 'abandon';
  readonly messageId: string;
  readonly endpointId: string;
  readonly failure: TaskFailure;
}

export type DeliverTaskInput = RetryExecutionState | AbandonRequest;

export function isAbandonRequest(input: DeliverTaskInput): input is AbandonRequest {
  return (input as { kind?: unknown }).kind === 'abandon';
}

export const RETRY_STATES = {
  wait: 'WaitBeforeAttempt',
  attempt: 'Attempt',
  decide: 'AttemptAgain',
  done: 'Done',
  recordFailure: 'RecordFailure',
  abandoned: 'Abandoned',
} as const;

/** The error the execution fails with once its delivery was abandoned. */
export const ABANDONED_ERROR = 'DeliveryAbandoned';

export interface RetryDefinitionOptions {
  /**
   * Longest one attempt task may take before Step Functions gives up on it (`States.Timeout`):
   * longer than the deliver function's own timeout.
   */
  readonly attemptTimeoutSeconds: number;
}

const LAMBDA_SERVICE_ERRORS = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];

/**
 * @param deliverFunctionArn the deliver function (an ARN, or a CDK token for one).
 */
export function retryStateMachineDefinition(deliverFunctionArn: string, options: RetryDefinitionOptions): Record<string, unknown> {
  return {
    Comment:
      'Retries one outbound delivery on the configured schedule until it succeeds, fails for good, or is exhausted; an attempt that keeps failing marks the delivery failed.',
    StartAt: RETRY_STATES.wait,
    States: {
      [RETRY_STATES.wait]: { Type: 'Wait', SecondsPath: '$.waitSeconds', Next: RETRY_STATES.attempt },
      [RETRY_STATES.attempt]: {
        Type: 'Task',
        Resource: deliverFunctionArn,
        TimeoutSeconds: options.attemptTimeoutSeconds,
        Retry: [
          { ErrorEquals: LAMBDA_SERVICE_ERRORS, IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2 },
          { ErrorEquals: ['States.TaskFailed', 'States.Timeout'], IntervalSeconds: 30, MaxAttempts: 3, BackoffRate: 2 },
        ],
        // Anything left after the retries, whatever it is: the state's input (which always names
        // the delivery) is kept, and the error is added beside it.
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: RETRY_STATES.recordFailure }],
        Next: RETRY_STATES.decide,
      },
      [RETRY_STATES.decide]: {
        Type: 'Choice',
        Choices: [{ Variable: '$.outcome', StringEquals: 'retry', Next: RETRY_STATES.wait }],
        Default: RETRY_STATES.done,
      },
      [RETRY_STATES.done]: { Type: 'Succeed' },
      [RETRY_STATES.recordFailure]: {
        Type: 'Task',
        Resource: deliverFunctionArn,
        TimeoutSeconds: options.attemptTimeoutSeconds,
        Parameters: { kind: 'abandon', 'messageId.$': '$.messageId', 'endpointId.$': '$.endpointId', 'failure.$': '$.failure' },
        Retry: [
          { ErrorEquals: LAMBDA_SERVICE_ERRORS, IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2 },
          { ErrorEquals: ['States.ALL'], IntervalSeconds: 10, MaxAttempts: 5, BackoffRate: 2 },
        ],
        Next: RETRY_STATES.abandoned,
      },
      [RETRY_STATES.abandoned]: {
        Type: 'Fail',
        Error: ABANDONED_ERROR,
        Cause: 'The attempt task kept failing; the delivery was marked failed with the reason.',
      },
    },
  };
}

/** The reason recorded on a delivery abandoned after `failure`. */
export function abandonReason(failure: TaskFailure): string {
  const error = failure.Error || 'unknown error';
  const cause = typeof failure.Cause === 'string' && failure.Cause.length && failure.Cause !== error ? `: ${summariseCause(failure.Cause)}` : '';
  return `retry execution gave up: ${error}${cause}`.slice(0, 1000);
}

/** A Lambda error's Cause is JSON (`{"errorType","errorMessage",...}`); keep what a person reads. */
function summariseCause(cause: string): string {
  try {
    const parsed = JSON.parse(cause) as { errorType?: unknown; errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string')
      return typeof parsed.errorType === 'string' ? `${parsed.errorType}: ${parsed.errorMessage}` : parsed.errorMessage;
  } catch {
    // not JSON: used as it is
  }
  return cause;
}

/**
 * The execution name: unique per delivery and per schedule (a manual restart gets a new
 * generation). Step Functions allows 80 characters of [A-Za-z0-9-_].
 */
export function retryExecutionName(messageId: string, endpointId: string, generation = 0): string {
  const name = `${messageId}-${endpointId}${generation ? `-g${generation}` : ''}`.replace(/[^A-Za-z0-9_-]/g, '_');
  return name.length <= 80 ? name : name.slice(0, 80);
}

/**
 * The deliver function's timeout and the longest its task may run in an execution, from the
 * per-attempt HTTP timeout: declared once for the CDK construct and the local runtime.
 */
export function deliverTimings(outbound: { readonly timeoutSeconds: number }): { functionTimeoutSeconds: number; attemptTimeoutSeconds: number } {
  const functionTimeoutSeconds = outbound.timeoutSeconds + 15;
  return { functionTimeoutSeconds, attemptTimeoutSeconds: functionTimeoutSeconds + 15 };
}
