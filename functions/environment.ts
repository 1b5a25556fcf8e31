/**
 * What every function reads from its environment, in one place: the validated configuration,
 * the AWS clients, and the secret source. Only constructors run at import time; the config is
 * parsed on first use (the cold start), with the same schema as synth and local start.
 *
 * In AWS the configuration is embedded in each bundle at synth (esbuild `define`); locally it is
 * read from `WEBHOOKS_CONFIG` (default `webhooks.config.json`). Endpoints of the emulators come
 * from the SDK's own `AWS_ENDPOINT_URL_<SERVICE>` variables.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { S3Client } from '@aws-sdk/client-s3';
import { loadConfigFile, parseConfig } from '../shared/config/load';
import type { GatewayConfig } from '../shared/config/schema';

declare const __WEBHOOKS_CONFIG__: string | undefined;

let config: GatewayConfig | undefined;

/** The gateway configuration, validated once per container. */
export function gatewayConfig(): GatewayConfig {
  if (!config) {
    config =
      typeof __WEBHOOKS_CONFIG__ === 'string'
        ? parseConfig(JSON.parse(__WEBHOOKS_CONFIG__), 'embedded webhooks config')
        : loadConfigFile(process.env.WEBHOOKS_CONFIG ?? 'webhooks.config.json', { target: process.env.WEBHOOKS_CONFIG_TARGET === 'local' ? 'local' : 'aws' });
  }
  return config;
}

/** Outbound deliveries may reach private and loopback addresses only when this is `true` (the local runtime). */
export function allowPrivateTargets(): boolean {
  return process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS === 'true';
}

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** Each handler builds only the clients it uses, at import time, so bundles carry no others. */
export function createDocumentClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
}

/**
 * The SQS client sends to the host of each queue URL unless given an explicit endpoint; the
 * local emulator's queue URLs name a host that does not resolve, so its endpoint is passed on.
 */
export function createSqsClient(): SQSClient {
  const endpoint = process.env.AWS_ENDPOINT_URL_SQS;
  return new SQSClient(endpoint ? { endpoint } : {});
}

/** Path-style addressing is what the local S3 emulator understands. */
export function createS3Client(): S3Client {
  return new S3Client({ forcePathStyle: process.env.S3_FORCE_PATH_STYLE === 'true' });
}
