/**
 * Builds the real dependencies of the functions against the shared emulators, in resources of
 * this test file's own (unique prefix), with real AWS SDK clients.
 */
import { randomBytes } from 'node:crypto';
import { GetQueueAttributesCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { inject } from 'vitest';
import { loadConfigFile } from '../../shared/config/load';
import type { GatewayConfig } from '../../shared/config/schema';
import type { EntityStateStore } from '../../shared/inbound/entity-state';
import type { EventStore } from '../../shared/inbound/event-store';
import type { HandlerRegistry } from '../../shared/inbound/handlers/registry';
import type { ProcessDeps } from '../../shared/inbound/process';
import type { ReceiveDeps } from '../../shared/inbound/receive';
import { localClients, type LocalClients } from '../../local/clients';
import { createLocalResources, type LocalResources } from '../../local/resources';
import { inboundDeps } from '../../local/inbound-deps';
import { generateSigningKeys } from '../../local/secrets-bootstrap';

export interface Harness {
  readonly config: GatewayConfig;
  readonly clients: LocalClients;
  readonly resources: LocalResources;
  readonly store: EventStore;
  readonly entities: EntityStateStore;
  readonly secrets: Record<string, string>;
  /** Per source of a public-key provider (Discord, Telnyx, SendGrid): the private key its secret (the public key) verifies. */
  readonly signingKeys: Record<string, string>;
  receiveDeps(overrides?: Partial<ReceiveDeps>): ReceiveDeps;
  processDeps(overrides?: Partial<ProcessDeps> & { handlers?: HandlerRegistry }): ProcessDeps;
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
  const keyPairs = Object.fromEntries(config.sources.flatMap((source) => {
    const keys = generateSigningKeys(source.provider);
    return keys ? [[source.name, keys] as const] : [];
  }));
  for (const [name, keys] of Object.entries(keyPairs)) signingKeys[name] = keys.privateKey;
  const secrets = options.secrets ?? Object.fromEntries(config.sources.map((source) => [source.name, keyPairs[source.name]?.publicKey ?? testSecretFor(source.provider)]));
  const deps = inboundDeps(clients, resources, config, secrets);
  const { store, entities } = deps;

  return {
    config,
    clients,
    resources,
    store,
    entities,
    secrets,
    signingKeys,
    receiveDeps: (overrides = {}) => ({ ...deps.receive, ...overrides }),
    processDeps: (overrides = {}) => ({ ...deps.process, ...overrides }),
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
