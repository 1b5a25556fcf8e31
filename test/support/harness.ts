/**
 * The real dependencies of the functions against the shared emulators, in resources of this test
 * file's own (unique prefix), with real AWS SDK clients: built by the composition root from the
 * environment the local runtime writes, exactly as `npm start` builds them.
 */
import { randomBytes } from 'node:crypto';
import { GetQueueAttributesCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { inject } from 'vitest';
import { ingressDependencies, processorDependencies, tableStores, type ProcessorDeps } from '../../functions/composition';
import { observers as ingressObservers } from '../../functions/ingress/handler';
import { observers as processorObservers } from '../../functions/processor/handler';
import { localClients, type LocalClients } from '../../local/clients';
import { localEnvironment, type LocalNames } from '../../local/plan';
import { createLocalResources, type LocalResources } from '../../local/resources';
import { generateSigningKeys } from '../../local/secrets-bootstrap';
import { loadConfigFile } from '../../shared/config/load';
import type { GatewayConfig } from '../../shared/config/schema';
import type { EntityStateStore } from '../../shared/inbound/entity-state';
import type { EventStore } from '../../shared/inbound/event-store';
import type { ReceiveDeps } from '../../shared/inbound/receive';
import { secretEnvName } from '../../shared/inbound/secrets';

export interface Harness {
  readonly config: GatewayConfig;
  readonly clients: LocalClients;
  readonly resources: LocalResources;
  /** The names the local runtime would write into each function's environment for these resources. */
  readonly names: LocalNames;
  readonly store: EventStore;
  readonly entities: EntityStateStore;
  readonly secrets: Record<string, string>;
  /** Per source of a public-key provider (Discord, Telnyx, SendGrid): the private key its secret (the public key) verifies. */
  readonly signingKeys: Record<string, string>;
  /** The ingress function's dependencies, with parts replaced (a queue that refuses, say). */
  receiveDeps(overrides?: Partial<ReceiveDeps>): ReceiveDeps;
  /** The processor's dependencies (relay included when the config relays), with parts replaced. */
  processDeps(overrides?: Partial<ProcessorDeps>): ProcessorDeps;
  /** Messages currently in a queue (visible, in flight and delayed), without consuming them. */
  queueDepth(queueUrl: string): Promise<number>;
  /** Receives up to `max` messages (they become invisible for `visibilitySeconds`). */
  receive(queueUrl: string, max?: number, visibilitySeconds?: number): Promise<Message[]>;
}

export function shippedConfig(): GatewayConfig {
  return loadConfigFile('webhooks.config.json');
}

/** A fresh set of resources named `<prefix>-…` in the shared emulators. */
export async function createHarness(options: { config?: GatewayConfig; secrets?: Record<string, string> } = {}): Promise<Harness> {
  const config = options.config ?? shippedConfig();
  const clients = localClients({ dynamodb: inject('dynamoEndpoint'), sqs: inject('sqsEndpoint') });
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const resources = await createLocalResources(clients, config, { prefix });
  const signingKeys: Record<string, string> = {};
  const keyPairs = Object.fromEntries(
    config.sources.flatMap((source) => {
      const keys = generateSigningKeys(source.provider);
      return keys ? [[source.name, keys] as const] : [];
    }),
  );
  for (const [name, keys] of Object.entries(keyPairs)) signingKeys[name] = keys.privateKey;
  const secrets =
    options.secrets ?? Object.fromEntries(config.sources.map((source) => [source.name, keyPairs[source.name]?.publicKey ?? testSecretFor(source.provider)]));
  const names: LocalNames = {
    tableName: resources.tableName,
    payloadBucket: resources.bucketName,
    inbound: resources.inbound,
    outbound: resources.outbound,
    allowPrivateTargets: true,
  };
  const secretVariables = Object.fromEntries(Object.entries(secrets).map(([name, value]) => [secretEnvName(name), value]));
  const receive = ingressDependencies({ config, clients, environment: { ...localEnvironment('ingress', names), ...secretVariables }, ...ingressObservers });
  const process = processorDependencies({ config, clients, environment: localEnvironment('processor', names), ...processorObservers });
  const stores = tableStores(clients.documents, resources.tableName);

  return {
    config,
    clients,
    resources,
    names,
    store: stores.events,
    entities: stores.entities,
    secrets,
    signingKeys,
    receiveDeps: (overrides = {}) => ({ ...receive, ...overrides }),
    processDeps: (overrides = {}) => ({ ...process, ...overrides }),
    async queueDepth(queueUrl) {
      const { Attributes = {} } = await clients.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
        }),
      );
      return (
        Number(Attributes.ApproximateNumberOfMessages ?? 0) +
        Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) +
        Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0)
      );
    },
    async receive(queueUrl, max = 10, visibilitySeconds = 30) {
      const result = await clients.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: max,
          WaitTimeSeconds: 0,
          VisibilityTimeout: visibilitySeconds,
          MessageSystemAttributeNames: ['All'],
        }),
      );
      return result.Messages ?? [];
    },
  };
}

/** A plausible secret for each provider (Standard Webhooks secrets are `whsec_` + base64). */
export function testSecretFor(provider: string): string {
  const bytes = randomBytes(32);
  return provider === 'standard' ? `whsec_${bytes.toString('base64')}` : bytes.toString('hex');
}

export { httpEvent } from './http-event';
