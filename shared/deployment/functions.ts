/**
 * One declaration per function: its entry and handler, memory, timeout, environment contract,
 * and what invokes it (HTTP routes, a function URL, a queue with its batch settings, or the
 * retry state machine). The CDK constructs (infra/) and the local runtime (local/plan.ts) both
 * build every function from this, so a route, a timeout or a batch size cannot differ between
 * AWS and `npm start` (test/infra/function-declarations.test.ts holds them together).
 */
import type { GatewayConfig } from '../config/schema';
import { deliverTimings } from '../outbound/retry-state-machine';
import { RECONCILE_INTERVAL_MINUTES } from '../inbound/reconcile';
import { inboundQueueSettings, outboundQueueSettings } from '../queue/settings';
import { anySourceAnswersGet } from '../signatures';
import { FUNCTION_ENVIRONMENT, writeEnvironment, type FunctionName } from './environment';

export type { FunctionName } from './environment';

/** An HTTP API route: `ANY` matches every method; `{name}` is one segment, `{name+}` the rest of the path. */
export interface HttpRoute {
  readonly method: 'GET' | 'POST' | 'ANY';
  readonly path: string;
  /** `none`: callers authenticate otherwise (providers sign their requests); `iam`: SigV4. */
  readonly auth: 'none' | 'iam';
}

export type Trigger =
  | { readonly kind: 'http'; readonly routes: readonly HttpRoute[] }
  /** A Lambda function URL with response streaming (IAM); the local runtime serves it at `localPath` on its gateway. */
  | { readonly kind: 'function-url'; readonly streaming: true; readonly localPath: string }
  | {
      readonly kind: 'queue';
      readonly queue: 'inbound' | 'outbound';
      readonly batchSize: number;
      readonly maxBatchingWindowSeconds: number;
      readonly reportBatchItemFailures: true;
      /** The event source mapping's maximum concurrency (invocations at once). */
      readonly maximumConcurrency: number;
    }
  /** The `Attempt` task of the retry state machine. */
  | { readonly kind: 'state-machine' }
  /**
   * A schedule: an EventBridge rule at `rateMinutes` in AWS; locally a timer every
   * `localIntervalSeconds` (shorter, so a lost message heals while one develops).
   */
  | { readonly kind: 'schedule'; readonly rateMinutes: number; readonly localIntervalSeconds: number };

export interface FunctionDeclaration<F extends FunctionName = FunctionName> {
  readonly name: F;
  /** From the project root. */
  readonly entry: string;
  /** The exported name of the handler in `entry`. */
  readonly handler: 'handler';
  readonly memoryMiB: number;
  readonly timeoutSeconds: number;
  /** Reserved concurrency (`operations.reservedConcurrency.<name>`); none when absent. */
  readonly reservedConcurrency?: number;
  /** The variables it reads (shared/deployment/environment.ts). */
  readonly environment: (typeof FUNCTION_ENVIRONMENT)[F];
  readonly trigger: Trigger;
}

export type FunctionDeclarations = { readonly [F in FunctionName]: FunctionDeclaration<F> };

/** The management API and the webhook route: short requests behind API Gateway. */
const HTTP_TIMEOUT_SECONDS = 10;
/** A response stream lasts at most 15 minutes; the client reconnects. */
const STREAM_TIMEOUT_SECONDS = 900;
/** A reconciler run reads a window of each source's records; it ends well before the next run. */
const RECONCILER_TIMEOUT_SECONDS = 120;

/**
 * Every function of the gateway for `config`.
 *
 * @example
 * const { processor } = declareFunctions(config);
 * processor.timeoutSeconds; // config.inbound.processorTimeoutSeconds
 */
export function declareFunctions(config: GatewayConfig): FunctionDeclarations {
  const inbound = inboundQueueSettings(config.service, config.inbound);
  const outbound = outboundQueueSettings(config.service, config.outbound);
  const reserved = config.operations.reservedConcurrency;
  const declare = <F extends FunctionName>(
    name: F,
    rest: Omit<FunctionDeclaration<F>, 'name' | 'entry' | 'handler' | 'environment' | 'reservedConcurrency'>,
  ): FunctionDeclaration<F> => ({
    name,
    entry: `functions/${name}/handler.ts`,
    handler: 'handler',
    environment: FUNCTION_ENVIRONMENT[name],
    ...(reserved[name] === undefined ? {} : { reservedConcurrency: reserved[name] }),
    ...rest,
  });
  const queue = (name: 'inbound' | 'outbound', settings: typeof inbound): Trigger => ({
    kind: 'queue',
    queue: name,
    batchSize: settings.batchSize,
    maxBatchingWindowSeconds: settings.maxBatchingWindowSeconds,
    reportBatchItemFailures: true,
    maximumConcurrency: config[name].maximumConcurrency,
  });
  return {
    ingress: declare('ingress', {
      memoryMiB: config.inbound.ingressMemoryMiB,
      timeoutSeconds: HTTP_TIMEOUT_SECONDS,
      trigger: {
        kind: 'http',
        routes: [
          { method: 'POST', path: '/webhooks/{source}', auth: 'none' },
          // The challenges of the providers that need one (X, Dropbox); others answer GET with 405.
          ...(anySourceAnswersGet(config.sources) ? [{ method: 'GET', path: '/webhooks/{source}', auth: 'none' } as const] : []),
        ],
      },
    }),
    processor: declare('processor', {
      memoryMiB: config.inbound.processorMemoryMiB,
      timeoutSeconds: inbound.consumerTimeoutSeconds,
      trigger: queue('inbound', inbound),
    }),
    api: declare('api', {
      memoryMiB: 512,
      timeoutSeconds: HTTP_TIMEOUT_SECONDS,
      trigger: {
        kind: 'http',
        routes: [
          { method: 'ANY', path: '/api/v1/{proxy+}', auth: 'iam' },
          { method: 'GET', path: '/console', auth: 'iam' },
          // The tenant portal: tenants cannot sign AWS requests; every call of its API is checked by the portal token.
          { method: 'GET', path: '/portal', auth: 'none' },
          { method: 'ANY', path: '/portal/api/{proxy+}', auth: 'none' },
        ],
      },
    }),
    stream: declare('stream', {
      memoryMiB: 256,
      timeoutSeconds: STREAM_TIMEOUT_SECONDS,
      trigger: { kind: 'function-url', streaming: true, localPath: '/api/v1/stream' },
    }),
    dispatcher: declare('dispatcher', {
      memoryMiB: config.outbound.dispatcherMemoryMiB,
      timeoutSeconds: outbound.consumerTimeoutSeconds,
      trigger: queue('outbound', outbound),
    }),
    deliver: declare('deliver', {
      memoryMiB: config.outbound.dispatcherMemoryMiB,
      timeoutSeconds: deliverTimings(config.outbound).functionTimeoutSeconds,
      trigger: { kind: 'state-machine' },
    }),
    reconciler: declare('reconciler', {
      memoryMiB: 256,
      timeoutSeconds: RECONCILER_TIMEOUT_SECONDS,
      trigger: { kind: 'schedule', rateMinutes: RECONCILE_INTERVAL_MINUTES, localIntervalSeconds: 30 },
    }),
  };
}

/**
 * The resources a function's environment names (CDK tokens in the stack, emulator names locally).
 * Each function needs only some: a missing one it needs is an error naming it.
 */
export interface ResourceNames {
  readonly tableName: string;
  readonly payloadBucket: string;
  readonly inboundQueueUrl?: string;
  readonly inboundQueueArn?: string;
  readonly inboundDeadLetterQueueUrl?: string;
  readonly inboundDeadLetterQueueArn?: string;
  readonly outboundQueueUrl?: string;
  readonly outboundQueueArn?: string;
  readonly outboundDeadLetterQueueUrl?: string;
  readonly outboundDeadLetterQueueArn?: string;
  readonly retryStateMachineArn?: string;
}

/** The knobs that differ between AWS and the local runtime. */
export interface RuntimeSettings {
  /** The stack's secrets (JSON, source → last segment of its ARN); without it the sources' secrets come from `WEBHOOK_SECRET_<NAME>` (local). */
  readonly sourceSecretIds?: string;
  readonly secretArnPrefix?: string;
  /** Secrets adopted by name or ARN (JSON, source → name or ARN). */
  readonly adoptedSourceSecrets?: string;
  readonly secretCacheSeconds?: number;
  /** Locally 0 (unset): an endpoint just created receives the next message at once. */
  readonly endpointCacheSeconds?: number;
  /** Loopback and private targets: the local runtime only. */
  readonly allowPrivateTargets?: boolean;
  /** The console's pages built at local start (in AWS they are embedded in the bundle). */
  readonly consolePagesFile?: string;
  /** The tenant portal's signing key: its secret's ARN in AWS. */
  readonly portalKeySecret?: string;
  /** Destinations given to the construct as CDK resources (JSON, source → destinations). */
  readonly sourceDestinations?: string;
}

/** The settings the stack deploys every function with (the secrets' names come from the stack's secrets). */
export const AWS_SETTINGS: RuntimeSettings = { secretCacheSeconds: 300, endpointCacheSeconds: 5 };

/** `settings` with only the keys that have a value. */
function defined<T extends object>(settings: T): Partial<T> {
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * `fn`'s environment, through the contract's writer: what the constructs set on the Lambda
 * function and what the local runtime hands the same handler.
 *
 * @example
 * functionEnvironment('stream', names, AWS_SETTINGS); // { WEBHOOKS_TABLE: '…' }
 */
export function functionEnvironment(fn: FunctionName, names: ResourceNames, settings: RuntimeSettings = {}): Record<string, string> {
  const need = (key: Exclude<keyof ResourceNames, 'tableName' | 'payloadBucket'>): string => {
    const value = names[key];
    if (!value) throw new Error(`the ${fn} function's environment needs ${key}`);
    return value;
  };
  const storage = { tableName: names.tableName, payloadBucket: names.payloadBucket };
  const {
    sourceSecretIds,
    secretArnPrefix,
    adoptedSourceSecrets,
    secretCacheSeconds,
    endpointCacheSeconds,
    allowPrivateTargets,
    consolePagesFile,
    portalKeySecret,
    sourceDestinations,
  } = settings;
  switch (fn) {
    case 'ingress':
      return writeEnvironment('ingress', {
        ...storage,
        inboundQueueUrl: need('inboundQueueUrl'),
        ...defined({ sourceSecretIds, secretArnPrefix, adoptedSourceSecrets, secretCacheSeconds }),
      });
    case 'processor':
      return writeEnvironment('processor', {
        ...storage,
        inboundDeadLetterQueueUrl: need('inboundDeadLetterQueueUrl'),
        outboundQueueUrl: need('outboundQueueUrl'),
        ...defined({ endpointCacheSeconds, sourceDestinations }),
      });
    case 'api':
      return writeEnvironment('api', {
        ...storage,
        inboundQueueUrl: need('inboundQueueUrl'),
        inboundQueueArn: need('inboundQueueArn'),
        inboundDeadLetterQueueUrl: need('inboundDeadLetterQueueUrl'),
        inboundDeadLetterQueueArn: need('inboundDeadLetterQueueArn'),
        outboundQueueUrl: need('outboundQueueUrl'),
        outboundQueueArn: need('outboundQueueArn'),
        outboundDeadLetterQueueUrl: need('outboundDeadLetterQueueUrl'),
        outboundDeadLetterQueueArn: need('outboundDeadLetterQueueArn'),
        ...defined({ allowPrivateTargets, consolePagesFile, portalKeySecret, secretCacheSeconds }),
      });
    case 'stream':
      return writeEnvironment('stream', { tableName: names.tableName });
    case 'dispatcher':
      return writeEnvironment('dispatcher', {
        ...storage,
        outboundQueueUrl: need('outboundQueueUrl'),
        retryStateMachineArn: need('retryStateMachineArn'),
        ...defined({ endpointCacheSeconds, allowPrivateTargets }),
      });
    case 'deliver':
      return writeEnvironment('deliver', { ...storage, outboundQueueUrl: need('outboundQueueUrl'), ...defined({ allowPrivateTargets }) });
    case 'reconciler':
      return writeEnvironment('reconciler', { tableName: names.tableName, inboundQueueUrl: need('inboundQueueUrl') });
  }
}
