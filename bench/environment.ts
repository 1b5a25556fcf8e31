/**
 * The benchmarks' own wiring: DynamoDB Local and fauxqs, resources created from the shared
 * declarations, and the functions' dependencies built on metered AWS SDK clients.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDb, startSqs, type RunningEmulator } from '../local/emulators';
import { createLocalResources, type LocalResources } from '../local/resources';
import { inboundDeps } from '../local/inbound-deps';
import type { LocalClients } from '../local/clients';
import { loadConfigFile } from '../shared/config/load';
import type { GatewayConfig } from '../shared/config/schema';
import type { ProcessDeps } from '../shared/inbound/process';
import type { ReceiveDeps } from '../shared/inbound/receive';
import { Meter } from './meter';

export interface BenchEnvironment {
  readonly config: GatewayConfig;
  readonly clients: LocalClients;
  readonly meter: Meter;
  readonly secrets: Record<string, string>;
  readonly endpoints: { dynamodb: string; sqs: string };
  /** A fresh set of resources (own table, queues, bucket). */
  resources(): Promise<LocalResources>;
  receiveDeps(resources: LocalResources): ReceiveDeps;
  processDeps(resources: LocalResources): ProcessDeps;
  stores(resources: LocalResources): ReturnType<typeof inboundDeps>;
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
  const secrets = Object.fromEntries(config.sources.map((source) => [source.name, randomBytes(32).toString('hex')]));
  return {
    config,
    clients,
    meter,
    secrets,
    endpoints: { dynamodb: dynamo.endpoint, sqs: sqs.endpoint },
    resources: () => createLocalResources(clients, config, { prefix: `b${randomBytes(4).toString('hex')}` }),
    receiveDeps: (resources) => inboundDeps(clients, resources, config, secrets).receive,
    processDeps: (resources) => inboundDeps(clients, resources, config, secrets).process,
    stores: (resources) => inboundDeps(clients, resources, config, secrets),
    async stop() {
      dynamodb.destroy();
      sqsClient.destroy();
      s3.destroy();
      await Promise.all([sqs.stop(), dynamo.stop()]);
    },
  };
}
