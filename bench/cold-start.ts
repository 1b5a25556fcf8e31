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
import { median, round } from './stats';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** The clients each function constructs, and the function that builds its dependencies. */
const FUNCTIONS: Record<string, { clients: string[]; init?: string }> = {
  ingress: { clients: ['dynamodb', 'sqs', 's3', 'secrets'], init: 'ingressDeps' },
  processor: { clients: ['dynamodb', 'sqs', 's3'], init: 'processorDeps' },
  api: { clients: ['dynamodb', 'sqs', 's3'], init: 'apiRouter' },
  stream: { clients: ['dynamodb'] },
  dispatcher: { clients: ['dynamodb', 'sqs', 's3', 'sfn'], init: 'dispatcherDeps' },
  deliver: { clients: ['dynamodb', 's3'], init: 'deliverDeps' },
};

const CLIENT_SOURCE: Record<string, string> = {
  dynamodb: "import { DynamoDBClient } from '@aws-sdk/client-dynamodb'; import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'; keep.push(DynamoDBDocumentClient.from(new DynamoDBClient({})));",
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
  readonly goals: { ingressBundleBytes: number; initRatio: number };
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

function timeInit(file: string, init: string | undefined): number {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', RUNNER, file, init ?? ''], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      WEBHOOKS_TABLE: 'bench-table',
      PAYLOAD_BUCKET: 'bench-bucket',
      INBOUND_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/inbound',
      INBOUND_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/inbound-dlq',
      INBOUND_DLQ_ARN: 'arn:aws:sqs:us-east-1:000000000000:inbound-dlq',
      INBOUND_QUEUE_ARN: 'arn:aws:sqs:us-east-1:000000000000:inbound',
      OUTBOUND_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/outbound',
      OUTBOUND_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/outbound-dlq',
      OUTBOUND_DLQ_ARN: 'arn:aws:sqs:us-east-1:000000000000:outbound-dlq',
      OUTBOUND_QUEUE_ARN: 'arn:aws:sqs:us-east-1:000000000000:outbound',
      RETRY_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:retries',
      SOURCE_SECRET_IDS: JSON.stringify({ stripe: 'InboundSecretstripe1A2B3C4D-0123456789ab-AbCdEf' }),
      SECRET_ARN_PREFIX: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:',
      POWERTOOLS_SERVICE_NAME: 'webhooks',
      POWERTOOLS_METRICS_NAMESPACE: 'webhooks',
      AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1',
    },
  });
  const value = Number(result.stdout.trim());
  if (result.status !== 0 || !Number.isFinite(value)) throw new Error(`init of ${file} failed: ${result.stderr.slice(0, 2000)}`);
  return value;
}

export async function benchColdStart(options = { runs: 7 }): Promise<ColdStartResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'gw-bench-bundles-'));
  const configDocument = JSON.parse(readFileSync(path.join(ROOT, 'webhooks.config.json'), 'utf8')) as unknown;
  const define = { __WEBHOOKS_CONFIG__: JSON.stringify(JSON.stringify(configDocument)) };
  const rows: ColdStartRow[] = [];
  const built: Array<{ name: string; file: string; baseline: string; bytes: number; baselineBytes: number }> = [];
  for (const [name, spec] of Object.entries(FUNCTIONS)) {
    const file = path.join(dir, `${name}.mjs`);
    const baseline = path.join(dir, `${name}-baseline.mjs`);
    // The api function's bundle embeds the console's pages, as the stack's does.
    const bytes = await bundle({ file: path.join(ROOT, 'functions', name, 'handler.ts') }, file, name === 'api' ? { ...define, ...consolePagesDefine() } : define);
    const baselineSource = `const keep = [];\n${spec.clients.map((client) => CLIENT_SOURCE[client]).join('\n')}\nexport const handler = () => keep.length;`;
    writeFileSync(path.join(dir, `${name}-baseline.ts`), baselineSource);
    const baselineBytes = await bundle({ contents: baselineSource }, baseline, {});
    built.push({ name, file, baseline, bytes, baselineBytes });
  }
  const samples = new Map<string, { fn: number[]; base: number[] }>(built.map((b) => [b.name, { fn: [], base: [] }]));
  for (let run = 0; run < options.runs; run++) {
    for (const b of built) {
      samples.get(b.name)!.fn.push(timeInit(b.file, FUNCTIONS[b.name]!.init));
      samples.get(b.name)!.base.push(timeInit(b.baseline, undefined));
    }
  }
  for (const b of built) {
    const s = samples.get(b.name)!;
    const initMs = median(s.fn);
    const baselineInitMs = median(s.base);
    rows.push({ name: b.name, bundleBytes: b.bytes, baselineBytes: b.baselineBytes, initMs: round(initMs, 1), baselineInitMs: round(baselineInitMs, 1), ratio: round(initMs / baselineInitMs) });
  }
  return {
    inputs: {
      runsPerBundle: options.runs,
      node: process.version,
      note: 'init = import of the bundle plus building its dependencies (config parse included), in a fresh process; node start-up itself excluded',
    },
    functions: rows,
    goals: { ingressBundleBytes: 250 * 1024, initRatio: 1.3 },
  };
}
