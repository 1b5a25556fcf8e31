/**
 * A `RetryScheduler` in memory with Step Functions' one rule that matters here: a name starts
 * once. The retry state machine itself runs in the integration tests (aws-local-stepfunctions).
 */
import type { RetryScheduler } from '../../shared/outbound/retry-scheduler';
import type { RetryExecutionState } from '../../shared/outbound/retry-state-machine';

export class RecordingScheduler implements RetryScheduler {
  readonly started = new Map<string, RetryExecutionState>();

  async start(name: string, input: RetryExecutionState): Promise<void> {
    if (!this.started.has(name)) this.started.set(name, input);
  }
}
