/**
 * What a function gets from Lambda: the validated configuration (embedded in each bundle at
 * synth, esbuild `define`), its environment (read through the contract's parser by the
 * composition root), and its AWS clients. Only the clients' constructors run at import time.
 *
 * The embedded configuration is the schema's *output*: synth parsed the file with the same
 * schema (and refused an insecure or invalid one), applied its defaults and embedded the
 * result, so the cold start trusts it as it is and carries no schema library (no zod) to check
 * it again. Nothing but synth writes it: it is a constant in the bundle's code.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readFileSync } from 'node:fs';
import type { ConsolePages } from '../shared/api/console';
import { ConfigError } from '../shared/config/errors';
import type { GatewayConfig } from '../shared/config/schema';
import type { RawEnvironment } from '../shared/deployment/environment';
import type { Parts } from './composition';
import type { GatewayMetrics } from './metrics';

declare const __WEBHOOKS_CONFIG__: string | undefined;
/** The console's built pages, embedded in the api function's bundle at synth. */
declare const __CONSOLE_PAGES__: string | undefined;

let config: GatewayConfig | undefined;

/** The gateway configuration embedded in this bundle: validated at synth, read once per container. */
export function gatewayConfig(): GatewayConfig {
  if (typeof __WEBHOOKS_CONFIG__ !== 'string')
    throw new ConfigError('this bundle embeds no configuration: functions are bundled at synth (infra/constructs/gateway-function.ts)');
  config ??= JSON.parse(__WEBHOOKS_CONFIG__) as GatewayConfig;
  return config;
}

/** The function's environment as Lambda sets it (written by the constructs from the contract). */
export function lambdaEnvironment(): RawEnvironment {
  return process.env;
}

/** A function's parts in Lambda: the embedded config, its environment, the clients built at import. */
export function lambdaParts<C, O extends { logger: Logger; metrics?: GatewayMetrics }>(clients: C, observers: O): Parts<C> & O {
  return { config: gatewayConfig(), environment: lambdaEnvironment(), clients, ...observers };
}

/** The console's pages: embedded in the bundle, else (the local runtime) read from the file it built. */
export function consolePages(file: string | undefined): ConsolePages {
  if (typeof __CONSOLE_PAGES__ === 'string') return JSON.parse(__CONSOLE_PAGES__) as ConsolePages;
  if (!file) throw new Error('the console pages are neither embedded nor given as a file');
  return JSON.parse(readFileSync(file, 'utf8')) as ConsolePages;
}

/** Builds once, on first use. */
export function once<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => {
    built ??= { value: build() };
    return built.value;
  };
}

/** Each handler builds only the clients it uses, at import time, so bundles carry no others. */
export function createDocumentClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
}

export function createSqsClient(): SQSClient {
  return new SQSClient({});
}

export function createS3Client(): S3Client {
  return new S3Client({});
}

export function createSfnClient(): SFNClient {
  return new SFNClient({});
}
