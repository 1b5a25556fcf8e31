/**
 * The composition root: each function's dependencies, built here and nowhere else, from three
 * things: the SDK clients it was given, its environment (resource names and knobs, read through
 * the contract's one parser, shared/deployment/environment.ts) and the validated configuration.
 * The Lambda handlers, the local runtime, the test harnesses and the benchmarks all call these
 * builders, so the relay, the stores and the reporters are assembled once.
 *
 * Only constructors run here; nothing is sent until a handler runs.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConsolePages } from '../shared/api/console';
import { registerApiRoutes, type ApiDeps } from '../shared/api/routes';
import type { GatewayConfig, OutboundSettings } from '../shared/config/schema';
import { readEnvironment, VARIABLES, type FunctionEnvironment, type RawEnvironment } from '../shared/deployment/environment';
import { Router } from '../shared/http/router';
import type { QueuedEvent } from '../shared/inbound/event-queue';
import { createHandlerRegistry } from '../shared/inbound/handlers';
import { processingLeaseMs, type ProcessDeps } from '../shared/inbound/process';
import { AwsDestinationSender } from '../shared/inbound/destinations/aws-sender';
import { addedDestinationsSchema, resolveDestination, type Destination, type DestinationInput } from '../shared/inbound/destinations/config';
import { ConfigError } from '../shared/config/load';
import type { DestinationDeps } from '../shared/inbound/destinations/deliver';
import type { DestinationSender } from '../shared/inbound/destinations/sender';
import type { ReceiveDeps } from '../shared/inbound/receive';
import type { ReconcileDeps } from '../shared/inbound/reconcile';
import type { SecretSource } from '../shared/inbound/secrets';
import type { WebhookEvent } from '../shared/inbound/webhook-event';
import type { DeliveryDeps, DeliveryEvent } from '../shared/outbound/deliver';
import type { DispatchDeps } from '../shared/outbound/dispatch';
import type { EndpointStore } from '../shared/outbound/endpoint-store';
import { NodeHttpSender } from '../shared/outbound/http-sender';
import type { MessageStore } from '../shared/outbound/message-store';
import type { OutboundWork } from '../shared/outbound/outbound-queue';
import type { PublishDeps } from '../shared/outbound/publish';
import { publishOperationalEvent } from '../shared/outbound/operational-events';
import { relayInboundEvent, type RelayDeps } from '../shared/outbound/relay';
import { StepFunctionsRetryScheduler } from '../shared/outbound/retry-scheduler';
import { outboundQueueSettings } from '../shared/queue/settings';
import type { resolvePublicAddresses } from '../shared/outbound/ssrf';
import { SqsQueue } from '../shared/queue/sqs-queue';
import { deliveryStatusChange, eventStatusChange } from '../shared/status/changes';
import type { StatusChange, StatusLog } from '../shared/status/status-log';
import { DynamoDbDeliveryStore } from '../shared/store/dynamodb/delivery-store';
import { DynamoDbEndpointStore } from '../shared/store/dynamodb/endpoint-store';
import { DynamoDbEndpointThrottle } from '../shared/store/dynamodb/endpoint-throttle';
import { DynamoDbEntityStateStore } from '../shared/store/dynamodb/entity-state-store';
import { DynamoDbEventStore } from '../shared/store/dynamodb/event-store';
import { DynamoDbHandshakeSecretStore } from '../shared/store/dynamodb/handshake-secret-store';
import { DynamoDbReplayDigestStore } from '../shared/store/dynamodb/replay-digest-store';
import { DynamoDbMessageStore } from '../shared/store/dynamodb/message-store';
import { DynamoDbRollupStore } from '../shared/store/dynamodb/rollup-store';
import { DynamoDbStatusLog } from '../shared/store/dynamodb/status-log';
import { S3PayloadStore } from '../shared/store/s3-payload-store';
import { reportDeliveryEvent } from './delivery-events';
import type { GatewayMetrics } from './metrics';
import { cachedEndpoints } from './endpoint-cache';
import { portalKeySource } from './portal-keys';
import { secretSource } from './secret-source';

/** The clients of a function that reads and writes the table and the payload bucket. */
export interface StorageClients {
  readonly documents: DynamoDBDocumentClient;
  readonly s3: S3Client;
}
export interface QueueingClients extends StorageClients {
  readonly sqs: SQSClient;
}
export interface DispatcherClients extends QueueingClients {
  readonly sfn: SFNClient;
}

/** What a function's dependencies are built from. */
export interface Parts<C> {
  readonly config: GatewayConfig;
  /** The function's environment, as Lambda hands it over (written with `writeEnvironment`). */
  readonly environment: RawEnvironment;
  readonly clients: C;
  /** Where reporters log (a failed status write, a delivery event) and count (delivery metrics). */
  readonly logger: Logger;
  readonly metrics?: GatewayMetrics;
}

/** The parts of a function that reports delivery metrics. */
type CountingParts<C> = Parts<C> & { readonly metrics: GatewayMetrics };

/** Appends a status change to the live stream's log; never fails the work that caused it. */
export type StatusReporter = (change: StatusChange) => Promise<void>;

export interface ProcessorDeps extends ProcessDeps {
  readonly report: StatusReporter;
}

export interface DispatcherDeps extends DispatchDeps {
  readonly publish: PublishDeps;
  readonly endpoints: EndpointStore;
  readonly messages: MessageStore;
}

export interface StreamDeps {
  readonly log: StatusLog;
}

/**
 * The DynamoDB adapters of every store in the one table, for harnesses that inspect what the
 * functions wrote. The builders below construct only the adapters their function uses, so a
 * bundle carries no other.
 */
export function tableStores(documents: DynamoDBDocumentClient, tableName: string) {
  return {
    events: new DynamoDbEventStore(documents, tableName),
    entities: new DynamoDbEntityStateStore(documents, tableName),
    endpoints: new DynamoDbEndpointStore(documents, tableName),
    messages: new DynamoDbMessageStore(documents, tableName),
    deliveries: new DynamoDbDeliveryStore(documents, tableName),
    statusLog: new DynamoDbStatusLog(documents, tableName),
  };
}

/** `POST /webhooks/{source}`: verify, record once, queue; each queued event reported to the live stream. */
export function ingressDependencies(parts: Parts<QueueingClients> & { readonly secrets?: SecretSource }): ReceiveDeps {
  const env = readEnvironment('ingress', parts.environment);
  const report = statusReporter(parts, env.tableName);
  return {
    config: parts.config,
    secrets: parts.secrets ?? secretSource(env, parts.environment),
    store: new DynamoDbEventStore(parts.clients.documents, env.tableName),
    queue: new SqsQueue<QueuedEvent>(parts.clients.sqs, env.inboundQueueUrl),
    payloads: new S3PayloadStore(parts.clients.s3, env.payloadBucket),
    handshakeSecrets: new DynamoDbHandshakeSecretStore(parts.clients.documents, env.tableName),
    replayDigests: new DynamoDbReplayDigestStore(parts.clients.documents, env.tableName),
    ...(parts.config.operations.statusStream ? { onQueued: (event) => report(eventStatusChange('event.received', event)) } : {}),
  };
}

/**
 * The sources' destinations: the config's, and those the construct was given as CDK resources
 * (`added`, the processor's SOURCE_DESTINATIONS, parsed with the same schema); undefined when no
 * source has any.
 */
export function sourceDestinations(config: GatewayConfig, added?: string): ReadonlyMap<string, readonly Destination[]> | undefined {
  const extra = added ? parseAddedDestinations(added) : {};
  const bySource = new Map<string, Destination[]>();
  for (const source of config.sources) {
    const all = [...(source.destinations ?? []), ...(extra[source.name] ?? [])];
    if (all.length) bySource.set(source.name, all.map(resolveDestination));
  }
  return bySource.size ? bySource : undefined;
}

function parseAddedDestinations(text: string): Record<string, DestinationInput[]> {
  const result = addedDestinationsSchema.safeParse(JSON.parse(text));
  if (!result.success) throw new ConfigError(`${VARIABLES.sourceDestinations.name} is invalid: ${result.error.message}`);
  return result.data;
}

/** The processor's sending to destinations: the AWS adapter unless the parts bring a sender (the local runtime's). */
function destinationDependencies(
  config: GatewayConfig,
  env: { readonly payloadBucket: string; readonly sourceDestinations?: string },
  sender: DestinationSender | undefined,
): { destinations: DestinationDeps } | Record<string, never> {
  const bySource = sourceDestinations(config, env.sourceDestinations);
  const { payloadBucket } = env;
  if (!bySource) return {};
  return { destinations: { sender: sender ?? new AwsDestinationSender(), destinationsOf: (source) => bySource.get(source) ?? [], payloadBucket } };
}

/** The inbound queue's consumer: handlers, the relay to the sending side, destinations, dead letters, reporting. */
export function processorDependencies(parts: Parts<QueueingClients> & { readonly destinationSender?: DestinationSender }): ProcessorDeps {
  const env = readEnvironment('processor', parts.environment);
  const { config, clients } = parts;
  const endpoints = new DynamoDbEndpointStore(clients.documents, env.tableName);
  const relay: RelayDeps = { ...publishing(parts, env), listEndpoints: cachedEndpoints(() => endpoints.listAll(), env.endpointCacheSeconds ?? 0) };
  return {
    store: new DynamoDbEventStore(clients.documents, env.tableName),
    payloads: new S3PayloadStore(clients.s3, env.payloadBucket),
    entities: new DynamoDbEntityStateStore(clients.documents, env.tableName),
    handlers: createHandlerRegistry(),
    deadLetters: new SqsQueue<QueuedEvent>(clients.sqs, env.inboundDeadLetterQueueUrl),
    maxReceiveCount: config.inbound.maxReceiveCount,
    leaseMs: processingLeaseMs(config.inbound.processorTimeoutSeconds),
    ...(config.outbound.relayInbound ? { afterHandled: async (event: WebhookEvent) => void (await relayInboundEvent(relay, event)) } : {}),
    ...destinationDependencies(config, env, parts.destinationSender),
    report: statusReporter(parts, env.tableName),
  };
}

/** What the api function's parts may carry besides the clients, environment and config. */
export interface ApiParts extends Parts<QueueingClients> {
  readonly consolePages: (file: string | undefined) => ConsolePages;
  /** Resolves a target's host for the SSRF check at creation (replaced in tests: DNS cannot be made to lie). */
  readonly resolve?: typeof resolvePublicAddresses;
  /** The portal's signing keys (replaced in tests: a secret that cannot be read). */
  readonly portalKeys?: () => Promise<readonly string[]>;
}

/** Everything the management API, the console and the tenant portal use. */
export function apiRouteDependencies(parts: ApiParts): ApiDeps {
  const env = readEnvironment('api', parts.environment);
  const { config, clients } = parts;
  const publish = publishing(parts, env);
  const statusLog = new DynamoDbStatusLog(clients.documents, env.tableName);
  let pages: ConsolePages | undefined;
  return {
    config,
    events: new DynamoDbEventStore(clients.documents, env.tableName),
    eventQueue: new SqsQueue<QueuedEvent>(clients.sqs, env.inboundQueueUrl),
    payloads: publish.payloads,
    deadLetters: {
      sqs: clients.sqs,
      queues: {
        inbound: { deadLetterQueueUrl: env.inboundDeadLetterQueueUrl, deadLetterQueueArn: env.inboundDeadLetterQueueArn, queueArn: env.inboundQueueArn },
        outbound: { deadLetterQueueUrl: env.outboundDeadLetterQueueUrl, deadLetterQueueArn: env.outboundDeadLetterQueueArn, queueArn: env.outboundQueueArn },
      },
    },
    outbound: {
      ...publish,
      endpoints: new DynamoDbEndpointStore(clients.documents, env.tableName),
      deliveries: new DynamoDbDeliveryStore(clients.documents, env.tableName),
      allowPrivateTargets: env.allowPrivateTargets ?? false,
      ...(parts.resolve ? { resolve: parts.resolve } : {}),
    },
    stats: {
      readMinute: (minute) => statusLog.readMinute(minute),
      readMinutes: (minutes) => statusLog.readMinutes(minutes),
      rollups: new DynamoDbRollupStore(clients.documents, env.tableName),
    },
    portalKeys: parts.portalKeys ?? portalKeySource(env),
    pages: () => (pages ??= parts.consolePages(env.consolePagesFile)),
  };
}

/** The management API, the console and the tenant portal, on one router. */
export function apiDependencies(parts: ApiParts): Router {
  return registerApiRoutes(new Router((error) => parts.logger.error('request failed', { error: error as Error })), apiRouteDependencies(parts));
}

/** The scheduled reconciler: the event records' index, and the inbound queue to send stuck events to again. */
export function reconcilerDependencies(
  parts: Pick<Parts<Pick<QueueingClients, 'documents' | 'sqs'>>, 'config' | 'environment' | 'clients'> & { readonly owner: string },
): ReconcileDeps {
  const env = readEnvironment('reconciler', parts.environment);
  return {
    config: parts.config,
    store: new DynamoDbEventStore(parts.clients.documents, env.tableName),
    queue: new SqsQueue<QueuedEvent>(parts.clients.sqs, env.inboundQueueUrl),
    owner: parts.owner,
  };
}

/** The live status stream (it needs no configuration). */
export function streamDependencies(parts: Pick<Parts<Pick<StorageClients, 'documents'>>, 'environment' | 'clients'>): StreamDeps {
  const env = readEnvironment('stream', parts.environment);
  return { log: new DynamoDbStatusLog(parts.clients.documents, env.tableName) };
}

/** The outbound queue's consumer: fan-out and first attempts, what internal producers publish, manual retries. */
export function dispatcherDependencies(parts: CountingParts<DispatcherClients>): DispatcherDeps {
  const env = readEnvironment('dispatcher', parts.environment);
  const delivery = sendingSide(parts, env);
  return {
    ...delivery,
    scheduler: new StepFunctionsRetryScheduler(parts.clients.sfn, env.retryStateMachineArn),
    listEndpoints: cachedEndpoints(() => delivery.endpoints.listAll(), env.endpointCacheSeconds ?? 0),
    staleAttemptSeconds: outboundQueueSettings(parts.config.service, parts.config.outbound).consumerTimeoutSeconds,
    publish: publishing(parts, env),
  };
}

/** The retry state machine's task: one scheduled attempt. */
export function deliverDependencies(parts: CountingParts<QueueingClients>): DeliveryDeps {
  return sendingSide(parts, readEnvironment('deliver', parts.environment));
}

/** The stores, sender and reporting that every attempt of a delivery uses. */
function sendingSide(
  parts: CountingParts<QueueingClients>,
  env: Pick<FunctionEnvironment<'deliver'>, 'tableName' | 'payloadBucket' | 'allowPrivateTargets' | 'outboundQueueUrl'>,
): DeliveryDeps & { endpoints: EndpointStore; messages: MessageStore } {
  const { documents } = parts.clients;
  const report = statusReporter(parts, env.tableName);
  const endpoints = new DynamoDbEndpointStore(documents, env.tableName);
  const operational = { ...publishing(parts, env), endpoints };
  return {
    endpoints,
    messages: operational.messages,
    deliveries: new DynamoDbDeliveryStore(documents, env.tableName),
    payloads: new S3PayloadStore(parts.clients.s3, env.payloadBucket),
    sender: new NodeHttpSender({ allowPrivateTargets: env.allowPrivateTargets ?? false }),
    throttle: new DynamoDbEndpointThrottle(documents, env.tableName),
    settings: parts.config.outbound,
    onEvent: async (event: DeliveryEvent) => {
      reportDeliveryEvent(parts.logger, parts.metrics, event);
      const change = deliveryStatusChange(event);
      if (change) await report(change);
      await publishOperationalEvent(operational, event);
    },
  };
}

/** Storing and queueing a message (the relay, the API and internal producers publish through it). */
function publishing(
  parts: Pick<Parts<QueueingClients>, 'config' | 'clients'>,
  env: { readonly tableName: string; readonly payloadBucket: string; readonly outboundQueueUrl: string },
): PublishDeps & { readonly messages: MessageStore; readonly settings: OutboundSettings } {
  return {
    messages: new DynamoDbMessageStore(parts.clients.documents, env.tableName),
    payloads: new S3PayloadStore(parts.clients.s3, env.payloadBucket),
    queue: new SqsQueue<OutboundWork>(parts.clients.sqs, env.outboundQueueUrl),
    settings: parts.config.outbound,
  };
}

/**
 * A reporter that appends to the status log when the stream is on. A failed append never fails
 * the work that caused it: it is logged and counted (`statusWritesFailed`, on the dashboard), so
 * a stream that misses changes shows on the dashboard instead of going unnoticed.
 */
function statusReporter(
  parts: Pick<Parts<unknown>, 'config' | 'logger' | 'metrics'> & { clients: Pick<StorageClients, 'documents'> },
  tableName: string,
): StatusReporter {
  if (!parts.config.operations.statusStream) return async () => undefined;
  const log = new DynamoDbStatusLog(parts.clients.documents, tableName);
  return async (change) => {
    try {
      await log.append(change);
    } catch (error) {
      parts.metrics?.count('statusWritesFailed');
      parts.logger.warn('status change not recorded', { type: change.type, error: (error as Error).message });
    }
  };
}
