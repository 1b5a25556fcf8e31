/**
 * What the local runtime runs, derived from the function declarations
 * (shared/deployment/functions.ts) as the CDK stack derives what AWS runs: the gateway's routes,
 * each function's timeout and memory (its Lambda context), the queue event sources with their
 * batch settings, and each function's environment, written through the same contract.
 * test/infra/function-declarations.test.ts holds this plan against the synthesized template.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { GatewayConfig } from '../shared/config/schema';
import type { FunctionName } from '../shared/deployment/environment';
import { declareFunctions, functionEnvironment, type FunctionDeclarations, type HttpRoute, type ResourceNames } from '../shared/deployment/functions';
import { lambdaContext } from './lambda-context';
import type { QueueWithUrls } from './resources';
import { SqsEventSource, type SqsEventSourceOptions } from './sqs-event-source';

export interface LocalRoute {
  readonly method: HttpRoute['method'];
  readonly path: string;
  readonly function: FunctionName;
  /** `lambda`: request/response through the API Gateway stand-in; `stream`: the function URL's response stream. */
  readonly kind: 'lambda' | 'stream';
}

export interface LocalEventSource {
  readonly function: FunctionName;
  readonly queue: 'inbound' | 'outbound';
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  /** Batches handled at once, at most (the mapping's maximum concurrency). */
  readonly maximumConcurrency: number;
}

/** A scheduled function, run on a timer (an EventBridge rule in AWS). */
export interface LocalSchedule {
  readonly function: FunctionName;
  readonly intervalSeconds: number;
}

export interface LocalPlan {
  readonly functions: FunctionDeclarations;
  readonly routes: readonly LocalRoute[];
  readonly eventSources: readonly LocalEventSource[];
  readonly schedules: readonly LocalSchedule[];
}

export function localPlan(config: GatewayConfig): LocalPlan {
  const functions = declareFunctions(config);
  const routes: LocalRoute[] = [];
  const eventSources: LocalEventSource[] = [];
  const schedules: LocalSchedule[] = [];
  for (const declaration of Object.values(functions)) {
    const { trigger, name } = declaration;
    if (trigger.kind === 'http') for (const route of trigger.routes) routes.push({ method: route.method, path: route.path, function: name, kind: 'lambda' });
    if (trigger.kind === 'function-url') routes.push({ method: 'GET', path: trigger.localPath, function: name, kind: 'stream' });
    if (trigger.kind === 'queue') {
      const { queue, batchSize, maxBatchingWindowSeconds, maximumConcurrency } = trigger;
      eventSources.push({ function: name, queue, batchSize, maxBatchingWindowSeconds, maximumConcurrency });
    }
    if (trigger.kind === 'schedule') schedules.push({ function: name, intervalSeconds: trigger.localIntervalSeconds });
  }
  return { functions, routes, eventSources, schedules };
}

/** A Lambda context for an invocation of `fn`, with its declared timeout and memory. */
export function contextFor(plan: LocalPlan, fn: FunctionName): Context {
  const { timeoutSeconds, memoryMiB } = plan.functions[fn];
  return lambdaContext(fn, timeoutSeconds, memoryMiB);
}

/** The names and switches the local runtime fills each function's environment with. */
export interface LocalNames extends Pick<ResourceNames, 'tableName' | 'payloadBucket' | 'retryStateMachineArn'> {
  readonly inbound: Pick<QueueWithUrls, 'queueUrl' | 'queueArn' | 'deadLetterQueueUrl' | 'deadLetterQueueArn'>;
  readonly outbound: Pick<QueueWithUrls, 'queueUrl' | 'queueArn' | 'deadLetterQueueUrl' | 'deadLetterQueueArn'>;
  /** Loopback receivers are what local development sends to; `false` refuses them as AWS does. */
  readonly allowPrivateTargets: boolean;
  readonly consolePagesFile?: string;
  /** Set by the benchmarks to count the calls AWS makes (the stack's 5 s); unset locally. */
  readonly endpointCacheSeconds?: number;
}

/** A function's environment as the local runtime writes it: the same writer the constructs use. */
export function localEnvironment(fn: FunctionName, names: LocalNames): Record<string, string> {
  return functionEnvironment(
    fn,
    {
      tableName: names.tableName,
      payloadBucket: names.payloadBucket,
      inboundQueueUrl: names.inbound.queueUrl,
      inboundQueueArn: names.inbound.queueArn,
      inboundDeadLetterQueueUrl: names.inbound.deadLetterQueueUrl,
      inboundDeadLetterQueueArn: names.inbound.deadLetterQueueArn,
      outboundQueueUrl: names.outbound.queueUrl,
      outboundQueueArn: names.outbound.queueArn,
      outboundDeadLetterQueueUrl: names.outbound.deadLetterQueueUrl,
      outboundDeadLetterQueueArn: names.outbound.deadLetterQueueArn,
      ...(names.retryStateMachineArn ? { retryStateMachineArn: names.retryStateMachineArn } : {}),
    },
    {
      allowPrivateTargets: names.allowPrivateTargets,
      ...(names.consolePagesFile ? { consolePagesFile: names.consolePagesFile } : {}),
      ...(names.endpointCacheSeconds === undefined ? {} : { endpointCacheSeconds: names.endpointCacheSeconds }),
    },
  );
}

/**
 * The event source mapping of `fn` (a queue consumer), emulated: its queue, its declared batch
 * size and window, each batch invoked with the function's Lambda context.
 */
export function queueEventSource(
  plan: LocalPlan,
  fn: FunctionName,
  options: {
    sqs: SQSClient;
    queues: { inbound: QueueWithUrls; outbound: QueueWithUrls };
    invoke: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;
  } & Pick<SqsEventSourceOptions, 'concurrency' | 'waitTimeSeconds' | 'onError'>,
): SqsEventSource {
  const source = plan.eventSources.find((candidate) => candidate.function === fn);
  if (!source) throw new Error(`${fn} is not declared as a queue consumer`);
  const queue = options.queues[source.queue];
  return new SqsEventSource({
    sqs: options.sqs,
    queueUrl: queue.queueUrl,
    queueArn: queue.queueArn,
    batchSize: source.batchSize,
    maxBatchingWindowSeconds: source.maxBatchingWindowSeconds,
    invoke: (event) => options.invoke(event, contextFor(plan, fn)),
    // Two pollers, as many as the mapping's maximum concurrency allows (or the caller's number).
    concurrency: options.concurrency ?? Math.min(2, source.maximumConcurrency),
    ...(options.waitTimeSeconds === undefined ? {} : { waitTimeSeconds: options.waitTimeSeconds }),
    ...(options.onError ? { onError: options.onError } : {}),
  });
}
