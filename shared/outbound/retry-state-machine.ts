/**
 * The retry state machine (Step Functions **Standard**: executions may last days). One
 * execution per delivery that failed its first attempt, named after the message and endpoint so
 * it cannot start twice. It is a loop: wait, attempt, and wait again while the attempt asks for
 * it. The schedule, jitter and Retry-After are the deliver function's business (from the
 * config); the machine only waits the seconds it is told.
 *
 * Both the CDK construct and the local runtime (aws-local-stepfunctions) run this definition.
 */

/** Input of an execution and output of each attempt that asks for another. */
export interface RetryExecutionState {
  readonly messageId: string;
  readonly endpointId: string;
  /** Seconds to wait before the next attempt. */
  readonly waitSeconds: number;
}

/** What the deliver task returns: `retry` loops, anything else ends the execution. */
export type DeliverTaskOutput = (RetryExecutionState & { readonly outcome: 'retry' }) | { readonly outcome: 'done'; readonly status: string };

export const RETRY_STATES = { wait: 'WaitBeforeAttempt', attempt: 'Attempt', decide: 'AttemptAgain', done: 'Done' } as const;

/**
 * @param deliverFunctionArn the deliver function (an ARN, or a CDK token for one).
 */
export function retryStateMachineDefinition(deliverFunctionArn: string): Record<string, unknown> {
  return {
    Comment: 'Retries one outbound delivery on the configured schedule until it succeeds, fails for good, or is exhausted.',
    StartAt: RETRY_STATES.wait,
    States: {
      [RETRY_STATES.wait]: { Type: 'Wait', SecondsPath: '$.waitSeconds', Next: RETRY_STATES.attempt },
      [RETRY_STATES.attempt]: {
        Type: 'Task',
        Resource: deliverFunctionArn,
        Retry: [
          {
            ErrorEquals: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'],
            IntervalSeconds: 2,
            MaxAttempts: 6,
            BackoffRate: 2,
          },
          { ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 30, MaxAttempts: 3, BackoffRate: 2 },
        ],
        Next: RETRY_STATES.decide,
      },
      [RETRY_STATES.decide]: {
        Type: 'Choice',
        Choices: [{ Variable: '$.outcome', StringEquals: 'retry', Next: RETRY_STATES.wait }],
        Default: RETRY_STATES.done,
      },
      [RETRY_STATES.done]: { Type: 'Succeed' },
    },
  };
}

/**
 * The execution name: unique per delivery and per schedule (a manual restart gets a new
 * generation). Step Functions allows 80 characters of [A-Za-z0-9-_].
 */
export function retryExecutionName(messageId: string, endpointId: string, generation = 0): string {
  const name = `${messageId}-${endpointId}${generation ? `-g${generation}` : ''}`.replace(/[^A-Za-z0-9_-]/g, '_');
  return name.length <= 80 ? name : name.slice(0, 80);
}
