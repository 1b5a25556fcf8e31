/**
 * The benchmarks' own emulators (DynamoDB Local and fauxqs), resources created from the shared
 * declarations, and the functions' dependencies built by the composition root, as the local
 * runtime builds them, on metered AWS SDK clients.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import {
  deliverDependencies,
  dispatcherDependencies,
  ingressDependencies,
  processorDependencies,
  type DispatcherDeps,
  type ProcessorDeps,
} from '../functions/composition';
import { observers as deliverObservers } from '../functions/deliver/handler';
import { observers as dispatcherObservers } from '../functions/dispatcher/handler';
import { observers as ingressObservers } from '../functions/ingress/handler';
import { observers as processorObservers } from '../functions/processor/handler';
import { localSfnClient, type LocalClients } from '../local/clients';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDb, startSqs, type RunningEmulator } from '../local/emulators';
import { localEnvironment, type LocalNames } from '../local/plan';
import { createLocalResources, type LocalResources } from '../local/resources';
import { loadConfigFile } from '../shared/config/load';
import type { GatewayConfig } from '../shared/config/schema';
import { AWS_SETTINGS } from '../shared/deployment/functions';
import type { ReceiveDeps } from '../shared/inbound/receive';
import { secretEnvName } from '../shared/inbound/secrets';
import type { DeliveryDeps } from '../shared/outbound/deliver';
import { Meter } from './meter';

/** The functions' dependencies on one set of resources. */
export interface BenchFunctions {
  ingress(): ReceiveDeps;
  processor(): ProcessorDeps;
  /** Its retry scheduler must be replaced: no Step Functions server runs in the benchmarks. */
  dispatcher(): DispatcherDeps;
  deliver(): DeliveryDeps;
}

export interface BenchEnvironment {
  readonly config: GatewayConfig;
  readonly clients: LocalClients;
  readonly meter: Meter;
  readonly secrets: Record<string, string>;
  readonly endpoints: { dynamodb: string; sqs: string };
  /** A fresh set of resources (own table, queues, bucket). */
  resources(): Promise<LocalResources>;
  /** The functions' dependencies on `resources`, for `config` (the shipped one by default). */
  functions(resources: LocalResources, config?: GatewayConfig): BenchFunctions;
  stop(): Promise<void>;
}

export async function benchEnvironment(): Promise<BenchEnvironment> {
  const config = loadConfigFile('webhooks.config.json');
  const [dynamo, sqs]: [RunningEmulator, RunningEmulator] = await Promise.all([startDynamoDb(), startSqs()]);
  const meter = new Meter();
  const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const dynamodb = new DynamoDBClient({ ...common, endpoint: dynamo.endpoint });
  const sqsClient = new SQSClient({ ...common, endpoint: sqs.endpoint });
  const s3 = new S3Client({ ...common, endpoint: sqs.endpoint, forcePathStyle: true });
  meter.watch('dynamodb', dynamodb);
  meter.watch('sqs', sqsClient);
  meter.watch('s3', s3);
  const clients: LocalClients = {
    dynamodb,
    documents: DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } }),
    sqs: sqsClient,
    s3,
  };
  // Never called: the benchmarks replace the dispatcher's retry scheduler.
  const sfn = localSfnClient('http://127.0.0.1:9');
  const secrets = Object.fromEntries(config.sources.map((source) => [source.name, randomBytes(32).toString('hex')]));
  const secretVariables = Object.fromEntries(Object.entries(secrets).map(([name, value]) => [secretEnvName(name), value]));
  return {
    config,
    clients,
    meter,
    secrets,
    endpoints: { dynamodb: dynamo.endpoint, sqs: sqs.endpoint },
    resources: () => createLocalResources(clients, config, { prefix: `b${randomBytes(4).toString('hex')}` }),
    functions(resources, functionConfig = config) {
      const names: LocalNames = {
        tableName: resources.tableName,
        payloadBucket: resources.bucketName,
        inbound: resources.inbound,
        outbound: resources.outbound,
        retryStateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:bench-none',
        allowPrivateTargets: true,
        // The calls are counted as AWS makes them: the stack caches the endpoint list for a few seconds.
        endpointCacheSeconds: AWS_SETTINGS.endpointCacheSeconds!,
      };
      const parts = <O>(fn: Parameters<typeof localEnvironment>[0], observers: O) => ({
        config: functionConfig,
        clients,
        environment: localEnvironment(fn, names),
        ...observers,
      });
      return {
        ingress: () =>
          ingressDependencies({ ...parts('ingress', ingressObservers), environment: { ...localEnvironment('ingress', names), ...secretVariables } }),
        processor: () => processorDependencies(parts('processor', processorObservers)),
        dispatcher: () => dispatcherDependencies({ ...parts('dispatcher', dispatcherObservers), clients: { ...clients, sfn } }),
        deliver: () => deliverDependencies(parts('deliver', deliverObservers)),
      };
    },
    async stop() {
      dynamodb.destroy();
      sqsClient.destroy();
      s3.destroy();
      sfn.destroy();
      await Promise.all([sqs.stop(), dynamo.stop()]);
    },
  };
}
