/**
 * The retry definition executed by aws-local-stepfunctions with a stubbed attempt task: it
 * loops while the task asks for a retry, waiting the seconds it is told, and ends otherwise.
 */
import { describe, expect, it } from 'vitest';
import { StateMachine } from 'aws-local-stepfunctions';
import { ABANDONED_ERROR, abandonReason, RETRY_STATES, retryExecutionName, retryStateMachineDefinition } from '../../../shared/outbound/retry-state-machine';

const DELIVER = 'arn:aws:lambda:us-east-1:000000000000:function:deliver';

describe('retry state machine definition', () => {
  it('waits, attempts, and loops until the attempt says done', async () => {
    const machine = new StateMachine(retryStateMachineDefinition(DELIVER, { attemptTimeoutSeconds: 30 }) as never);
    const seen: unknown[] = [];
    const started = Date.now();
    const run = machine.run({ messageId: 'm', endpointId: 'e', waitSeconds: 0 } as never, {
      overrides: {
        taskResourceLocalHandlers: {
          [RETRY_STATES.attempt]: async (input: unknown) => {
            seen.push(input);
            return seen.length < 3 ? { outcome: 'retry', messageId: 'm', endpointId: 'e', waitSeconds: 1 } : { outcome: 'done', status: 'succeeded' };
          },
        },
      } as never,
    });
    expect(await run.result).toEqual({ outcome: 'done', status: 'succeeded' });
    expect(seen).toHaveLength(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });

  it('hands an attempt that keeps failing to RecordFailure with the delivery and the error, then fails the execution', async () => {
    const machine = new StateMachine(retryStateMachineDefinition(DELIVER, { attemptTimeoutSeconds: 30 }) as never);
    let attempts = 0;
    const recorded: unknown[] = [];
    const run = machine.run({ messageId: 'm', endpointId: 'e', waitSeconds: 0 } as never, {
      overrides: {
        taskResourceLocalHandlers: {
          [RETRY_STATES.attempt]: async () => {
            attempts += 1;
            throw new Error('the deliver function crashed');
          },
          [RETRY_STATES.recordFailure]: async (input: unknown) => {
            recorded.push(input);
            return { outcome: 'done', status: 'failed' };
          },
        },
        retryIntervalOverrides: { [RETRY_STATES.attempt]: 0, [RETRY_STATES.recordFailure]: 0 },
      } as never,
    });
    await expect(run.result).rejects.toMatchObject({ name: 'ExecutionError', cause: { name: ABANDONED_ERROR } });
    // The first try and the three retries of States.TaskFailed.
    expect(attempts).toBe(4);
    expect(recorded).toEqual([{ kind: 'abandon', messageId: 'm', endpointId: 'e', failure: expect.objectContaining({ Error: expect.any(String) }) }]);
  });

  it('gives up on an attempt that outlives attemptTimeoutSeconds (States.Timeout) the same way', async () => {
    const machine = new StateMachine(retryStateMachineDefinition(DELIVER, { attemptTimeoutSeconds: 1 }) as never);
    const recorded: Array<{ failure: { Error?: string } }> = [];
    const run = machine.run({ messageId: 'm', endpointId: 'e', waitSeconds: 0 } as never, {
      overrides: {
        taskResourceLocalHandlers: {
          [RETRY_STATES.attempt]: () => new Promise(() => undefined),
          [RETRY_STATES.recordFailure]: async (input: unknown) => {
            recorded.push(input as { failure: { Error?: string } });
            return { outcome: 'done', status: 'failed' };
          },
        },
        retryIntervalOverrides: { [RETRY_STATES.attempt]: 0 },
      } as never,
    });
    await expect(run.result).rejects.toMatchObject({ name: 'ExecutionError', cause: { name: ABANDONED_ERROR } });
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.failure.Error).toBe('States.Timeout');
  }, 15_000);

  it('says why in the recorded reason, reading a Lambda error cause', () => {
    expect(abandonReason({ Error: 'States.Timeout' })).toBe('retry execution gave up: States.Timeout');
    expect(abandonReason({ Error: 'Error', Cause: JSON.stringify({ errorType: 'TypeError', errorMessage: 'x is undefined', trace: [] }) })).toBe(
      'retry execution gave up: Error: TypeError: x is undefined',
    );
    expect(abandonReason({})).toBe('retry execution gave up: unknown error');
  });

  it('names executions after the message and endpoint within Step Functions limits', () => {
    expect(retryExecutionName('msg_abc', 'ep_def')).toBe('msg_abc-ep_def');
    expect(retryExecutionName('msg_abc', 'ep_def', 2)).toBe('msg_abc-ep_def-g2');
    expect(retryExecutionName('m'.repeat(60), 'e'.repeat(60))).toHaveLength(80);
    expect(retryExecutionName('a.b', 'c/d')).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});
