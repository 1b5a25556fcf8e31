/**
 * The environment contract: every environment variable the gateway's functions read, declared
 * once with its name and kind, and which function reads which. The CDK constructs write it
 * (`writeEnvironment`, infra/), the local runtime writes it the same way (local/runtime.ts), and
 * a function reads it through one parser (`readEnvironment`, at cold start). No variable name is
 * written anywhere else: code refers to a variable by its key here.
 *
 * Also declared here, so that every name lives in one place: the variables Powertools reads
 * (written by the constructs and the local runtime), the per-source secret variables of the local
 * runtime, and the options of the local command-line tools.
 */
import { isObject } from '../json';

type Kind = 'text' | 'seconds' | 'flag' | 'names';

/** The variables the functions read, by key. */
export const VARIABLES = {
  /** The single DynamoDB table. */
  tableName: { name: 'WEBHOOKS_TABLE', kind: 'text' },
  /** The claim-check bucket. */
  payloadBucket: { name: 'PAYLOAD_BUCKET', kind: 'text' },
  inboundQueueUrl: { name: 'INBOUND_QUEUE_URL', kind: 'text' },
  inboundQueueArn: { name: 'INBOUND_QUEUE_ARN', kind: 'text' },
  inboundDeadLetterQueueUrl: { name: 'INBOUND_DLQ_URL', kind: 'text' },
  inboundDeadLetterQueueArn: { name: 'INBOUND_DLQ_ARN', kind: 'text' },
  outboundQueueUrl: { name: 'OUTBOUND_QUEUE_URL', kind: 'text' },
  outboundQueueArn: { name: 'OUTBOUND_QUEUE_ARN', kind: 'text' },
  outboundDeadLetterQueueUrl: { name: 'OUTBOUND_DLQ_URL', kind: 'text' },
  outboundDeadLetterQueueArn: { name: 'OUTBOUND_DLQ_ARN', kind: 'text' },
  retryStateMachineArn: { name: 'RETRY_STATE_MACHINE_ARN', kind: 'text' },
  /**
   * The stack's secrets, by source: the last segment of each one's ARN (JSON), joined to
   * `secretArnPrefix` (the full ARNs of 30 sources would not fit Lambda's 4 KB of environment).
   * Without it, secrets come from `WEBHOOK_SECRET_<NAME>` (local).
   */
  sourceSecretIds: { name: 'SOURCE_SECRET_IDS', kind: 'names' },
  /** The ARN prefix the stack's secrets share (`arn:aws:secretsmanager:<region>:<account>:secret:`). */
  secretArnPrefix: { name: 'SECRET_ARN_PREFIX', kind: 'text' },
  /** Secrets adopted by name or ARN (`sources[].secretName`), by source (JSON). */
  adoptedSourceSecrets: { name: 'ADOPTED_SOURCE_SECRETS', kind: 'names' },
  /** How long a fetched secret is cached (default 300). */
  secretCacheSeconds: { name: 'SECRET_CACHE_SECONDS', kind: 'seconds' },
  /**
   * Destinations given to the `WebhookGateway` construct as CDK resources (JSON, source → the
   * destinations' config entries, ARNs resolved at deploy); added to the config's own.
   */
  sourceDestinations: { name: 'SOURCE_DESTINATIONS', kind: 'text' },
  /** How long the endpoint list is cached per container (default 0: read every time). */
  endpointCacheSeconds: { name: 'ENDPOINT_CACHE_SECONDS', kind: 'seconds' },
  /** Outbound deliveries may reach private and loopback addresses (the local runtime only). */
  allowPrivateTargets: { name: 'WEBHOOK_ALLOW_PRIVATE_TARGETS', kind: 'flag' },
  /** The console's built pages, for a bundle that does not embed them (the local runtime). */
  consolePagesFile: { name: 'CONSOLE_PAGES_FILE', kind: 'text' },
  /** The tenant portal's signing key(s) in AWS: the Secrets Manager secret holding them (its ARN). */
  portalKeySecret: { name: 'PORTAL_KEY_SECRET', kind: 'text' },
  /** The tenant portal's signing key(s) themselves, comma-separated, the first signing (the local runtime, from `.env.local`). */
  portalKey: { name: 'WEBHOOKS_PORTAL_KEY', kind: 'text' },
} as const satisfies Record<string, { readonly name: string; readonly kind: Kind }>;

export type VariableKey = keyof typeof VARIABLES;

/** Which function reads which variables. */
export const FUNCTION_ENVIRONMENT = {
  ingress: {
    required: ['tableName', 'payloadBucket', 'inboundQueueUrl'],
    optional: ['sourceSecretIds', 'secretArnPrefix', 'adoptedSourceSecrets', 'secretCacheSeconds'],
  },
  processor: {
    required: ['tableName', 'payloadBucket', 'inboundDeadLetterQueueUrl', 'outboundQueueUrl'],
    optional: ['endpointCacheSeconds', 'sourceDestinations'],
  },
  api: {
    required: [
      'tableName',
      'payloadBucket',
      'inboundQueueUrl',
      'inboundQueueArn',
      'inboundDeadLetterQueueUrl',
      'inboundDeadLetterQueueArn',
      'outboundQueueUrl',
      'outboundQueueArn',
      'outboundDeadLetterQueueUrl',
      'outboundDeadLetterQueueArn',
    ],
    optional: ['allowPrivateTargets', 'consolePagesFile', 'portalKeySecret', 'portalKey', 'secretCacheSeconds'],
  },
  stream: { required: ['tableName'], optional: [] },
  dispatcher: {
    required: ['tableName', 'payloadBucket', 'outboundQueueUrl', 'retryStateMachineArn'],
    optional: ['endpointCacheSeconds', 'allowPrivateTargets'],
  },
  deliver: { required: ['tableName', 'payloadBucket', 'outboundQueueUrl'], optional: ['allowPrivateTargets'] },
  /** The scheduled reconciler (shared/inbound/reconcile.ts): reads the index, queues stuck events again. */
  reconciler: { required: ['tableName', 'inboundQueueUrl'], optional: [] },
} as const satisfies Record<string, { readonly required: readonly VariableKey[]; readonly optional: readonly VariableKey[] }>;

export type FunctionName = keyof typeof FUNCTION_ENVIRONMENT;
export const FUNCTION_NAMES = Object.keys(FUNCTION_ENVIRONMENT) as FunctionName[];

/** What a variable of each kind is, as read; a `names` variable is written as its JSON text. */
type ValueOf<K extends VariableKey> = { text: string; seconds: number; flag: boolean; names: Readonly<Record<string, string>> }[(typeof VARIABLES)[K]['kind']];
type WrittenOf<K extends VariableKey> = (typeof VARIABLES)[K]['kind'] extends 'names' ? string : ValueOf<K>;
type RequiredOf<F extends FunctionName> = (typeof FUNCTION_ENVIRONMENT)[F]['required'][number];
type OptionalOf<F extends FunctionName> = (typeof FUNCTION_ENVIRONMENT)[F]['optional'][number];

/** A function's environment, typed, as the function reads it. */
export type FunctionEnvironment<F extends FunctionName> = { readonly [K in RequiredOf<F>]: ValueOf<K> } & { readonly [K in OptionalOf<F>]?: ValueOf<K> };

/** A function's environment as the constructs and the local runtime write it (a `names` variable as its JSON, a CDK token in the stack). */
export type WrittenEnvironment<F extends FunctionName> = { readonly [K in RequiredOf<F>]: WrittenOf<K> } & { readonly [K in OptionalOf<F>]?: WrittenOf<K> };

/** An environment as the process sees it: names to text. */
export type RawEnvironment = Readonly<Record<string, string | undefined>>;

/** The names a function's environment may carry, required first. */
export function variableNames(fn: FunctionName): { required: string[]; optional: string[] } {
  const { required, optional } = FUNCTION_ENVIRONMENT[fn];
  return { required: required.map((key) => VARIABLES[key].name), optional: optional.map((key) => VARIABLES[key].name) };
}

/**
 * The variables for `fn`, as names to text (what Lambda's `Environment.Variables` holds).
 *
 * @example
 * writeEnvironment('stream', { tableName: table.tableName }); // { WEBHOOKS_TABLE: '…' }
 */
export function writeEnvironment<F extends FunctionName>(fn: F, values: WrittenEnvironment<F>): Record<string, string> {
  const written: Record<string, string> = {};
  const { required, optional } = FUNCTION_ENVIRONMENT[fn];
  for (const key of [...required, ...optional] as VariableKey[]) {
    const value = (values as Partial<Record<VariableKey, string | number | boolean>>)[key];
    if (value !== undefined) written[VARIABLES[key].name] = String(value);
  }
  return written;
}

/** Each kind's reading of a value; `undefined` when the text is not one (no zod: the stream function parses nothing else). */
const PARSERS: Readonly<Record<Kind, { readonly read: (text: string) => ValueOf<VariableKey> | undefined; readonly expected: string }>> = {
  text: { read: (text) => text, expected: 'text' },
  seconds: { read: (text) => (/^\d+$/.test(text) ? Number(text) : undefined), expected: 'whole seconds' },
  flag: { read: (text) => (text === 'true' ? true : text === 'false' ? false : undefined), expected: '"true" or "false"' },
  names: { read: readNames, expected: 'a JSON object of strings' },
};

function readNames(text: string): Readonly<Record<string, string>> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    if (isObject(value) && Object.values(value).every((entry) => typeof entry === 'string')) return value as Record<string, string>;
  } catch {
    // not JSON: refused below
  }
  return undefined;
}

/**
 * Reads `fn`'s variables from `env` (the function's one parser, run at cold start). A missing
 * required variable or a malformed value is an error naming the variable.
 *
 * @example
 * const { tableName } = readEnvironment('stream', process.env);
 */
export function readEnvironment<F extends FunctionName>(fn: F, env: RawEnvironment): FunctionEnvironment<F> {
  const values: Record<string, unknown> = {};
  const { required, optional } = FUNCTION_ENVIRONMENT[fn];
  for (const key of [...required, ...optional] as VariableKey[]) {
    const { name, kind } = VARIABLES[key];
    const text = env[name];
    if (text === undefined || text === '') {
      if ((required as readonly VariableKey[]).includes(key)) throw new Error(`environment variable ${name} is not set`);
      continue;
    }
    const value = PARSERS[kind].read(text);
    if (value === undefined) throw new Error(`environment variable ${name} must be ${PARSERS[kind].expected}, got ${JSON.stringify(text)}`);
    values[key] = value;
  }
  return values as FunctionEnvironment<F>;
}

/** The variables Powertools reads (its logger and metrics), written for every function. */
export const POWERTOOLS_VARIABLES = {
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  logLevel: 'POWERTOOLS_LOG_LEVEL',
  metricsDisabled: 'POWERTOOLS_METRICS_DISABLED',
} as const;

/** Powertools' variables for the gateway's functions: one `service` (dimension and namespace) for all. */
export function powertoolsEnvironment(service: string, options: { logLevel: string; metricsDisabled?: boolean }): Record<string, string> {
  return {
    [POWERTOOLS_VARIABLES.serviceName]: service,
    [POWERTOOLS_VARIABLES.metricsNamespace]: service,
    [POWERTOOLS_VARIABLES.logLevel]: options.logLevel,
    ...(options.metricsDisabled === undefined ? {} : { [POWERTOOLS_VARIABLES.metricsDisabled]: String(options.metricsDisabled) }),
  };
}

/** Where the local runtime keeps a source's secrets: `WEBHOOK_SECRET_<NAME>`. */
export const SECRET_VARIABLE_PREFIX = 'WEBHOOK_SECRET_';
/** Where `npm run send` finds the private key that signs samples of a public-key provider: `WEBHOOK_SIGNING_KEY_<NAME>`. */
export const SIGNING_KEY_VARIABLE_PREFIX = 'WEBHOOK_SIGNING_KEY_';

/** The options the local command-line tools (`npm start`, `npm run send`, `npm run redrive`, `npm run check:config`) read. */
export const LOCAL_VARIABLES = {
  port: 'PORT',
  configFile: 'WEBHOOKS_CONFIG',
  persistDir: 'WEBHOOKS_PERSIST_DIR',
  envFile: 'WEBHOOKS_ENV_FILE',
  /** Comma-separated seconds that replace the configured retry schedule, e.g. `1,1,1`. */
  retrySchedule: 'DELIVERY_RETRY_SCHEDULE',
  /** `false` makes `npm start` refuse private targets, as AWS does. */
  allowPrivateTargets: VARIABLES.allowPrivateTargets.name,
} as const;
