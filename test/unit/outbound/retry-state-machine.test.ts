/**
 * The retry definition executed by aws-local-stepfunctions with a stubbed attempt task: it
 * loops while the task asks for a retry, waiting the seconds it is told, and ends otherwise.
 */
import { describe, expect, it } from 'vitest';
import { StateMachine } from 'aws-local-stepfunctions';
import { RETRY_STATES, retryExecutionName, retryStateMachineDefinition } from '../../../shared/outbound/retry-state-machine';

describe('retry state machine definition', () => {
  it('waits, attempts, and loops until the attempt says done', async () => {
    const machine = new StateMachine(retryStateMachineDefinition('arn:aws:lambda:us-east-1:000000000000:function:deliver') as never);
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

  it('names executions after the message and endpoint within Step Functions limits', () => {
    expect(retryExecutionName('msg_abc', 'ep_def')).toBe('msg_abc-ep_def');
    expect(retryExecutionName('msg_abc', 'ep_def', 2)).toBe('msg_abc-ep_def-g2');
    expect(retryExecutionName('m'.repeat(60), 'e'.repeat(60))).toHaveLength(80);
    expect(retryExecutionName('a.b', 'c/d')).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});
