/**
 * Every alarm and every dashboard line watches something the code emits, and everything the
 * code emits is watched: the real Lambda handlers (their middleware and metrics; their
 * dependencies built by the composition root from the environment the local runtime writes)
 * run with metrics on over every path that emits (accepted, duplicate, reconciled by a retry and by the schedule, bad signature, ingress failure, processed, handler failure, dead-lettered,
 * delivery succeeded, failed, exhausted, abandoned, endpoint disabled) against DynamoDB Local,
 * fauxqs and the local Step Functions; the EMF documents they print are collected and held
 * against the synthesized stack's alarms and dashboard: namespace, metric name, the exact
 * dimension set and its values. CloudWatch treats each dimension set as a metric of its own,
 * so a near miss (one extra dimension) is a metric nobody watches.
 *
 * The same run proves IAM across the boundary: each function gets SDK clients of its own with a
 * recording middleware (test/support/iam-boundary.ts); the ingress and api functions read their
 * secrets from Secrets Manager as in AWS (Powertools' provider and the real SDK client, a
 * loopback stand-in answering), the api is driven over every operation of openapi.yaml, and
 * every command each function sent is held against its role's policy in the synthesized stack.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { DEFAULT_PROVIDERS } from '@aws-lambda-powertools/parameters/base';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createHash } from 'node:crypto';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../../infra/app';
import { localClients, localSfnClient, localSqsClient, type LocalClients } from '../../local/clients';
import { LOCAL_CREDENTIALS } from '../../local/emulators';
import { MessageMoveProxy } from '../../local/message-move';
import { loadLocalConfig } from '../../local/config';
import { localFunctions } from '../../local/functions';
import { installLambdaStreaming } from '../../local/lambda-streaming';
import { lambdaContext } from '../../local/lambda-context';
import { createLocalResources, type LocalResources } from '../../local/resources';
import { sampleWebhook } from '../../local/samples';
import { generateSigningKeys } from '../../local/secrets-bootstrap';
import { localEnvironment, type LocalNames } from '../../local/plan';
import { retryStateMachine, type LocalStepFunctions } from '../../local/step-functions';
import { loadConfigFile } from '../../shared/config/load';
import type { GatewayConfig } from '../../shared/config/schema';
import { secretEnvName } from '../../shared/inbound/secrets';
import { stuckAfterMs } from '../../shared/inbound/stuck';
import { DynamoDbDeliveryStore } from '../../shared/store/dynamodb/delivery-store';
import type { DeliverTaskOutput } from '../../shared/outbound/retry-state-machine';
import { FUNCTION_NAMES, POWERTOOLS_VARIABLES, powertoolsEnvironment, type FunctionName } from '../../shared/deployment/environment';
import { httpEvent } from '../support/http-event';
import { eventually, Receiver } from '../support/receiver';
import { testSecretFor } from '../support/harness';
import {
  ACCOUNT,
  CallRecorder,
  deniedCalls,
  functionRoles,
  localReferences,
  REGION,
  resolvedStatements,
  templateNameOf,
  unexercisedGrants,
  type FunctionRole,
} from '../support/iam-boundary';
import { resolveIntrinsics } from '../support/iam-policy';
import { loadContract } from '../support/openapi';
import { SecretsManagerStandIn } from '../support/secrets-manager-standin';

/** One metric as CloudWatch keys it: namespace, name, and the dimension set with its values. */
interface MetricKey {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

const keyOf = (metric: MetricKey) =>
  `${metric.namespace} ${metric.name} {${Object.entries(metric.dimensions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')}}`;

type Handler<E, R> = (event: E, context: Context) => Promise<R>;

const DOMAIN = 'hooks.example.test';
const documents: Array<Record<string, any>> = [];
const receiver = new Receiver();
let template: Template;
let namespace: string;
let service: string;
let config: GatewayConfig;
let clients: LocalClients;
let resources: LocalResources;
let stepFunctions: LocalStepFunctions;
let restoreStdout: () => void;
const secrets: Record<string, string> = {};
const signingKeys: Record<string, string> = {};
let ingress: Handler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;
let api: Handler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;
let processor: Handler<SQSEvent, SQSBatchResponse>;
let dispatcher: Handler<SQSEvent, SQSBatchResponse>;
let deliver: Handler<unknown, DeliverTaskOutput>;
const recorder = new CallRecorder();
/** The function whose invocation is running (for the secrets client, which ingress and api share in this process). */
const running = new AsyncLocalStorage<FunctionName>();
let roles: Record<string, FunctionRole>;
let refs: (logicalId: string, attribute?: string) => string;
/** Each API operation driven: `METHOD /path/{template}` → the status it answered. */
const driven = new Map<string, number[]>();
let stopBoundary: () => Promise<void> = async () => undefined;

/** The EMF documents printed since `from`, as [metric key, value] pairs. */
function emittedSince(from = 0): Array<{ key: MetricKey; value: unknown }> {
  return documents.slice(from).flatMap((document) =>
    (document._aws.CloudWatchMetrics as Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string }> }>).flatMap((directive) =>
      directive.Dimensions.flatMap((set) =>
        directive.Metrics.map((metric) => ({
          key: {
            namespace: directive.Namespace,
            name: metric.Name,
            dimensions: Object.fromEntries(set.map((dimension) => [dimension, String(document[dimension])])),
          },
          value: document[metric.Name],
        })),
      ),
    ),
  );
}

function sqsEvent(messages: Message[], queueArn: string, receiveCount?: number): SQSEvent {
  return {
    Records: messages.map((message) => ({
      messageId: message.MessageId!,
      receiptHandle: message.ReceiptHandle!,
      body: message.Body ?? '',
      attributes: {
        ApproximateReceiveCount: String(receiveCount ?? message.Attributes?.ApproximateReceiveCount ?? '1'),
        SentTimestamp: message.Attributes?.SentTimestamp ?? String(Date.now()),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: message.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: 'us-east-1',
    })),
  };
}

/** What one receive gives now (up to 10, invisible for 5 minutes). */
async function receiveNow(queueUrl: string): Promise<Message[]> {
  const { Messages = [] } = await clients.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
      VisibilityTimeout: 300,
      MessageSystemAttributeNames: ['All'],
    }),
  );
  return Messages;
}

/** Receives until `count` messages are in hand (they stay invisible for 5 minutes). */
async function receive(queueUrl: string, count: number): Promise<Message[]> {
  const messages: Message[] = [];
  await eventually(
    async () => {
      messages.push(...(await receiveNow(queueUrl)));
      return messages.length >= count;
    },
    10_000,
    `${count} message(s) on ${queueUrl}`,
  );
  return messages;
}

function webhookEvent(source: string, headers: Record<string, string>, body: Buffer): APIGatewayProxyEventV2 {
  return httpEvent({ path: `/webhooks/${source}`, pathParameters: { source }, headers, body, domainName: DOMAIN });
}

async function callApi(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await api(
    httpEvent({ method, path, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }),
    lambdaContext('api', 10),
  );
  return { status: response.statusCode ?? 200, body: response.body ? JSON.parse(response.body) : undefined };
}

function signedStripe(document: Record<string, unknown>): { headers: Record<string, string>; body: Buffer } {
  const body = JSON.stringify(document);
  return {
    headers: { 'content-type': 'application/json', 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload: body, secret: secrets.stripe! }) },
    body: Buffer.from(body),
  };
}

/** What each path printed, by path name, to check that each path emitted what it should. */
const byPath: Record<string, string[]> = {};

async function path(name: string, run: () => Promise<void>): Promise<void> {
  const from = documents.length;
  await run();
  byPath[name] = emittedSince(from).map(({ key }) => keyOf(key));
}

beforeAll(async () => {
  const { stack } = buildApp('webhooks.config.json', new App({ context: { 'aws:cdk:bundling-stacks': [] } }));
  template = Template.fromStack(stack);
  // Namespace and service exactly as the functions get them in AWS.
  const environments = Object.values(template.findResources('AWS::Lambda::Function')).map(
    (fn) => fn.Properties.Environment.Variables as Record<string, unknown>,
  );
  expect(environments).toHaveLength(FUNCTION_NAMES.length);
  namespace = String(environments[0]!.POWERTOOLS_METRICS_NAMESPACE);
  service = String(environments[0]!.POWERTOOLS_SERVICE_NAME);
  for (const environment of environments) expect(environment).toMatchObject({ POWERTOOLS_METRICS_NAMESPACE: namespace, POWERTOOLS_SERVICE_NAME: service });

  config = loadConfigFile('webhooks.config.json');
  const endpoints = { dynamodb: inject('dynamoEndpoint'), sqs: inject('sqsEndpoint') };
  clients = localClients(endpoints);
  resources = await createLocalResources(clients, config, { prefix: `m${randomBytes(4).toString('hex')}` });
  for (const source of config.sources) {
    // A public-key provider's secret is the public key; its samples are signed with the private one.
    const keys = generateSigningKeys(source.provider);
    secrets[source.name] = keys?.publicKey ?? testSecretFor(source.provider);
    if (keys) signingKeys[source.name] = keys.privateKey;
  }
  await receiver.start();

  // The functions' config as the local runtime loads it, with a 1 s retry schedule.
  const functionConfig = loadLocalConfig('webhooks.config.json', { retrySchedule: '1' });
  stepFunctions = retryStateMachine({
    name: `${resources.tableName}-retries`,
    outbound: functionConfig.outbound,
    deliver: (input) => deliver(input, lambdaContext('deliver', 30)),
  });
  const sfnEndpoint = await stepFunctions.listen();
  const sfn = localSfnClient(sfnEndpoint);

  // Powertools reads its settings from the process environment, as in Lambda: namespace and service as the stack sets them, metrics on.
  Object.assign(process.env, powertoolsEnvironment(service, { logLevel: process.env[POWERTOOLS_VARIABLES.logLevel] ?? 'INFO', metricsDisabled: false }), {
    [POWERTOOLS_VARIABLES.metricsNamespace]: namespace,
  });
  // Each function's environment as the local runtime writes it; the sources' secrets in the ingress's.
  const names: LocalNames = {
    tableName: resources.tableName,
    payloadBucket: resources.bucketName,
    inbound: resources.inbound,
    outbound: resources.outbound,
    retryStateMachineArn: stepFunctions.stateMachineArn,
    allowPrivateTargets: true,
  };
  const secretVariables = Object.fromEntries(Object.entries(secrets).map(([name, value]) => [secretEnvName(name), value]));
  const environmentsFor = (queueNames: LocalNames) => {
    const written = Object.fromEntries(FUNCTION_NAMES.map((fn) => [fn, localEnvironment(fn, queueNames)])) as Record<FunctionName, Record<string, string>>;
    return { ...written, ingress: { ...written.ingress, ...secretVariables } };
  };
  const functionClients = { ...clients, sfn };
  // The stream function's module needs Lambda's response-streaming globals, as the local runtime installs them.
  installLambdaStreaming();
  // Collect what the handlers print (EMF documents); let anything else through.
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const lines = text.split('\n').filter((line) => line.length);
    const other = lines.filter((line) => {
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (parsed._aws) {
          documents.push(parsed);
          return false;
        }
      } catch {
        // not JSON
      }
      return true;
    });
    return other.length ? write(`${other.join('\n')}\n`, ...(rest as [])) : true;
  }) as typeof process.stdout.write;
  restoreStdout = () => {
    process.stdout.write = write;
  };

  // Ingress failing on a dependency (its queue does not exist): a function of its own, as a fresh container.
  const missingQueue = { ...resources.inbound, queueUrl: `${endpoints.sqs}/000000000000/${resources.tableName}-no-such-queue` };
  const failing = (
    await localFunctions({ config: functionConfig, clients: functionClients, environments: environmentsFor({ ...names, inbound: missingQueue }) })
  ).ingress as unknown as typeof ingress;
  await path('ingress failure', async () => {
    const sample = await sampleWebhook(config.sources.find((s) => s.name === 'github')!, secrets.github!, { url: `https://${DOMAIN}/webhooks/github` });
    const response = await failing(webhookEvent('github', sample.headers, sample.body), lambdaContext('ingress', 10));
    expect(response.statusCode).toBe(503);
  });

  // A status-log write throttled (a hot partition): DynamoDB Local never throttles, so this one
  // fault is injected, by a middleware on a real client that refuses only the status entries'
  // puts, as DynamoDB would; every other call reaches the emulator.
  const throttled = localClients(endpoints);
  throttled.dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      const item = (args.input as { Item?: { pk?: { S?: string } | string } }).Item;
      const pk = typeof item?.pk === 'string' ? item.pk : item?.pk?.S;
      if (context.commandName === 'PutItemCommand' && pk?.startsWith('STATUS#')) {
        throw new ProvisionedThroughputExceededException({
          message: 'The level of configured provisioned throughput for the table was exceeded.',
          $metadata: {},
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'throttle-status-writes' },
  );
  const throttledIngress = (await localFunctions({ config: functionConfig, clients: { ...throttled, sfn }, environments: environmentsFor(names) }))
    .ingress as unknown as typeof ingress;
  await path('status write throttled', async () => {
    const sample = await sampleWebhook(config.sources.find((s) => s.name === 'github')!, secrets.github!, { url: `https://${DOMAIN}/webhooks/github` });
    // The event is recorded and queued: the provider gets its 200; the lost status change is counted.
    expect((await throttledIngress(webhookEvent('github', sample.headers, sample.body), lambdaContext('ingress', 10))).statusCode).toBe(200);
  });

  // The real handlers (their middleware, their metrics), each given its dependencies by the composition root, as the local runtime does.
  // Each function has clients of its own that record what it sends (IAM across the boundary).
  roles = functionRoles(template, FUNCTION_NAMES);
  const secretArns = Object.fromEntries(
    Object.keys(template.findResources('AWS::SecretsManager::Secret')).map((id) => [id, `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${id}-AbCdEf`]),
  );
  // The secrets' variables exactly as the stack writes them, for these ARNs.
  const asInStack = (fn: FunctionName, variable: string) =>
    String(resolveIntrinsics(roles[fn]!.environment[variable], { account: ACCOUNT, region: REGION }, (id) => secretArns[id] ?? `unresolved:${id}`));
  const written = environmentsFor(names);
  const recordedEnvironments: Record<FunctionName, Record<string, string>> = {
    ...written,
    ingress: {
      // Without the WEBHOOK_SECRET_<NAME> variables: the secrets come from Secrets Manager, as in AWS.
      ...localEnvironment('ingress', names),
      SOURCE_SECRET_IDS: asInStack('ingress', 'SOURCE_SECRET_IDS'),
      SECRET_ARN_PREFIX: asInStack('ingress', 'SECRET_ARN_PREFIX'),
      SECRET_CACHE_SECONDS: asInStack('ingress', 'SECRET_CACHE_SECONDS'),
    },
    api: { ...written.api, PORTAL_KEY_SECRET: asInStack('api', 'PORTAL_KEY_SECRET'), SECRET_CACHE_SECONDS: asInStack('api', 'SECRET_CACHE_SECONDS') },
  };
  const secretIds = JSON.parse(recordedEnvironments.ingress.SOURCE_SECRET_IDS!) as Record<string, string>;
  const secretValues = new Map<string, string>(
    Object.entries(secretIds).map(([source, id]) => [`${recordedEnvironments.ingress.SECRET_ARN_PREFIX}${id}`, secrets[source]!]),
  );
  secretValues.set(recordedEnvironments.api.PORTAL_KEY_SECRET!, randomBytes(32).toString('hex'));
  const secretsManager = new SecretsManagerStandIn(secretValues);
  const secretsEndpoint = await secretsManager.listen();
  // Powertools Parameters' default provider, as getSecret builds it, with a client pointed at the stand-in.
  const secretsClient = new SecretsManagerClient({ region: REGION, credentials: LOCAL_CREDENTIALS, endpoint: secretsEndpoint });
  DEFAULT_PROVIDERS.secrets = new SecretsProvider({ awsSdkV3Client: recorder.record(() => running.getStore(), secretsClient) });
  // SQS's message move API, as the local runtime serves it in front of fauxqs (the api's redrive).
  const messageMove = new MessageMoveProxy({ upstream: endpoints.sqs, sqs: clients.sqs, queues: [resources.inbound, resources.outbound] });
  const messageMoveEndpoint = await messageMove.listen();
  stopBoundary = async () => {
    await messageMove.stop();
    await secretsManager.stop();
    secretsClient.destroy();
  };
  refs = localReferences(template, roles, recordedEnvironments, secretArns);
  const recordedClients = (fn: FunctionName) => {
    const own = localClients(endpoints);
    recorder.record(fn, own.dynamodb);
    recorder.record(fn, own.s3);
    return {
      ...own,
      sqs: recorder.record(fn, fn === 'api' ? localSqsClient(messageMoveEndpoint) : own.sqs),
      sfn: recorder.record(fn, localSfnClient(sfnEndpoint)),
    };
  };
  const recorded = async <F extends FunctionName>(fn: F) => {
    const built = (await localFunctions({ config: functionConfig, clients: recordedClients(fn), environments: recordedEnvironments }))[fn] as unknown as (
      ...args: unknown[]
    ) => Promise<unknown>;
    return ((...args: unknown[]) => running.run(fn, () => built(...args))) as never;
  };
  ingress = await recorded('ingress');
  processor = await recorded('processor');
  api = await recorded('api');
  dispatcher = await recorded('dispatcher');
  deliver = await recorded('deliver');
  const reconciler: (event: unknown, context: Context) => Promise<unknown> = await recorded('reconciler');
  const stream: (event: unknown, output: Writable, context: Context) => Promise<void> = await recorded('stream');

  // Inbound: accepted, duplicate, bad signature; then processed, dead-lettered, handler failure.
  const stripe = config.sources.find((s) => s.name === 'stripe')!;
  const sample = await sampleWebhook(stripe, secrets.stripe!, { url: `https://${DOMAIN}/webhooks/stripe`, eventType: 'invoice.paid' });
  await path('accepted', async () => {
    expect((await ingress(webhookEvent('stripe', sample.headers, sample.body), lambdaContext('ingress', 10))).statusCode).toBe(200);
  });
  await path('duplicate', async () => {
    const response = await ingress(webhookEvent('stripe', sample.headers, sample.body), lambdaContext('ingress', 10));
    expect(JSON.parse(response.body!)).toMatchObject({ duplicate: true });
  });
  await path('bad signature', async () => {
    const forged = { ...sample.headers, 'stripe-signature': sample.headers['stripe-signature']!.replace(/v1=\w+/, `v1=${'0'.repeat(64)}`) };
    expect((await ingress(webhookEvent('stripe', forged, sample.body), lambdaContext('ingress', 10))).statusCode).toBe(401);
  });
  const poison = signedStripe({
    id: `evt_poison_${randomBytes(4).toString('hex')}`,
    object: 'event',
    type: 'customer.subscription.updated',
    created: 1,
    data: { object: { id: 'sub_x' } },
  });
  const largeId = `evt_large_${randomBytes(4).toString('hex')}`;
  // Above claimCheckBytes: stored in the bucket, whose object then goes missing (a real fault).
  const large = signedStripe({
    id: largeId,
    object: 'event',
    type: 'invoice.paid',
    created: 1,
    data: { object: { id: 'in_large', padding: randomBytes(150_000).toString('hex') } },
  });
  for (const event of [poison, large])
    expect((await ingress(webhookEvent('stripe', event.headers, event.body), lambdaContext('ingress', 10))).statusCode).toBe(200);
  await clients.s3.send(new DeleteObjectCommand({ Bucket: resources.bucketName, Key: `inbound/stripe/${createHash('sha256').update(largeId).digest('hex')}` }));

  const queued = await receive(resources.inbound.queueUrl, 3);
  const largeMessage = queued.filter((message) => message.Body?.includes(largeId));
  await path('processed, dead-lettered, handler failure', async () => {
    const response = await processor(sqsEvent(queued, resources.inbound.queueArn), lambdaContext('processor', config.inbound.processorTimeoutSeconds));
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(largeMessage.map((message) => message.MessageId));
  });
  await path('handler failure on the last receive', async () => {
    const response = await processor(sqsEvent(largeMessage, resources.inbound.queueArn, config.inbound.maxReceiveCount), lambdaContext('processor', 30));
    expect(response.batchItemFailures).toHaveLength(1);
  });
  await path('reconciled (a stuck event queued again)', async () => {
    // The accepted event's record left `queued` long ago: its message is taken as lost.
    await clients.documents.send(
      new UpdateCommand({
        TableName: resources.tableName,
        Key: { pk: `EVENT#stripe#${sample.eventId}`, sk: 'EVENT' },
        UpdateExpression: 'SET #status = :queued, updatedAt = :long_ago',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':queued': 'queued', ':long_ago': new Date(Date.now() - stuckAfterMs(config) - 60_000).toISOString() },
      }),
    );
    const response = await ingress(webhookEvent('stripe', sample.headers, sample.body), lambdaContext('ingress', 10));
    expect(JSON.parse(response.body!)).toMatchObject({ duplicate: false });
  });
  await path('reconciled by the scheduled reconciler', async () => {
    // The same record, now also received long ago (inside the reconciler's window), still unchanged: the schedule finds it.
    const longAgo = new Date(Date.now() - stuckAfterMs(config) - 60_000).toISOString();
    await clients.documents.send(
      new UpdateCommand({
        TableName: resources.tableName,
        Key: { pk: `EVENT#stripe#${sample.eventId}`, sk: 'EVENT' },
        // Left `received` by a dead ingress: the reconciler claims it (UpdateItem), queues it and marks it queued.
        UpdateExpression: 'SET receivedAt = :long_ago, gsi1sk = :sk, #status = :received',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':long_ago': longAgo, ':sk': `${longAgo}#${sample.eventId}`, ':received': 'received' },
      }),
    );
    const result = (await reconciler({}, lambdaContext('reconciler', 120))) as { reconciled: number };
    expect(result.reconciled).toBeGreaterThanOrEqual(1);
  });

  // Outbound: succeeded, failed with the endpoint disabled (410), exhausted (500 through the retry schedule), abandoned.
  receiver.script('/gone', 410).script('/down', 500);
  // An in-flight limit on two of them: each attempt holds a lease, given back after it (the throttle's writes and delete).
  const endpointFor = async (path: string, eventType: string, extra: Record<string, unknown> = {}) => {
    const created = await callApi('POST', '/api/v1/endpoints', { url: receiver.url(path), eventTypes: [eventType], ...extra });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id as string;
  };
  const down = await endpointFor('/down', 'metrics.down', { maxInFlight: 5 });
  await endpointFor('/ok', 'metrics.ok', { maxInFlight: 5 });
  await endpointFor('/gone', 'metrics.gone');
  const published: Record<string, string> = {};
  for (const eventType of ['metrics.ok', 'metrics.gone', 'metrics.down']) {
    const response = await callApi('POST', '/api/v1/messages', { eventType, payload: { eventType } });
    expect(response.status).toBe(202);
    published[eventType] = response.body.id;
  }
  const work = await receive(resources.outbound.queueUrl, 3);
  await path('delivery succeeded, failed, endpoint disabled, first attempt failed', async () => {
    const response = await dispatcher(sqsEvent(work, resources.outbound.queueArn), lambdaContext('dispatcher', 60));
    expect(response.batchItemFailures).toEqual([]);
  });
  const deliveries = new DynamoDbDeliveryStore(clients.documents, resources.tableName);
  await path('exhausted (the retry schedule through Step Functions)', async () => {
    await eventually(
      async () => (await deliveries.getDelivery(published['metrics.down']!, down))?.status === 'exhausted',
      20_000,
      'the delivery to /down to be exhausted',
    );
  });
  await path('abandoned (RecordFailure)', async () => {
    const now = new Date().toISOString();
    await deliveries.createDelivery(
      {
        messageId: published['metrics.down']!,
        endpointId: 'ep_stuck',
        eventType: 'metrics.down',
        status: 'retrying',
        attempts: 1,
        createdAt: now,
        updatedAt: now,
      },
      Math.floor(Date.now() / 1000) + 3600,
    );
    const result = await deliver(
      { kind: 'abandon', messageId: published['metrics.down'], endpointId: 'ep_stuck', failure: { Error: 'States.Timeout' } },
      lambdaContext('deliver', 30),
    );
    expect(result).toEqual({ outcome: 'done', status: 'failed' });
  });

  // The live status stream: one short run (it reads the status log until its time is nearly up).
  const output = Object.assign(new Writable({ write: (_chunk, _encoding, done) => done() }), { setMeta: () => undefined });
  // From a Last-Event-ID a minute back, so its first read queries the log.
  const minuteAgo = new Date(Date.now() - 60_000).toISOString();
  const lastEventId = `${minuteAgo.slice(0, 16)}|${minuteAgo}#00000000`;
  await stream(httpEvent({ path: '/api/v1/stream', headers: { 'last-event-id': lastEventId } }), output, lambdaContext('stream', 6));

  // A large inbound event kept in the bucket, for the API's event body.
  const keptId = `evt_kept_${randomBytes(4).toString('hex')}`;
  const kept = signedStripe({
    id: keptId,
    object: 'event',
    type: 'invoice.paid',
    created: 1,
    data: { object: { padding: randomBytes(150_000).toString('hex') } },
  });
  expect((await ingress(webhookEvent('stripe', kept.headers, kept.body), lambdaContext('ingress', 10))).statusCode).toBe(200);
  // The relay: with an endpoint subscribed, the processor publishes what it processed to the
  // sending side (the endpoints read, the message stored, the large body claim-checked, queued).
  expect((await callApi('POST', '/api/v1/endpoints', { url: receiver.url('/relayed'), eventTypes: ['stripe.*'] })).status).toBe(201);
  const pending: Message[] = [];
  await eventually(
    async () => {
      pending.push(...(await receive(resources.inbound.queueUrl, 1)));
      return pending.some((message) => message.Body?.includes(keptId));
    },
    10_000,
    'the kept event on the inbound queue',
  );
  const relayed = await processor(sqsEvent(pending, resources.inbound.queueArn), lambdaContext('processor', config.inbound.processorTimeoutSeconds));
  const keptMessage = pending.find((message) => message.Body?.includes(keptId))!;
  expect(relayed.batchItemFailures.map((failure) => failure.itemIdentifier)).not.toContain(keptMessage.MessageId);
  // One webhook of every source, so each source's secret is read (GetSecretValue on its own secret).
  for (const source of config.sources) {
    const signingKey = signingKeys[source.name];
    const each = await sampleWebhook(source, secrets[source.name]!, {
      url: `https://${DOMAIN}/webhooks/${source.name}`,
      ...(signingKey ? { signingKey } : {}),
    });
    const response = await ingress(webhookEvent(source.name, each.headers, each.body), lambdaContext('ingress', 10));
    expect(response.statusCode, source.name).toBeLessThan(500);
  }
  // /tour fails, so the large message the tour publishes to it is retried by the deliver task (its payload read back from the bucket).
  receiver.script('/tour', 500);
  await driveApi({ eventId: sample.eventId, keptId, messageId: published['metrics.ok']!, down });
  // The work the API queued (the messages published, a manual retry, an endpoint replay, a test), through the dispatcher.
  const queuedWork: Message[] = [];
  for (let batch = await receiveNow(resources.outbound.queueUrl); batch.length; batch = await receiveNow(resources.outbound.queueUrl))
    queuedWork.push(...batch);
  expect(queuedWork.length).toBeGreaterThan(3);
  expect((await dispatcher(sqsEvent(queuedWork, resources.outbound.queueArn), lambdaContext('dispatcher', 60))).batchItemFailures).toEqual([]);
  await eventually(
    async () => recorder.calls.some((call) => call.fn === 'deliver' && call.command === 'GetObject'),
    20_000,
    'the deliver task to read a claim-checked payload for a retry',
  );
}, 120_000);

/** Calls one API operation (`route` as openapi.yaml names it, `{…}` filled from `params`) and records its status. */
async function operation(
  route: string,
  params: Record<string, string> = {},
  options: { body?: unknown; query?: string; token?: string } = {},
): Promise<{ status: number; body: any }> {
  const [method, template] = route.split(' ') as [string, string];
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? `missing-${name}`));
  const response = await api(
    httpEvent({
      method,
      path,
      headers: { 'content-type': 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
      ...(options.query ? { query: options.query } : {}),
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    }),
    lambdaContext('api', 10),
  );
  driven.set(route, [...(driven.get(route) ?? []), response.statusCode ?? 200]);
  const text = response.body ?? '';
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // a page
  }
  return { status: response.statusCode ?? 200, body };
}

/** The management API, the console and the tenant portal, over every operation openapi.yaml documents for the api function. */
async function driveApi(ids: { eventId: string; keptId: string; messageId: string; down: string }): Promise<void> {
  const source = 'stripe';
  const event = { source, eventId: ids.eventId };
  await operation('GET /api/v1/sources');
  await operation('GET /api/v1/sources/{source}/events', { source });
  await operation('GET /api/v1/sources/{source}/events/{eventId}', event);
  await operation('GET /api/v1/sources/{source}/events/{eventId}/body', { source, eventId: ids.keptId });
  await operation('POST /api/v1/sources/{source}/events/{eventId}/replay', event);
  await operation('GET /api/v1/dlq');
  await operation('GET /api/v1/dlq/{queue}', { queue: 'inbound' });
  await operation('GET /api/v1/dlq/{queue}/messages', { queue: 'inbound' });
  await operation('POST /api/v1/dlq/{queue}/redrive', { queue: 'outbound' });
  await operation('GET /api/v1/dlq/{queue}/redrive', { queue: 'outbound' });
  await operation('POST /api/v1/dlq/redrive');
  const created = await operation('POST /api/v1/endpoints', {}, { body: { url: receiver.url('/tour'), eventTypes: ['tour.*'] } });
  const id = created.body.id as string;
  await operation('GET /api/v1/endpoints');
  await operation('GET /api/v1/endpoints/{id}', { id });
  await operation('PATCH /api/v1/endpoints/{id}', { id }, { body: { description: 'tour' } });
  await operation('GET /api/v1/endpoints/{id}/secret', { id });
  await operation('POST /api/v1/endpoints/{id}/rotate-secret', { id });
  await operation('POST /api/v1/endpoints/{id}/replay', { id: ids.down }, { body: { since: new Date(Date.now() - 3_600_000).toISOString() } });
  await operation('POST /api/v1/endpoints/{id}/test', { id });
  const message = { id: ids.messageId };
  // Large: its payload is claim-checked to the bucket, and read back from it.
  const large = await operation(
    'POST /api/v1/messages',
    {},
    { body: { eventType: 'tour.created', payload: { padding: randomBytes(150_000).toString('hex') } } },
  );
  expect(large.status).toBe(202);
  await operation('GET /api/v1/messages');
  await operation('GET /api/v1/messages/{id}', message);
  await operation('GET /api/v1/messages/{id}/attempts', message);
  await operation('GET /api/v1/messages/{id}/payload', { id: large.body.id as string });
  await operation('POST /api/v1/messages/{id}/retry', message);
  await operation('POST /api/v1/expressions/evaluate', {}, { body: { payload: { amount: 1 }, filter: 'amount > 0' } });
  await operation('GET /api/v1/search', {}, { query: `q=${encodeURIComponent(ids.eventId)}` });
  await operation('GET /api/v1/stats');
  await operation('GET /console');
  await operation('GET /portal');
  const link = await operation('POST /api/v1/tenants/{tenantId}/portal-link', { tenantId: 'acme' });
  const token = decodeURIComponent(String(link.body.url).split('#token=')[1] ?? '');
  const as = { token };
  await operation('GET /portal/api/session', {}, as);
  const mine = await operation('POST /portal/api/endpoints', {}, { ...as, body: { url: receiver.url('/portal-tour'), eventTypes: ['tour.*'] } });
  const portalId = { id: mine.body.id as string };
  await operation('GET /portal/api/endpoints', {}, as);
  await operation('GET /portal/api/endpoints/{id}', portalId, as);
  await operation('PATCH /portal/api/endpoints/{id}', portalId, { ...as, body: { description: 'mine' } });
  await operation('GET /portal/api/endpoints/{id}/secret', portalId, as);
  await operation('POST /portal/api/endpoints/{id}/rotate-secret', portalId, as);
  await operation('POST /portal/api/endpoints/{id}/replay', portalId, { ...as, body: { since: new Date(Date.now() - 3_600_000).toISOString() } });
  const test = await operation('POST /portal/api/endpoints/{id}/test', portalId, as);
  const portalMessage = { id: String(test.body?.id ?? ids.messageId) };
  await operation('POST /portal/api/expressions/evaluate', {}, { ...as, body: { payload: { amount: 1 }, filter: 'amount > 0' } });
  await operation('GET /portal/api/messages', {}, as);
  await operation('GET /portal/api/messages/{id}', portalMessage, as);
  await operation('GET /portal/api/messages/{id}/payload', portalMessage, as);
  await operation('GET /portal/api/messages/{id}/attempts', portalMessage, as);
  await operation('POST /portal/api/messages/{id}/retry', portalMessage, as);
  await operation('GET /portal/api/search', {}, { ...as, query: 'q=tour' });
  await operation('DELETE /portal/api/endpoints/{id}', portalId, as);
  const throwaway = await operation('POST /api/v1/endpoints', {}, { body: { url: receiver.url('/throwaway'), eventTypes: ['never.*'] } });
  await operation('DELETE /api/v1/endpoints/{id}', { id: throwaway.body.id as string });
}

afterAll(async () => {
  restoreStdout?.();
  await stopBoundary();
  await stepFunctions?.stop();
  await receiver.stop();
});

/** The metrics of our namespace that alarms watch: [alarm id, metric]. */
function alarmMetrics(): Array<[string, MetricKey]> {
  const found: Array<[string, MetricKey]> = [];
  const toKey = (metric: { Namespace: string; MetricName: string; Dimensions?: Array<{ Name: string; Value: unknown }> }): MetricKey => ({
    namespace: metric.Namespace,
    name: metric.MetricName,
    dimensions: Object.fromEntries((metric.Dimensions ?? []).map((dimension) => [dimension.Name, String(dimension.Value)])),
  });
  for (const [id, alarm] of Object.entries(template.findResources('AWS::CloudWatch::Alarm'))) {
    const properties = alarm.Properties;
    if (properties.MetricName) found.push([id, toKey(properties)]);
    for (const query of properties.Metrics ?? []) if (query.MetricStat) found.push([id, toKey(query.MetricStat.Metric)]);
  }
  return found.filter(([, metric]) => metric.namespace === namespace);
}

interface DashboardMetrics {
  readonly explicit: Array<[string, MetricKey]>;
  /** SEARCH expressions: the namespace, the exact dimension keys, and the metric names they match. */
  readonly searches: Array<{ widget: string; namespace: string; keys: string[]; names: string[] }>;
}

function dashboardMetrics(): DashboardMetrics {
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  const body = dashboard!.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  // Tokens (a Ref to a queue, the region) become placeholders; every one sits inside a JSON string.
  const json = body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
  const widgets = (JSON.parse(json) as { widgets: Array<{ properties: { title?: string; metrics?: unknown[][] } }> }).widgets;
  const explicit: DashboardMetrics['explicit'] = [];
  const searches: DashboardMetrics['searches'] = [];
  for (const widget of widgets) {
    const title = widget.properties.title ?? '(untitled)';
    for (const line of widget.properties.metrics ?? []) {
      const [first] = line;
      if (first && typeof first === 'object') {
        const expression = String((first as { expression?: string }).expression ?? '');
        const search = /^SEARCH\('\{([^}]*)\}(.*)',\s*'[^']+',\s*\d+\)$/.exec(expression);
        if (search) {
          const [searchNamespace, ...keys] = search[1]!.split(',');
          searches.push({
            widget: title,
            namespace: searchNamespace!,
            keys,
            names: [...search[2]!.matchAll(/MetricName="([^"]+)"/g)].map((match) => match[1]!),
          });
        }
        continue;
      }
      const parts = line.filter((part) => typeof part === 'string') as string[];
      const [metricNamespace, name, ...pairs] = parts;
      const dimensions: Record<string, string> = {};
      for (let i = 0; i + 1 < pairs.length; i += 2) dimensions[pairs[i]!] = pairs[i + 1]!;
      if (metricNamespace === namespace) explicit.push([title, { namespace: metricNamespace, name: name!, dimensions }]);
    }
  }
  return { explicit, searches };
}

describe('metrics: what the handlers emit against what the stack watches', () => {
  it('emits, on every path, under {service} and the drill-down sets of the model', () => {
    const has = (pathName: string, ...keys: string[]) => {
      for (const key of keys) expect(byPath[pathName], `${pathName}: ${key}`).toContain(key);
    };
    const s = `service=${service}`;
    has(
      'ingress failure',
      `${namespace} received {${s}, source=github}`,
      `${namespace} ingressErrors {${s}}`,
      `${namespace} ingressErrors {${s}, source=github}`,
    );
    has(
      'accepted',
      `${namespace} received {${s}}`,
      `${namespace} received {${s}, source=stripe}`,
      `${namespace} queued {${s}}`,
      `${namespace} queued {${s}, source=stripe}`,
    );
    has('status write throttled', `${namespace} statusWritesFailed {${s}}`, `${namespace} queued {${s}}`);
    has('duplicate', `${namespace} duplicates {${s}}`, `${namespace} duplicates {${s}, source=stripe}`);
    has('reconciled (a stuck event queued again)', `${namespace} reconciled {${s}}`, `${namespace} reconciled {${s}, source=stripe}`);
    has('reconciled by the scheduled reconciler', `${namespace} reconciled {${s}}`, `${namespace} reconciled {${s}, source=stripe}`);
    has(
      'bad signature',
      `${namespace} verificationFailures {${s}}`,
      `${namespace} verificationFailures {reason=mismatch, ${s}}`,
      `${namespace} verificationFailures {${s}, source=stripe}`,
    );
    has(
      'processed, dead-lettered, handler failure',
      `${namespace} processed {${s}}`,
      `${namespace} processingLatency {${s}, source=stripe}`,
      `${namespace} deadLettered {${s}}`,
      `${namespace} processingFailures {${s}, source=stripe}`,
    );
    has('handler failure on the last receive', `${namespace} processingFailures {${s}}`, `${namespace} deadLettered {${s}, source=stripe}`);
    has(
      'delivery succeeded, failed, endpoint disabled, first attempt failed',
      `${namespace} deliveryAttempts {outcome=succeeded, ${s}}`,
      `${namespace} deliveryAttempts {outcome=failed, ${s}}`,
      `${namespace} deliveriesSucceeded {${s}}`,
      `${namespace} deliveriesFailed {${s}}`,
      `${namespace} endpointsDisabled {${s}}`,
    );
    has(
      'exhausted (the retry schedule through Step Functions)',
      `${namespace} deliveriesExhausted {${s}}`,
      `${namespace} deliveryLatency {outcome=failed, ${s}}`,
    );
    has('abandoned (RecordFailure)', `${namespace} deliveriesAbandoned {${s}}`, `${namespace} deliveriesFailed {${s}}`);
    // Nothing outside the model: one namespace, and only the drill-down keys it names.
    for (const { key } of emittedSince()) {
      expect(key.namespace).toBe(namespace);
      expect(key.dimensions.service).toBe(service);
      for (const dimension of Object.keys(key.dimensions)) expect(['service', 'source', 'reason', 'outcome']).toContain(dimension);
      expect(Object.keys(key.dimensions).length).toBeLessThanOrEqual(2);
    }
  });

  it('emits every metric an alarm watches, with that exact dimension set and values', () => {
    const emitted = new Set(emittedSince().map(({ key }) => keyOf(key)));
    const watched = alarmMetrics();
    expect(watched.map(([id]) => id)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/VerificationFailures/),
        expect.stringMatching(/DeliverySuccessRate/),
        expect.stringMatching(/EventsReconciled/),
      ]),
    );
    for (const [id, metric] of watched) expect(emitted.has(keyOf(metric)), `alarm ${id} watches ${keyOf(metric)}, which nothing emits`).toBe(true);
  });

  it('emits every metric a dashboard line shows, with that exact dimension set and values', () => {
    const emitted = new Set(emittedSince().map(({ key }) => keyOf(key)));
    const { explicit, searches } = dashboardMetrics();
    expect(explicit.length).toBeGreaterThan(15);
    for (const [widget, metric] of explicit) expect(emitted.has(keyOf(metric)), `widget "${widget}" shows ${keyOf(metric)}, which nothing emits`).toBe(true);
    for (const search of searches) {
      const hits = emittedSince().filter(
        ({ key }) => key.namespace === search.namespace && sameKeys(key, search.keys) && (!search.names.length || search.names.includes(key.name)),
      );
      expect(
        hits.length,
        `widget "${search.widget}" searches {${search.namespace},${search.keys.join(',')}} for ${search.names.join(', ')}, which nothing emits`,
      ).toBeGreaterThan(0);
    }
  });

  it('graphs or alarms on every metric emitted: {service} ones by name, drill-down ones by a search of their dimension set', () => {
    const watched = new Set([...alarmMetrics(), ...dashboardMetrics().explicit].map(([, metric]) => keyOf(metric)));
    const { searches } = dashboardMetrics();
    const unwatched = new Set<string>();
    for (const { key } of emittedSince()) {
      if (watched.has(keyOf(key))) continue;
      const searched = searches.some(
        (search) => search.namespace === key.namespace && sameKeys(key, search.keys) && (!search.names.length || search.names.includes(key.name)),
      );
      if (!searched) unwatched.add(keyOf(key));
    }
    expect([...unwatched]).toEqual([]);
  });
});

/**
 * Grants no call of this run needs, each with the reason it is there. Any other grant no call
 * needed fails the test: a stale grant is removed, or its path driven here, or its reason given.
 */
const UNEXERCISED_ALLOWED: ReadonlyArray<readonly [RegExp, string]> = [
  [/^\w+: logs:(CreateLogStream|PutLogEvents) on \w+Logs\.Arn$/, 'the Lambda service writes the function’s logs to its own log group'],
  [/^\w+: xray:(PutTraceSegments|PutTelemetryRecords) on \*$/, 'active tracing: the Lambda service sends the trace segments'],
  [
    /^(processor: sqs:\w+ on InboundQueuesQueue|dispatcher: sqs:\w+ on OutboundQueuesQueue)\.Arn$/,
    'the SQS event source mapping receives, deletes and extends visibility with the consumer’s role (CDK grants them with the event source)',
  ],
  [
    /^(dispatcher|deliver): s3:PutObject on StoragePayloads\.Arn\/outbound\/\*$/,
    'their operational events go through the one publish path, which claim-checks a payload over claimCheckBytes; the events are small, so no run stores one',
  ],
];

describe('IAM: what each function sends across the boundary against what its role allows', () => {
  it('records calls from every declared function', () => {
    expect(recorder.functions()).toEqual([...FUNCTION_NAMES].sort());
  });

  it('drives every operation openapi.yaml documents for the api function, none answered with a 5xx', () => {
    const documented = loadContract().operations.filter((route) => !route.startsWith('GET /api/v1/stream') && /^\w+ \/(api\/v1|console|portal)/.test(route));
    expect(documented.length).toBeGreaterThan(40);
    expect(documented.filter((route) => !driven.has(route))).toEqual([]);
    // The console's and the portal's pages are built by `npm start` and embedded by the bundle; nothing builds them here (they make no AWS call).
    const failed = [...driven].filter(([route, statuses]) => !['GET /console', 'GET /portal'].includes(route) && statuses.some((status) => status >= 500));
    expect(failed).toEqual([]);
  });

  it('sends no call its role does not allow: every command, as its IAM action(s), on the resource it names', () => {
    const nameOf = templateNameOf(template, refs);
    const statements = Object.fromEntries(Object.entries(roles).map(([fn, role]) => [fn, resolvedStatements(role, refs)]));
    expect(recorder.calls.length).toBeGreaterThan(100);
    const exercised = new Set(
      recorder.calls.flatMap((call) =>
        call.requests.map((request) => `  ${call.fn}: ${call.client} ${call.command} → ${request.action} on ${nameOf(request.resource)}`),
      ),
    );
    console.info(`Calls recorded (${recorder.calls.length}), as IAM requests:\n${[...exercised].sort().join('\n')}`);
    expect(deniedCalls(recorder.calls, (fn) => statements[fn] ?? [], nameOf)).toEqual([]);
  });

  it('exercises every grant of every role, but those allowed here with their reason (least privilege)', () => {
    const unexercised = FUNCTION_NAMES.flatMap((fn) => unexercisedGrants(fn, roles[fn]!, refs, recorder.calls));
    const explained = unexercised.map((grant) => [grant, UNEXERCISED_ALLOWED.find(([pattern]) => pattern.test(grant))?.[1]] as const);
    console.info(
      `Granted, not exercised by this run (${unexercised.length}):\n${explained.map(([grant, reason]) => `  ${grant}${reason ? `: ${reason}` : ' (UNEXPLAINED)'}`).join('\n')}`,
    );
    expect(explained.filter(([, reason]) => !reason).map(([grant]) => grant)).toEqual([]);
    // No stale reason: each still explains a grant.
    for (const [pattern, reason] of UNEXERCISED_ALLOWED)
      expect(
        unexercised.some((grant) => pattern.test(grant)),
        reason,
      ).toBe(true);
  });

  it('touches no resource encrypted with a customer managed KMS key, so no function needs a kms: grant', () => {
    const nameOf = templateNameOf(template, refs);
    const touched = new Set(recorder.calls.flatMap((call) => call.requests.map((request) => nameOf(request.resource).split(/[./]/)[0]!)));
    const resources = template.toJSON().Resources as Record<string, { Type: string; Properties?: unknown }>;
    const ids = Object.keys(resources).filter((id) => touched.has(id.replace(/[0-9A-F]{8}$/, '')));
    expect(ids.map((id) => resources[id]!.Type).sort()).toEqual(
      expect.arrayContaining(['AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::SQS::Queue', 'AWS::SecretsManager::Secret', 'AWS::StepFunctions::StateMachine']),
    );
    for (const id of ids) expect(JSON.stringify(resources[id]!.Properties ?? {}), id).not.toMatch(/kms/i);
    for (const role of Object.values(roles)) expect(JSON.stringify(role.statements)).not.toContain('kms:');
  });
});

function sameKeys(key: MetricKey, keys: readonly string[]): boolean {
  const mine = Object.keys(key.dimensions).sort();
  const theirs = [...keys].sort();
  return mine.length === theirs.length && mine.every((name, index) => name === theirs[index]);
}
