/**
 * The receive side's dependencies on given clients and resources — for the tests and the
 * benchmarks, which drive the handlers with explicit dependencies rather than through their
 * Lambda environment.
 */
import type { GatewayConfig } from '../shared/config/schema';
import type { EntityStateStore } from '../shared/inbound/entity-state';
import type { EventStore } from '../shared/inbound/event-store';
import { DynamoDbEntityStateStore } from '../shared/store/dynamodb/entity-state-store';
import { DynamoDbEventStore } from '../shared/store/dynamodb/event-store';
import { DynamoDbHandshakeSecretStore } from '../shared/store/dynamodb/handshake-secret-store';
import { createHandlerRegistry } from '../shared/inbound/handlers';
import { processingLeaseMs, type ProcessDeps } from '../shared/inbound/process';
import type { ReceiveDeps } from '../shared/inbound/receive';
import { EnvSecretSource, secretEnvName } from '../shared/inbound/secrets';
import { S3PayloadStore } from '../shared/store/payload-store';
import type { LocalClients } from './clients';
import type { LocalResources } from './resources';
import { SqsQueue } from '../shared/queue/sqs-queue';

export function inboundDeps(
  clients: LocalClients,
  resources: LocalResources,
  config: GatewayConfig,
  secrets: Readonly<Record<string, string>>,
): { store: EventStore; entities: EntityStateStore; receive: ReceiveDeps; process: ProcessDeps } {
  const store = new DynamoDbEventStore(clients.documents, resources.tableName);
  const payloads = new S3PayloadStore(clients.s3, resources.bucketName);
  const env = Object.fromEntries(Object.entries(secrets).map(([name, value]) => [secretEnvName(name), value]));
  const entities = new DynamoDbEntityStateStore(clients.documents, resources.tableName);
  return {
    store,
    entities,
    receive: {
      config,
      secrets: new EnvSecretSource(env),
      store,
      queue: new SqsQueue(clients.sqs, resources.inbound.queueUrl),
      payloads,
      handshakeSecrets: new DynamoDbHandshakeSecretStore(clients.documents, resources.tableName),
    },
    process: {
      store,
      payloads,
      entities,
      handlers: createHandlerRegistry(),
      deadLetters: new SqsQueue(clients.sqs, resources.inbound.deadLetterQueueUrl),
      maxReceiveCount: config.inbound.maxReceiveCount,
      leaseMs: processingLeaseMs(config.inbound.processorTimeoutSeconds),
    },
  };
}
