/**
 * Step Functions on loopback: a small server speaking the Step Functions API (AWS JSON 1.0:
 * StartExecution, DescribeExecution, ListExecutions) that runs the real state machine
 * definition with aws-local-stepfunctions, its Task states bound to local handlers. The
 * functions use their real SFN SDK client, pointed here by `AWS_ENDPOINT_URL_SFN`.
 *
 * With persistence, running executions are saved at stop (their latest state) and resumed at
 * the next start.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { StateMachine } from 'aws-local-stepfunctions';
import { deliverTimings, RETRY_STATES, retryStateMachineDefinition, type DeliverTaskOutput } from '../shared/outbound/retry-state-machine';

export type TaskHandler = (input: unknown) => Promise<unknown>;

interface Execution {
  readonly arn: string;
  readonly name: string;
  readonly startDate: Date;
  input: unknown;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  stopDate?: Date;
  output?: unknown;
  error?: string;
  abort?: () => void;
}

export interface LocalStepFunctionsOptions {
  readonly stateMachineName: string;
  readonly definition: Record<string, unknown>;
  /** Task state name → handler. */
  readonly tasks: Record<string, TaskHandler>;
  /**
   * Called with a Task's output; the returned value, when defined, is remembered as the
   * execution's resumable state (the input to restart it from after a restart).
   */
  readonly resumableState?: (taskOutput: unknown) => unknown;
  readonly onError?: (error: unknown) => void;
}

export class LocalStepFunctions {
  readonly stateMachineArn: string;
  private readonly machine: StateMachine;
  private readonly executions = new Map<string, Execution>();
  private server?: Server;

  constructor(private readonly options: LocalStepFunctionsOptions) {
    this.stateMachineArn = `arn:aws:states:us-east-1:000000000000:stateMachine:${options.stateMachineName}`;
    this.machine = new StateMachine(options.definition as never, { validationOptions: { checkArn: false } });
  }

  async listen(): Promise<string> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const target = String(request.headers['x-amz-target'] ?? '').replace('AWSStepFunctions.', '');
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
        } catch {
          // handled below as a validation error
        }
        const [status, payload] = this.call(target, body);
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
        response.end(JSON.stringify(payload));
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  /** Starts an execution (the same thing StartExecution does). */
  start(name: string, input: unknown): { arn: string; created: boolean } {
    const existing = this.executions.get(name);
    if (existing) return { arn: existing.arn, created: false };
    const execution: Execution = {
      arn: `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`,
      name,
      startDate: new Date(),
      input,
      status: 'RUNNING',
    };
    this.executions.set(name, execution);
    const tasks = Object.fromEntries(
      Object.entries(this.options.tasks).map(([state, handler]) => [
        state,
        async (taskInput: unknown) => {
          const output = await handler(taskInput);
          const resumable = this.options.resumableState?.(output);
          if (resumable !== undefined) execution.input = resumable;
          return output;
        },
      ]),
    );
    const run = this.machine.run(input as never, { overrides: { taskResourceLocalHandlers: tasks as never }, noThrowOnAbort: true });
    execution.abort = run.abort;
    run.result.then(
      (output: unknown) => {
        if (execution.status !== 'RUNNING') return;
        execution.status = output === null ? 'ABORTED' : 'SUCCEEDED';
        execution.output = output;
        execution.stopDate = new Date();
      },
      (error: unknown) => {
        execution.status = 'FAILED';
        execution.error = (error as Error).message;
        execution.stopDate = new Date();
        this.options.onError?.(error);
      },
    );
    return { arn: execution.arn, created: true };
  }

  list(): Execution[] {
    return [...this.executions.values()];
  }

  /** Aborts running executions and stops the server; with `saveTo`, remembers them for `resume`. */
  async stop(saveTo?: string): Promise<number> {
    const running = this.list().filter((execution) => execution.status === 'RUNNING');
    if (saveTo) writeFileSync(saveTo, JSON.stringify(running.map((execution) => ({ name: execution.name, input: execution.input }))));
    for (const execution of running) {
      execution.status = 'ABORTED';
      execution.abort?.();
    }
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    return running.length;
  }

  /** Restarts executions saved by `stop(saveTo)`. */
  resume(file: string): number {
    if (!existsSync(file)) return 0;
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Array<{ name: string; input: unknown }>;
    for (const { name, input } of saved) this.start(name, input);
    writeFileSync(file, '[]');
    return saved.length;
  }

  private call(target: string, body: Record<string, unknown>): [number, unknown] {
    switch (target) {
      case 'StartExecution': {
        if (body.stateMachineArn !== this.stateMachineArn)
          return [400, { __type: 'StateMachineDoesNotExist', message: `no state machine ${String(body.stateMachineArn)}` }];
        const name = String(body.name ?? `exec-${Date.now()}`);
        const input = JSON.parse(String(body.input ?? '{}')) as unknown;
        // As in Step Functions: the same name and input while running is idempotent; anything
        // else with a used name is refused.
        const existing = this.executions.get(name);
        if (existing?.status === 'RUNNING' && JSON.stringify(existing.input) === body.input)
          return [200, { executionArn: existing.arn, startDate: existing.startDate.getTime() / 1000 }];
        if (existing) return [400, { __type: 'ExecutionAlreadyExists', message: `Execution Already Exists: '${existing.arn}'` }];
        const { arn } = this.start(name, input);
        return [200, { executionArn: arn, startDate: Date.now() / 1000 }];
      }
      case 'DescribeExecution': {
        const execution = this.list().find((candidate) => candidate.arn === body.executionArn);
        if (!execution) return [400, { __type: 'ExecutionDoesNotExist', message: 'no such execution' }];
        return [200, describe(execution, this.stateMachineArn)];
      }
      case 'ListExecutions':
        return [200, { executions: this.list().map((execution) => describe(execution, this.stateMachineArn)) }];
      default:
        return [400, { __type: 'UnknownOperationException', message: `${target} is not emulated locally` }];
    }
  }
}

function describe(execution: Execution, stateMachineArn: string): Record<string, unknown> {
  return {
    executionArn: execution.arn,
    stateMachineArn,
    name: execution.name,
    status: execution.status,
    startDate: execution.startDate.getTime() / 1000,
    ...(execution.stopDate ? { stopDate: execution.stopDate.getTime() / 1000 } : {}),
    input: JSON.stringify(execution.input),
    ...(execution.output !== undefined ? { output: JSON.stringify(execution.output) } : {}),
    ...(execution.error ? { error: 'States.TaskFailed', cause: execution.error } : {}),
  };
}

/**
 * The retry state machine (shared/outbound/retry-state-machine.ts, the definition the stack
 * deploys, with the attempt timeout the stack gives it), both its Task states (`Attempt` and
 * `RecordFailure`) bound to `deliver`, as in AWS. An execution that asks for another attempt is
 * resumable from that attempt's output.
 */
export function retryStateMachine(options: {
  readonly name: string;
  readonly outbound: { readonly timeoutSeconds: number };
  readonly deliver: TaskHandler;
  readonly onError?: (error: unknown) => void;
}): LocalStepFunctions {
  return new LocalStepFunctions({
    stateMachineName: options.name,
    definition: retryStateMachineDefinition('arn:aws:lambda:us-east-1:000000000000:function:deliver', deliverTimings(options.outbound)),
    tasks: { [RETRY_STATES.attempt]: options.deliver, [RETRY_STATES.recordFailure]: options.deliver },
    resumableState: (output) => {
      const result = output as DeliverTaskOutput;
      if (result.outcome !== 'retry') return undefined;
      return {
        messageId: result.messageId,
        endpointId: result.endpointId,
        waitSeconds: result.waitSeconds,
        ...(result.notBefore ? { notBefore: result.notBefore } : {}),
      };
    },
    ...(options.onError ? { onError: options.onError } : {}),
  });
}
