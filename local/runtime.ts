/**
 * The whole system on one machine: DynamoDB Local and fauxqs, the resources the stack declares,
 * the real Lambda handlers behind a local API Gateway, the SQS event source mappings and the
 * retry state machine. What runs is the plan derived from the function declarations (routes,
 * timeouts, batch settings: local/plan.ts); each function gets the environment the contract
 * writes and its dependencies from the composition root, on the emulators' clients. Nothing is
 * written into `process.env` but Powertools' own settings.
 */
import path from 'node:path';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { buildConsolePages } from '../console/build';
import type { GatewayConfig } from '../shared/config/schema';
import { FUNCTION_NAMES, powertoolsEnvironment, VARIABLES, type FunctionName } from '../shared/deployment/environment';
import { SNSClient } from '@aws-sdk/client-sns';
import { localClients, localSfnClient, localSqsClient, type LocalClients } from './clients';
import { localDestinations, type LocalDestinations } from './destinations';
import { EventBusStandIn } from './event-bus-standin';
import { loadLocalConfig } from './config';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDb, startSqs, type RunningEmulator, type RunningSqs } from './emulators';
import { localFunctions } from './functions';
import { MessageMoveProxy } from './message-move';
import { LocalGateway, toEvent } from './gateway';
import { installLambdaStreaming, responseStream } from './lambda-streaming';
import { contextFor, localEnvironment, localPlan, queueEventSource, type LocalPlan } from './plan';
import { createLocalResources, type LocalResources } from './resources';
import { ensureSecrets } from './secrets-bootstrap';
import type { SqsEventSource } from './sqs-event-source';
import { retryStateMachine } from './step-functions';

export interface RuntimeOptions {
  /** Port of the HTTP gateway; 0 picks a free one. */
  readonly port: number;
  readonly host?: string;
  readonly configPath: string;
  /** Keep DynamoDB data and queued messages here across restarts; in memory when absent. */
  readonly persistDir?: string;
  /** Where generated secrets are kept. */
  readonly envFile: string;
  /** Comma-separated seconds replacing the configured retry schedule (`DELIVERY_RETRY_SCHEDULE`). */
  readonly retrySchedule?: string;
  /** Outbound deliveries may reach private and loopback addresses (default true locally). */
  readonly allowPrivateTargets?: boolean;
  /** Secrets given in the environment (`WEBHOOK_SECRET_<NAME>`), before `.env.local`. */
  readonly secretEnvironment?: Readonly<Record<string, string | undefined>>;
  readonly log?: (line: string) => void;
}

export interface RunningRuntime {
  readonly url: string;
  readonly port: number;
  readonly config: GatewayConfig;
  readonly plan: LocalPlan;
  readonly resources: LocalResources;
  readonly clients: LocalClients;
  readonly generatedSecrets: ReadonlyArray<{ source: string; name: string; secret: string }>;
  /** The sources' destinations here (fauxqs, the EventBridge stand-in, local modules); undefined without any. */
  readonly destinations: LocalDestinations | undefined;
  /** Drains in-flight batches, saves running retry executions (with persistence) and stops the emulators. */
  stop(): Promise<void>;
}

export async function startRuntime(options: RuntimeOptions): Promise<RunningRuntime> {
  const log = options.log ?? (() => undefined);
  const config = loadLocalConfig(options.configPath, { retrySchedule: options.retrySchedule });
  const plan = localPlan(config);
  const { entries: secretEnv, generated } = ensureSecrets(config, options.secretEnvironment ?? {}, options.envFile);

  // The console's pages, built from console/ as synth builds them (plus the local Destinations view); the api function reads the file.
  const pages = JSON.stringify(buildConsolePages({ local: true }));
  const pagesDir = mkdtempSync(path.join(tmpdir(), 'webhooks-console-'));
  const pagesFile = path.join(pagesDir, 'pages.json');
  writeFileSync(pagesFile, pages);
  const removePages = () => rmSync(pagesDir, { recursive: true, force: true });

  const dataDir = options.persistDir ? path.resolve(options.persistDir) : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  let dynamo: RunningEmulator | undefined;
  let sqsServer: RunningSqs | undefined;
  try {
    [dynamo, sqsServer] = await Promise.all([
      startDynamoDb(dataDir ? { persistDir: path.join(dataDir, 'dynamodb') } : {}),
      startSqs(dataDir ? { dataDir: path.join(dataDir, 'fauxqs') } : {}),
    ]);
  } catch (error) {
    await Promise.allSettled([dynamo?.stop(), sqsServer?.stop()]);
    removePages();
    throw error;
  }
  const clients = localClients({ dynamodb: dynamo.endpoint, sqs: sqsServer.endpoint });
  const resources = await createLocalResources(clients, config);

  // fauxqs has no dead-letter redrive API (StartMessageMoveTask, ListMessageMoveTasks): the
  // functions' SQS clients go through a proxy that serves those with its own move.
  const messageMove = new MessageMoveProxy({
    upstream: sqsServer.endpoint,
    sqs: clients.sqs,
    queues: [resources.inbound, resources.outbound].map((pair) => ({
      deadLetterQueueArn: pair.deadLetterQueueArn,
      deadLetterQueueUrl: pair.deadLetterQueueUrl,
      queueArn: pair.queueArn,
      queueUrl: pair.queueUrl,
    })),
  });
  const functionSqsEndpoint = await messageMove.listen();
  log('dead-letter redrive: fauxqs lacks StartMessageMoveTask/ListMessageMoveTasks, so the local runtime serves them with its own move');

  // Step Functions: the real retry definition, both its tasks bound to the deliver function.
  let deliver: ((input: unknown) => Promise<unknown>) | undefined;
  const stepFunctions = retryStateMachine({
    name: `${config.service}-delivery-retries`,
    outbound: config.outbound,
    deliver: (input) => deliver!(input),
    onError: (error) => log(`retry execution failed: ${(error as Error).message}`),
  });
  const sfn = localSfnClient(await stepFunctions.listen());
  const functionSqs = localSqsClient(functionSqsEndpoint);
  const executionsFile = dataDir ? path.join(dataDir, 'executions.json') : undefined;

  // Each function's environment, written through the contract as the constructs write it in AWS.
  const names = {
    tableName: resources.tableName,
    payloadBucket: resources.bucketName,
    inbound: resources.inbound,
    outbound: resources.outbound,
    retryStateMachineArn: stepFunctions.stateMachineArn,
    allowPrivateTargets: options.allowPrivateTargets ?? true,
    consolePagesFile: pagesFile,
  };
  const environments = Object.fromEntries(FUNCTION_NAMES.map((fn) => [fn, localEnvironment(fn, names)])) as Record<FunctionName, Record<string, string>>;
  // Secrets come from the environment locally (Secrets Manager in AWS): the sources' to the ingress, the portal's signing key to the api.
  const { [VARIABLES.portalKey.name]: portalKey, ...sourceSecrets } = secretEnv;
  environments.ingress = { ...environments.ingress, ...sourceSecrets };
  environments.api = { ...environments.api, ...(portalKey ? { [VARIABLES.portalKey.name]: portalKey } : {}) };
  // Powertools reads its settings from the process environment when the handlers are imported.
  for (const [name, value] of Object.entries(powertoolsEnvironment(config.service, { logLevel: 'WARN', metricsDisabled: true }))) process.env[name] ??= value;

  // The sources' destinations: queues and topics in fauxqs, buses on the PutEvents stand-in, local modules in-process.
  let eventBus: EventBusStandIn | undefined;
  let destinations: LocalDestinations | undefined;
  let sns: SNSClient | undefined;
  if (config.sources.some((source) => source.destinations)) {
    eventBus = new EventBusStandIn();
    const eventBusEndpoint = await eventBus.listen();
    sns = new SNSClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: sqsServer.endpoint });
    destinations = await localDestinations({
      config,
      configPath: options.configPath,
      sqs: clients.sqs,
      sns,
      sqsEndpoint: sqsServer.endpoint,
      fauxqs: sqsServer.server,
      eventBus,
      eventBusEndpoint,
      log,
    });
    log(`EventBridge destinations go to a local stand-in speaking PutEvents at ${eventBusEndpoint} (not EventBridge: no rules, no targets)`);
  }

  installLambdaStreaming();
  const functions = await localFunctions({
    config,
    clients: { ...clients, sqs: functionSqs, sfn },
    environments,
    ...(destinations ? { destinationSender: destinations.sender } : {}),
  });
  deliver = (input) => functions.deliver(input as never, contextFor(plan, 'deliver'));
  if (executionsFile) {
    const resumed = stepFunctions.resume(executionsFile);
    if (resumed) log(`resumed ${resumed} retry execution(s) from ${executionsFile}`);
  }

  const eventSources = plan.eventSources.map((source) =>
    queueEventSource(plan, source.function, {
      sqs: clients.sqs,
      queues: resources,
      invoke: (event: SQSEvent, context) =>
        functions[source.function as Exclude<typeof source.function, 'stream'>](event as never, context) as Promise<SQSBatchResponse>,
      onError: (error) => log(`${source.function} poller: ${(error as Error).message}`),
    }),
  );

  const gateway = new LocalGateway();
  for (const route of plan.routes) {
    if (route.kind === 'stream') {
      // The function URL of the streaming function, served on the same port.
      gateway.raw(route.method, route.path, async (request, response) => {
        const event = toEvent(request, new URL(request.url ?? '/', 'http://local'), route.method, `${route.method} ${route.path}`, {}, Buffer.alloc(0));
        await functions.stream(event, responseStream(response), contextFor(plan, route.function));
      });
    } else {
      const invoke = functions[route.function as Exclude<typeof route.function, 'stream'>];
      gateway.lambda(route.method, route.path, (event: APIGatewayProxyEventV2) => invoke(event as never, contextFor(plan, route.function)) as never);
    }
  }
  gateway.raw('GET', '/local/destinations', async (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(JSON.stringify({ sources: destinations ? await destinations.view() : {} }));
  });
  gateway.raw('GET', '/health', async (_request, response) => {
    const checks = await healthChecks(clients, resources, eventSources);
    const healthy = Object.values(checks).every((value) => value === 'ok');
    response.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(JSON.stringify({ status: healthy ? 'ok' : 'degraded', checks }));
  });

  for (const source of eventSources) source.start();
  // Scheduled functions (the reconciler) on timers, one run at a time each; a failed run is logged and the next one tries again.
  const timers = plan.schedules.map((schedule) => {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      const invoke = functions[schedule.function as Exclude<typeof schedule.function, 'stream'>];
      invoke({} as never, contextFor(plan, schedule.function))
        .catch((error: unknown) => log(`${schedule.function} run: ${(error as Error).message}`))
        .finally(() => {
          running = false;
        });
    }, schedule.intervalSeconds * 1000);
    timer.unref();
    return timer;
  });
  const clearTimers = () => {
    for (const timer of timers) clearInterval(timer);
  };
  let port: number;
  try {
    port = await gateway.listen(options.port, options.host ?? '127.0.0.1');
  } catch (error) {
    clearTimers();
    await Promise.all(eventSources.map((source) => source.stop()));
    await stepFunctions.stop();
    await messageMove.stop();
    await destinations?.stop();
    await eventBus?.stop();
    await Promise.allSettled([sqsServer.stop(), dynamo.stop()]);
    removePages();
    throw error;
  }
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      clearTimers();
      await gateway.close();
      await Promise.all(eventSources.map((source) => source.stop()));
      const paused = await stepFunctions.stop(executionsFile);
      if (executionsFile && paused) log(`saved ${paused} running retry execution(s) to ${executionsFile}`);
      await messageMove.stop();
      await destinations?.stop();
      await eventBus?.stop();
      sns?.destroy();
      for (const client of [clients.sqs, clients.dynamodb, clients.s3, functionSqs, sfn]) client.destroy();
      await Promise.allSettled([sqsServer.stop(), dynamo.stop()]);
      removePages();
    })());

  return { url, port, config, plan, resources, clients, generatedSecrets: generated, destinations, stop };
}

async function healthChecks(clients: LocalClients, resources: LocalResources, eventSources: readonly SqsEventSource[]): Promise<Record<string, string>> {
  const [table, queue] = await Promise.allSettled([
    clients.dynamodb.send(new DescribeTableCommand({ TableName: resources.tableName })),
    clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: resources.inbound.queueUrl, AttributeNames: ['QueueArn'] })),
  ]);
  return {
    dynamodb: table.status === 'fulfilled' && table.value.Table?.TableStatus === 'ACTIVE' ? 'ok' : 'unavailable',
    sqs: queue.status === 'fulfilled' ? 'ok' : 'unavailable',
    pollers: eventSources.every((source) => source.running) ? 'ok' : 'stopped',
  };
}
