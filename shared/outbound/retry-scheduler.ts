/**
 * Starting a retry execution. In AWS: Step Functions StartExecution (a second start with the
 * same name is refused by Step Functions, which is what makes it idempotent). Locally: the same
 * definition run by aws-local-stepfunctions (local/step-functions.ts).
 */
import { ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { RetryExecutionState } from './retry-state-machine';

export interface RetryScheduler {
  /** Starts the execution unless one with this name was started before. */
  start(name: string, input: RetryExecutionState): Promise<void>;
}

export class StepFunctionsRetryScheduler implements RetryScheduler {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(name: string, input: RetryExecutionState): Promise<void> {
    try {
      await this.sfn.send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: JSON.stringify(input) }));
    } catch (error) {
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
    }
  }
}
