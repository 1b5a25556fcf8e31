/**
 * The receive side's dependencies on given clients and resources — for the tests and the
 * benchmarks, which drive the handlers with explicit dependencies rather than through their
 * Lambda environment.
 */
import type { GatewayConfig } from '../shared/config/schema';
import { EntityStateStore } from '../shared/inbound/entity-state';
import { EventStore } from '../shared/inbound/event-store';
import { DynamoHandshakeSecretStore } from '../shared/inbound/handshake-secrets';
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
): { receive: ReceiveDeps; process: ProcessDeps } {
  const store = new EventStore(clients.documents, resources.tableName);
  const payloads = new S3PayloadStore(clients.s3, resources.bucketName);
  const env = Object.fromEntries(Object.entries(secrets).map(([name, value]) => [secretEnvName(name), value]));
  return {
    receive: {
      config,
      secrets: new EnvSecretSource(env),
      store,
      queue: new SqsQueue(clients.sqs, resources.inbound.queueUrl),
      payloads,
      handshakeSecrets: new DynamoHandshakeSecretStore(clients.documents, resources.tableName),
    },
    process: {
      store,
      payloads,
      entities: new EntityStateStore(clients.documents, resources.tableName),
      handlers: createHandlerRegistry(),
      deadLetters: new SqsQueue(clients.sqs, resources.inbound.deadLetterQueueUrl),
      maxReceiveCount: config.inbound.maxReceiveCount,
      leaseMs: processingLeaseMs(config.inbound.processorTimeoutSeconds),
    },
  };
}
