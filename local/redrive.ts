/**
 * `npm run redrive`: moves a dead-letter queue's messages back to its queue, by SQS's own
 * server-side move (StartMessageMoveTask), through the management API, and follows the move to
 * its end (ListMessageMoveTasks).
 *
 *   npm run redrive                                      # inbound, the local runtime (http://127.0.0.1:$PORT)
 *   npm run redrive -- --queue outbound
 *   npm run redrive -- --queue inbound --url http://127.0.0.1:4000
 *   npm run redrive -- --queue inbound --stack WebhooksGateway [--region eu-west-1]   # a deployed stack (SigV4, your AWS credentials)
 *   options: --rate N (messages per second, at most 500), --no-wait, --timeout SECONDS (default 900)
 *
 * Exit code: 0 when the move completed; 1 when it failed, was refused (one already running)
 * or did not finish in time; 2 for a usage error.
 */
import { LOCAL_VARIABLES } from '../shared/deployment/environment';
import { DEAD_LETTER_QUEUES, type RedriveTask } from '../shared/inbound/redrive';
import { commandLine, isEntryPoint, printLine, type Print } from './cli';
import { deployedGateway, GATEWAY_OPTIONS, localGateway, regionFrom, type GatewayClient } from './gateway-client';

const USAGE = 'usage: npm run redrive -- [--queue inbound|outbound] [--url URL | --stack NAME [--region REGION]] [--rate N] [--no-wait] [--timeout SECONDS]';

export interface RedriveSettings {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly pollIntervalMs?: number;
  /** For tests: the gateway to use instead of the one the flags name. */
  readonly gateway?: GatewayClient;
}

export async function main(argv: string[], print: Print = printLine, settings: RedriveSettings = {}): Promise<number> {
  const env = settings.env ?? process.env;
  const parsed = commandLine(
    argv,
    {
      ...GATEWAY_OPTIONS,
      queue: { type: 'string', default: 'inbound' },
      rate: { type: 'string' },
      'no-wait': { type: 'boolean' },
      timeout: { type: 'string' },
    },
    USAGE,
    print,
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const queue = values.queue!;
  if (!(DEAD_LETTER_QUEUES as readonly string[]).includes(queue)) {
    print(`--queue must be ${DEAD_LETTER_QUEUES.join(' or ')}, not "${queue}"\n${USAGE}`);
    return 2;
  }
  const rate = values.rate === undefined ? undefined : Number(values.rate);
  if (rate !== undefined && !(Number.isInteger(rate) && rate >= 1 && rate <= 500)) {
    print('--rate must be a whole number of messages per second from 1 to 500');
    return 2;
  }
  if (values.stack && values.url) {
    print(`--stack and --url name two gateways; give one\n${USAGE}`);
    return 2;
  }

  let gateway: GatewayClient;
  let where: string;
  if (settings.gateway) {
    gateway = settings.gateway;
    where = gateway.apiUrl;
  } else if (values.stack) {
    const region = regionFrom(values.region, env);
    if (!region) {
      print('--region (or AWS_REGION) is needed with --stack');
      return 2;
    }
    try {
      gateway = await deployedGateway(values.stack, region);
    } catch (error) {
      print(`cannot read stack ${values.stack} in ${region}: ${(error as Error).message}`);
      return 1;
    }
    where = `stack ${values.stack} (${region})`;
  } else {
    const base = values.url ?? `http://127.0.0.1:${env[LOCAL_VARIABLES.port] ?? 3000}`;
    gateway = localGateway(base);
    where = base;
  }

  let started;
  try {
    started = await gateway.api('POST', `dlq/${queue}/redrive`, rate ? { maxMessagesPerSecond: rate } : {});
  } catch {
    print(`cannot reach the gateway at ${where}${values.stack ? '' : ': is `npm start` running?'}`);
    return 1;
  }
  if (started.status !== 202) {
    print(`redrive refused (${started.status}): ${started.body?.error?.message ?? started.body?.message ?? 'unknown error'}`);
    return 1;
  }
  const task = started.body as RedriveTask;
  print(
    `redrive of the ${queue} dead-letter queue started by SQS${task.taskHandle ? ` (task ${task.taskHandle})` : ''}` +
      (task.approximateNumberOfMessagesToMove !== undefined ? `: ${task.approximateNumberOfMessagesToMove} message(s) to move` : ''),
  );
  if (values['no-wait']) {
    print(`follow it with GET ${gateway.apiUrl}dlq/${queue}/redrive`);
    return 0;
  }

  const deadline = Date.now() + Number(values.timeout ?? 900) * 1000;
  for (;;) {
    const { status, body } = await gateway.api('GET', `dlq/${queue}/redrive`);
    const latest = status === 200 ? (body.tasks as RedriveTask[])[0] : undefined;
    if (latest && latest.status !== 'RUNNING' && latest.status !== 'CANCELLING') {
      if (latest.status === 'COMPLETED') {
        print(`moved ${latest.approximateNumberOfMessagesMoved} message(s) back to the queue`);
        return 0;
      }
      print(
        `redrive ${latest.status.toLowerCase()} after moving ${latest.approximateNumberOfMessagesMoved} message(s)${latest.failureReason ? `: ${latest.failureReason}` : ''}`,
      );
      return 1;
    }
    if (Date.now() > deadline) {
      print(
        `the redrive is still running (${latest?.approximateNumberOfMessagesMoved ?? 0} moved so far); follow it with GET ${gateway.apiUrl}dlq/${queue}/redrive`,
      );
      return 1;
    }
    await new Promise((resolve) => setTimeout(resolve, settings.pollIntervalMs ?? 500));
  }
}

if (isEntryPoint(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
