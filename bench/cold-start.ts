/**
 * 2. Cold start: each function bundled exactly as the CDK stack bundles it (esbuild, minified,
 * ESM, SDK bundled, config embedded), its size, and the time to import it and build its
 * dependencies (the config parse included) in a fresh Node process — against a baseline bundle
 * that only imports and constructs the same AWS SDK clients. Runs are interleaved.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { consolePagesDefine } from '../console/build';
import { parseConfig } from '../shared/config/load';
import { powertoolsEnvironment, type FunctionName } from '../shared/deployment/environment';
import { AWS_SETTINGS, functionEnvironment, type RuntimeSettings } from '../shared/deployment/functions';
import { median, round } from './stats';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** The clients each function constructs (its `dependencies` export builds the rest on first use). */
const FUNCTIONS: Record<FunctionName, { clients: string[] }> = {
  ingress: { clients: ['dynamodb', 'sqs', 's3', 'secrets'] },
  processor: { clients: ['dynamodb', 'sqs', 's3'] },
  api: { clients: ['dynamodb', 'sqs', 's3'] },
  stream: { clients: ['dynamodb'] },
  dispatcher: { clients: ['dynamodb', 'sqs', 's3', 'sfn'] },
  deliver: { clients: ['dynamodb', 's3'] },
  reconciler: { clients: ['dynamodb', 'sqs'] },
};

/** Resource names for the functions' environments: nothing is called at init. */
const NAMES = {
  tableName: 'bench-table',
  payloadBucket: 'bench-bucket',
  inboundQueueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/inbound',
  inboundQueueArn: 'arn:aws:sqs:us-east-1:000000000000:inbound',
  inboundDeadLetterQueueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/inbound-dlq',
  inboundDeadLetterQueueArn: 'arn:aws:sqs:us-east-1:000000000000:inbound-dlq',
  outboundQueueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/outbound',
  outboundQueueArn: 'arn:aws:sqs:us-east-1:000000000000:outbound',
  outboundDeadLetterQueueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/outbound-dlq',
  outboundDeadLetterQueueArn: 'arn:aws:sqs:us-east-1:000000000000:outbound-dlq',
  retryStateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:retries',
};

/** What the stack sets besides the names: its settings, and the ingress's secrets as the stack names them. */
const SETTINGS: RuntimeSettings = {
  ...AWS_SETTINGS,
  sourceSecretIds: JSON.stringify({ stripe: 'InboundSecretstripe1A2B3C4D-0123456789ab-AbCdEf' }),
  secretArnPrefix: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:',
};

const CLIENT_SOURCE: Record<string, string> = {
  dynamodb:
    "import { DynamoDBClient } from '@aws-sdk/client-dynamodb'; import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'; keep.push(DynamoDBDocumentClient.from(new DynamoDBClient({})));",
  sqs: "import { SQSClient } from '@aws-sdk/client-sqs'; keep.push(new SQSClient({}));",
  s3: "import { S3Client } from '@aws-sdk/client-s3'; keep.push(new S3Client({}));",
  // Powertools Parameters builds its Secrets Manager client on first use, not at init: imported only.
  secrets: "import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'; keep.push(SecretsManagerClient);",
  sfn: "import { SFNClient } from '@aws-sdk/client-sfn'; keep.push(new SFNClient({}));",
};

const BANNER = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

export interface ColdStartRow {
  readonly name: string;
  readonly bundleBytes: number;
  readonly baselineBytes: number;
  readonly initMs: number;
  readonly baselineInitMs: number;
  readonly ratio: number;
}

export interface ColdStartResult {
  readonly inputs: { runsPerBundle: number; node: string; note: string };
  readonly functions: ColdStartRow[];
  /** Issue #14: ingress init ≤ 1.2× and bytes ≤ its baseline + 100 KB; every function's init ≤ 1.3×. */
  readonly goals: { ingressBundleBytes: number; initRatio: number; ingressInitRatio: number };
}

async function bundle(entry: { file?: string; contents?: string }, outfile: string, define: Record<string, string>): Promise<number> {
  await build({
    ...(entry.file ? { entryPoints: [entry.file] } : { stdin: { contents: entry.contents!, resolveDir: ROOT, loader: 'ts' } }),
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    mainFields: ['module', 'main'],
    banner: { js: BANNER },
    define,
    outfile,
    logLevel: 'error',
    absWorkingDir: ROOT,
  });
  return statSync(outfile).size;
}

// The stream function calls the Lambda runtime's awslambda.streamifyResponse at import.
const RUNNER = `
globalThis.awslambda ??= { streamifyResponse: (f) => f, HttpResponseStream: { from: (s) => s } };
const started = performance.now();
const module = await import(process.argv[1]);
const init = process.argv[2];
if (init && typeof module[init] === 'function') module[init]();
process.stdout.write(String(performance.now() - started));
`;

/** The environment Lambda would give the function: its own (from the contract, as the stack writes it) and the runtime's. */
function lambdaEnvironment(name: FunctionName | undefined, service: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    // Set by the Lambda runtime itself.
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1',
    ...powertoolsEnvironment(service, { logLevel: 'INFO' }),
    ...(name ? functionEnvironment(name, NAMES, SETTINGS) : {}),
  };
}

function timeInit(file: string, name: FunctionName | undefined, service: string): number {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', RUNNER, file, name ? 'dependencies' : ''], {
    encoding: 'utf8',
    env: lambdaEnvironment(name, service),
  });
  const value = Number(result.stdout.trim());
  if (result.status !== 0 || !Number.isFinite(value)) throw new Error(`init of ${file} failed: ${result.stderr.slice(0, 2000)}`);
  return value;
}

export async function benchColdStart(options = { runs: 7 }): Promise<ColdStartResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'gw-bench-bundles-'));
  const configDocument = JSON.parse(readFileSync(path.join(ROOT, 'webhooks.config.json'), 'utf8')) as { service?: string };
  const service = configDocument.service ?? 'webhooks';
  // Embedded as the stack embeds it: the schema's output, which the functions trust.
  const define = { __WEBHOOKS_CONFIG__: JSON.stringify(JSON.stringify(parseConfig(configDocument))) };
  const rows: ColdStartRow[] = [];
  const built: Array<{ name: FunctionName; file: string; baseline: string; bytes: number; baselineBytes: number }> = [];
  for (const [name, spec] of Object.entries(FUNCTIONS) as Array<[FunctionName, { clients: string[] }]>) {
    const file = path.join(dir, `${name}.mjs`);
    const baseline = path.join(dir, `${name}-baseline.mjs`);
    // The api function's bundle embeds the console's pages, as the stack's does.
    const bytes = await bundle(
      { file: path.join(ROOT, 'functions', name, 'handler.ts') },
      file,
      name === 'api' ? { ...define, ...consolePagesDefine() } : define,
    );
    const baselineSource = `const keep = [];\n${spec.clients.map((client) => CLIENT_SOURCE[client]).join('\n')}\nexport const handler = () => keep.length;`;
    writeFileSync(path.join(dir, `${name}-baseline.ts`), baselineSource);
    const baselineBytes = await bundle({ contents: baselineSource }, baseline, {});
    built.push({ name, file, baseline, bytes, baselineBytes });
  }
  const samples = new Map<string, { fn: number[]; base: number[] }>(built.map((b) => [b.name, { fn: [], base: [] }]));
  for (let run = 0; run < options.runs; run++) {
    for (const b of built) {
      samples.get(b.name)!.fn.push(timeInit(b.file, b.name, service));
      samples.get(b.name)!.base.push(timeInit(b.baseline, undefined, service));
    }
  }
  for (const b of built) {
    const s = samples.get(b.name)!;
    const initMs = median(s.fn);
    const baselineInitMs = median(s.base);
    rows.push({
      name: b.name,
      bundleBytes: b.bytes,
      baselineBytes: b.baselineBytes,
      initMs: round(initMs, 1),
      baselineInitMs: round(baselineInitMs, 1),
      ratio: round(initMs / baselineInitMs),
    });
  }
  return {
    inputs: {
      runsPerBundle: options.runs,
      node: process.version,
      note: 'init = import of the bundle plus building its dependencies (the embedded config read as validated at synth), in a fresh process; node start-up itself excluded',
    },
    functions: rows,
    goals: { ingressBundleBytes: (rows.find((row) => row.name === 'ingress')?.baselineBytes ?? 0) + 100 * 1024, initRatio: 1.3, ingressInitRatio: 1.2 },
  };
}
