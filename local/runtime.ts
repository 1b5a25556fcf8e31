/**
 * The whole system on one machine: DynamoDB Local and fauxqs, the resources the stack declares,
 * the real Lambda handlers behind a local API Gateway, and the SQS event source mapping. One
 * runtime per process (the handlers read their environment, as in Lambda).
 */
import path from 'node:path';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, SQSEvent } from 'aws-lambda';
import { loadConfigFile } from '../shared/config/load';
import type { GatewayConfig } from '../shared/config/schema';
import { localClients, emulatorEnvironment, type LocalClients } from './clients';
import { startDynamoDb, startSqs, type RunningEmulator, type RunningSqs } from './emulators';
import { LocalGateway } from './gateway';
import { lambdaContext } from './lambda-context';
import { createLocalResources, type LocalResources } from './resources';
import { anySourceAnswersGet } from '../shared/signatures';
import { ensureSecrets } from './secrets-bootstrap';
import { SqsEventSource } from './sqs-event-source';
import { MessageMoveProxy } from './message-move';
import { LocalStepFunctions } from './step-functions';
import { installLambdaStreaming, responseStream } from './lambda-streaming';
import { toEvent } from './gateway';
import { buildConsolePages } from '../console/build';
import { deliverTimings, RETRY_STATES, retryStateMachineDefinition, type DeliverTaskOutput } from '../shared/outbound/retry-state-machine';

export interface RuntimeOptions {
  /** Port of the HTTP gateway; 0 picks a free one. */
  readonly port: number;
  readonly host?: string;
  readonly configPath: string;
  /** Keep DynamoDB data and queued messages here across restarts; in memory when absent. */
  readonly persistDir?: string;
  /** Where generated secrets are kept. */
  readonly envFile: string;
  readonly log?: (line: string) => void;
}

export interface RunningRuntime {
  readonly url: string;
  readonly port: number;
  readonly config: GatewayConfig;
  readonly resources: LocalResources;
  readonly clients: LocalClients;
  readonly generatedSecrets: ReadonlyArray<{ source: string; name: string; secret: string }>;
  /** Drains in-flight batches, saves running retry executions (with persistence) and stops the emulators. */
  stop(): Promise<void>;
}

export async function startRuntime(options: RuntimeOptions): Promise<RunningRuntime> {
  const log = options.log ?? (() => undefined);
  const config = loadConfigFile(options.configPath, { target: 'local' });
  const { entries: secretEnv, generated } = ensureSecrets(config, process.env, options.envFile);

  // The console's pages, built from console/ as synth builds them; the api function reads the file.
  const pages = JSON.stringify(buildConsolePages());
  const pagesDir = mkdtempSync(path.join(tmpdir(), 'webhooks-console-'));
  const pagesFile = path.join(pagesDir, 'pages.json');
  writeFileSync(pagesFile, pages);
  const removePages = () => rmSync(pagesDir, { recursive: true, force: true });

  const dataDir = options.persistDir ? path.resolve(options.persistDir) : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  let dynamo: RunningEmulator | undefined;
  let sqsServer: RunningSqs | undefined;
  try {
    [dynamo, sqsServer] = await Promise.all([startDynamoDb(dataDir ? { persistDir: path.join(dataDir, 'dynamodb') } : {}), startSqs(dataDir ? { dataDir: path.join(dataDir, 'fauxqs') } : {})]);
  } catch (error) {
    await Promise.allSettled([dynamo?.stop(), sqsServer?.stop()]);
    removePages();
    throw error;
  }
  const endpoints = { dynamodb: dynamo.endpoint, sqs: sqsServer.endpoint };
  const clients = localClients(endpoints);
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

  // Step Functions: the real retry definition, its Attempt task bound to the deliver handler.
  let deliverHandler: ((input: unknown) => Promise<unknown>) | undefined;
  const stepFunctions = new LocalStepFunctions({
    stateMachineName: `${config.service}-delivery-retries`,
    definition: retryStateMachineDefinition('arn:aws:lambda:us-east-1:000000000000:function:deliver', deliverTimings(config.outbound)),
    // Both Task states run the deliver function, as in AWS.
    tasks: { [RETRY_STATES.attempt]: (input) => deliverHandler!(input), [RETRY_STATES.recordFailure]: (input) => deliverHandler!(input) },
    resumableState: (output) => {
      const result = output as DeliverTaskOutput;
      return result.outcome === 'retry' ? { messageId: result.messageId, endpointId: result.endpointId, waitSeconds: result.waitSeconds } : undefined;
    },
    onError: (error) => log(`retry execution failed: ${(error as Error).message}`),
  });
  const sfnEndpoint = await stepFunctions.listen();
  const executionsFile = dataDir ? path.join(dataDir, 'executions.json') : undefined;

  // The functions read these, exactly as they read their Lambda environment in AWS.
  Object.assign(process.env, emulatorEnvironment(endpoints), { AWS_ENDPOINT_URL_SQS: functionSqsEndpoint }, secretEnv, {
    WEBHOOKS_CONFIG: path.resolve(options.configPath),
    WEBHOOKS_CONFIG_TARGET: 'local',
    WEBHOOKS_TABLE: resources.tableName,
    PAYLOAD_BUCKET: resources.bucketName,
    INBOUND_QUEUE_URL: resources.inbound.queueUrl,
    INBOUND_DLQ_URL: resources.inbound.deadLetterQueueUrl,
    INBOUND_DLQ_ARN: resources.inbound.deadLetterQueueArn,
    INBOUND_QUEUE_ARN: resources.inbound.queueArn,
    OUTBOUND_QUEUE_URL: resources.outbound.queueUrl,
    OUTBOUND_DLQ_URL: resources.outbound.deadLetterQueueUrl,
    OUTBOUND_DLQ_ARN: resources.outbound.deadLetterQueueArn,
    OUTBOUND_QUEUE_ARN: resources.outbound.queueArn,
    AWS_ENDPOINT_URL_SFN: sfnEndpoint,
    RETRY_STATE_MACHINE_ARN: stepFunctions.stateMachineArn,
    POWERTOOLS_SERVICE_NAME: config.service,
    POWERTOOLS_METRICS_NAMESPACE: config.service,
    CONSOLE_PAGES_FILE: pagesFile,
  });
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS ??= 'true';
  delete process.env.SECRET_NAME_PREFIX;

  installLambdaStreaming();
  const [ingress, processor, api, dispatcher, deliver, stream] = await Promise.all([
    import('../functions/ingress/handler'),
    import('../functions/processor/handler'),
    import('../functions/api/handler'),
    import('../functions/dispatcher/handler'),
    import('../functions/deliver/handler'),
    import('../functions/stream/handler'),
  ]);
  const outboundTimeout = resources.outbound.consumerTimeoutSeconds;
  deliverHandler = (input) => deliver.handler(input as never, lambdaContext('deliver', outboundTimeout));
  if (executionsFile) {
    const resumed = stepFunctions.resume(executionsFile);
    if (resumed) log(`resumed ${resumed} retry execution(s) from ${executionsFile}`);
  }

  const eventSources = [
    new SqsEventSource({
      sqs: clients.sqs,
      queueUrl: resources.inbound.queueUrl,
      queueArn: resources.inbound.queueArn,
      batchSize: resources.inbound.batchSize,
      maxBatchingWindowSeconds: resources.inbound.maxBatchingWindowSeconds,
      invoke: (event: SQSEvent) => processor.handler(event, lambdaContext('processor', resources.inbound.consumerTimeoutSeconds)),
      onError: (error) => log(`processor poller: ${(error as Error).message}`),
    }),
    new SqsEventSource({
      sqs: clients.sqs,
      queueUrl: resources.outbound.queueUrl,
      queueArn: resources.outbound.queueArn,
      batchSize: resources.outbound.batchSize,
      maxBatchingWindowSeconds: resources.outbound.maxBatchingWindowSeconds,
      invoke: (event: SQSEvent) => dispatcher.handler(event, lambdaContext('dispatcher', outboundTimeout)),
      onError: (error) => log(`dispatcher poller: ${(error as Error).message}`),
    }),
  ];

  const gateway = new LocalGateway()
    // The function URL of the streaming function, served on the same port.
    .raw('GET', '/api/v1/stream', async (request, response) => {
      const event = toEvent(request, new URL(request.url ?? '/', 'http://local'), 'GET', 'GET /api/v1/stream', {}, Buffer.alloc(0));
      const streamHandler = stream.handler as unknown as (event: unknown, output: unknown, context: unknown) => Promise<void>;
      await streamHandler(event, responseStream(response), lambdaContext('stream', 900));
    })
    .lambda('POST', '/webhooks/{source}', (event: APIGatewayProxyEventV2) => ingress.handler(event, lambdaContext('ingress', 10)))
    .lambda('ANY', '/api/v1/{proxy+}', (event: APIGatewayProxyEventV2) => api.handler(event, lambdaContext('api', 10)))
    .lambda('GET', '/console', (event: APIGatewayProxyEventV2) => api.handler(event, lambdaContext('api', 10)))
    // The tenant portal: its page, and its API checked by the portal token (no IAM in AWS either).
    .lambda('GET', '/portal', (event: APIGatewayProxyEventV2) => api.handler(event, lambdaContext('api', 10)))
    .lambda('ANY', '/portal/api/{proxy+}', (event: APIGatewayProxyEventV2) => api.handler(event, lambdaContext('api', 10)))
    .raw('GET', '/health', async (_request, response) => {
      const checks = await healthChecks(clients, resources, eventSources);
      const healthy = Object.values(checks).every((value) => value === 'ok');
      response.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(JSON.stringify({ status: healthy ? 'ok' : 'degraded', checks }));
    });

  // As in AWS: GET reaches the ingress only when a source answers a GET challenge (X, Dropbox).
  if (anySourceAnswersGet(config.sources)) gateway.lambda('GET', '/webhooks/{source}', (event: APIGatewayProxyEventV2) => ingress.handler(event, lambdaContext('ingress', 10)));

  for (const source of eventSources) source.start();
  let port: number;
  try {
    port = await gateway.listen(options.port, options.host ?? '127.0.0.1');
  } catch (error) {
    await Promise.all(eventSources.map((source) => source.stop()));
    await stepFunctions.stop();
    await messageMove.stop();
    await Promise.allSettled([sqsServer.stop(), dynamo.stop()]);
    removePages();
    throw error;
  }
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await gateway.close();
      await Promise.all(eventSources.map((source) => source.stop()));
      const paused = await stepFunctions.stop(executionsFile);
      if (executionsFile && paused) log(`saved ${paused} running retry execution(s) to ${executionsFile}`);
      await messageMove.stop();
      clients.sqs.destroy();
      clients.dynamodb.destroy();
      clients.s3.destroy();
      await Promise.allSettled([sqsServer.stop(), dynamo.stop()]);
      removePages();
    })());

  return { url, port, config, resources, clients, generatedSecrets: generated, stop };
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
