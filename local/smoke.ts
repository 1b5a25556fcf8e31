/**
 * `npm run smoke`: after a deploy, proves the gateway works end to end.
 *
 *   npm run smoke -- --stack WebhooksGateway [--region eu-west-1] [--outbound-url https://echo.example/hook]
 *   npm run smoke -- --local [--url http://127.0.0.1:3000] [--outbound-url http://127.0.0.1:9000/hook]
 *   options: --config PATH (the config the stack was deployed with; default WEBHOOKS_CONFIG or
 *   webhooks.config.json), --timeout SECONDS (per event, default 60)
 *
 * For each configured source it sends a signed sample event (the samples of `npm run send`,
 * signed with the source's secret: read from Secrets Manager in AWS, from WEBHOOK_SECRET_<NAME>
 * or .env.local locally) and follows it to `processed` through the management API (SigV4-signed
 * in AWS). With `--outbound-url` it also creates a temporary endpoint there, publishes a
 * message, waits for its delivery to succeed, and deletes the endpoint. It prints one row per
 * check.
 *
 * The samples are real events to the gateway: your handlers process them, and they are relayed
 * to endpoints subscribed to `<source>.*` like any other event.
 *
 * Exit code: 0 when every check passed, 1 when any failed, 2 for a usage or set-up error.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError, loadConfigFile } from '../shared/config/load';
import type { GatewayConfig, SourceConfig } from '../shared/config/schema';
import { LOCAL_VARIABLES } from '../shared/deployment/environment';
import { secretEnvName, signingKeyEnvName } from '../shared/inbound/secrets';
import { commandLine, isEntryPoint, printLine, type Print } from './cli';
import { readEnvFile } from './env-file';
import { deployedGateway, GATEWAY_OPTIONS, localGateway, regionFrom, type GatewayClient } from './gateway-client';
import { sampleWebhook } from './samples';
import { PUBLIC_KEY_PROVIDERS } from './secrets-bootstrap';

const USAGE = 'usage: npm run smoke -- (--stack NAME [--region REGION] | --local [--url URL]) [--outbound-url URL] [--config PATH] [--timeout SECONDS]';

export interface Check {
  readonly name: string;
  readonly ok: boolean;
  /** Not run, for a reason that is not a failure (shown as `skipped`). */
  readonly skipped?: boolean;
  readonly detail: string;
  readonly seconds: number;
}

/** Where the smoke test runs: the gateway, and how to read each source's secret. */
export interface SmokeTarget {
  readonly gateway: GatewayClient;
  readonly config: GatewayConfig;
  secretFor(source: SourceConfig): Promise<string>;
  /**
   * The private key of a provider that signs with one (Discord, Telnyx, SendGrid): locally the
   * key `npm start` generated; against a stack only when WEBHOOK_SIGNING_KEY_<NAME> is given (the
   * provider holds it), so those sources are otherwise skipped.
   */
  signingKeyFor(source: SourceConfig): string | undefined;
}

export interface SmokeOptions {
  readonly outboundUrl?: string;
  readonly timeoutMs: number;
  readonly pollMs?: number;
}

/** Runs every check; `onCheck` sees each as it finishes. */
export async function runSmoke(target: SmokeTarget, options: SmokeOptions, onCheck: (check: Check) => void = () => undefined): Promise<Check[]> {
  const checks: Check[] = [];
  const record = async (name: string, run: () => Promise<string>): Promise<boolean> => {
    const started = Date.now();
    let check: Check;
    try {
      check = { name, ok: true, detail: await run(), seconds: (Date.now() - started) / 1000 };
    } catch (error) {
      check = { name, ok: false, detail: (error as Error).message, seconds: (Date.now() - started) / 1000 };
    }
    checks.push(check);
    onCheck(check);
    return check.ok;
  };
  const { gateway } = target;

  for (const source of target.config.sources) {
    const signingKey = target.signingKeyFor(source);
    if ((PUBLIC_KEY_PROVIDERS as readonly string[]).includes(source.provider) && !signingKey) {
      const check: Check = {
        name: `${source.name}: signed ${source.provider} sample accepted`,
        ok: true,
        skipped: true,
        detail: `${source.provider} signs with its own private key, which only the provider holds (give ${signingKeyEnvName(source.name)} to test with a key pair of yours)`,
        seconds: 0,
      };
      checks.push(check);
      onCheck(check);
      continue;
    }
    let eventId = '';
    const accepted = await record(`${source.name}: signed ${source.provider} sample accepted`, async () => {
      const secret = await target.secretFor(source);
      const sample = await sampleWebhook(source, secret, { url: new URL(source.name, gateway.webhooksUrl).toString(), ...(signingKey ? { signingKey } : {}) });
      const response = await gateway.webhook(source.name, sample.headers, sample.body);
      if (response.status < 200 || response.status > 299) throw new Error(`POST answered ${response.status}: ${summary(response.body)}`);
      // Some providers carry no event id (Dropbox): the gateway's acknowledgement names the one it assigned.
      eventId = answeredId(response.body) ?? sample.eventId;
      return `${response.status}, ${sample.eventType} ${eventId}`;
    });
    await record(`${source.name}: event processed`, async () => {
      if (!accepted) throw new Error('not sent (see above)');
      const path = `sources/${encodeURIComponent(source.name)}/events/${encodeURIComponent(eventId)}`;
      const event = await poll(
        options,
        async () => {
          const { status, body } = await gateway.api('GET', path);
          if (status === 200 && (body.status === 'processed' || body.status === 'failed')) return body;
          if (status !== 200 && status !== 404) throw new Error(`GET ${path} answered ${status}: ${summary(body)}`);
          return undefined;
        },
        `the event to be processed`,
      );
      if (event.status !== 'processed') throw new Error(`failed: ${event.lastError ?? 'no reason recorded'}`);
      return `processed after ${event.attempts ?? 1} attempt(s)`;
    });
  }

  if (options.outboundUrl) {
    let endpointId = '';
    const created = await record('outbound: temporary endpoint created', async () => {
      const { status, body } = await gateway.api('POST', 'endpoints', {
        url: options.outboundUrl,
        eventTypes: ['smoke.test'],
        description: 'npm run smoke (temporary)',
      });
      if (status !== 201) throw new Error(`POST endpoints answered ${status}: ${summary(body)}`);
      endpointId = body.id;
      return `${endpointId} → ${options.outboundUrl}`;
    });
    if (created) {
      await record('outbound: message delivered', async () => {
        const published = await gateway.api('POST', 'messages', { eventType: 'smoke.test', payload: { smoke: true, at: new Date().toISOString() } });
        if (published.status !== 202) throw new Error(`POST messages answered ${published.status}: ${summary(published.body)}`);
        const messageId = published.body.id as string;
        const delivery = await poll(
          options,
          async () => {
            const { status, body } = await gateway.api('GET', `messages/${encodeURIComponent(messageId)}`);
            if (status !== 200) return undefined;
            const found = (body.deliveries as Array<{ endpointId: string; status: string; lastStatusCode?: number; lastError?: string }> | undefined)?.find(
              (d) => d.endpointId === endpointId,
            );
            return found && found.status !== 'pending' ? found : undefined;
          },
          'the delivery to settle',
        );
        if (delivery.status !== 'succeeded') throw new Error(`${delivery.status}: ${delivery.lastError ?? `HTTP ${delivery.lastStatusCode ?? '?'}`}`);
        return `${messageId} delivered (HTTP ${delivery.lastStatusCode ?? 200})`;
      });
      await record('outbound: temporary endpoint deleted', async () => {
        const { status, body } = await gateway.api('DELETE', `endpoints/${encodeURIComponent(endpointId)}`);
        if (status !== 204 && status !== 200) throw new Error(`DELETE answered ${status}: ${summary(body)}`);
        return endpointId;
      });
    }
  }
  return checks;
}

async function poll<T>(options: SmokeOptions, check: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
  }
}

/** The `id` of the gateway's JSON acknowledgement, when the answer is one. */
function answeredId(body: unknown): string | undefined {
  const parsed = typeof body === 'string' ? safeJson(body) : body;
  const id = parsed && typeof parsed === 'object' ? (parsed as { id?: unknown }).id : undefined;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function summary(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body ?? '');
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** The checks as a table: one row each. */
export function formatTable(checks: readonly Check[]): string {
  const rows = [
    ['CHECK', 'RESULT', 'TIME', 'DETAIL'],
    ...checks.map((check) => [check.name, check.skipped ? 'skipped' : check.ok ? 'ok' : 'FAILED', `${check.seconds.toFixed(1)} s`, check.detail]),
  ];
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column < 3 ? cell.padEnd(widths[column]!) : cell))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export async function main(argv: string[], print: Print = printLine, env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  const parsed = commandLine(
    argv,
    { ...GATEWAY_OPTIONS, local: { type: 'boolean' }, 'outbound-url': { type: 'string' }, config: { type: 'string' }, timeout: { type: 'string' } },
    USAGE,
    print,
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  if (Boolean(values.stack) === Boolean(values.local)) {
    print(`give --stack NAME (a deployed stack) or --local (the local runtime)\n${USAGE}`);
    return 2;
  }
  const timeoutSeconds = Number(values.timeout ?? 60);
  if (!(timeoutSeconds > 0)) {
    print('--timeout must be a number of seconds');
    return 2;
  }
  const configPath = values.config ?? env[LOCAL_VARIABLES.configFile] ?? 'webhooks.config.json';
  let config: GatewayConfig;
  try {
    config = loadConfigFile(configPath, { target: values.local ? 'local' : 'aws' });
  } catch (error) {
    if (error instanceof ConfigError) {
      print(error.message);
      return 2;
    }
    throw error;
  }

  let target: SmokeTarget;
  const preliminary: Check[] = [];
  if (values.local) {
    const base = values.url ?? `http://127.0.0.1:${env[LOCAL_VARIABLES.port] ?? 3000}`;
    const envFile = env[LOCAL_VARIABLES.envFile] ?? '.env.local';
    target = {
      gateway: localGateway(base),
      config,
      async secretFor(source) {
        const name = secretEnvName(source.name);
        const secret = env[name] ?? readEnvFile(envFile)[name];
        if (!secret) throw new Error(`no secret: set ${name} or run \`npm start\` once (it writes ${envFile})`);
        return secret;
      },
      signingKeyFor(source) {
        const name = signingKeyEnvName(source.name);
        return env[name] ?? readEnvFile(envFile)[name];
      },
    };
    print(`Smoke test of the local runtime at ${base}`);
  } else {
    const region = regionFrom(values.region, env);
    if (!region) {
      print('--region (or AWS_REGION) is needed with --stack');
      return 2;
    }
    const started = Date.now();
    let gateway;
    try {
      gateway = await deployedGateway(values.stack!, region);
    } catch (error) {
      print(formatTable([{ name: `stack ${values.stack} outputs`, ok: false, detail: (error as Error).message, seconds: (Date.now() - started) / 1000 }]));
      return 1;
    }
    let secretIds: Record<string, string> = {};
    try {
      secretIds = JSON.parse(gateway.outputs.SourceSecrets ?? '{}') as Record<string, string>;
    } catch {
      // reported per source below
    }
    const missing = config.sources.filter((source) => !secretIds[source.name]).map((source) => source.name);
    preliminary.push({
      name: `stack ${values.stack} outputs`,
      ok: missing.length === 0,
      detail: missing.length
        ? `no secret in the SourceSecrets output for ${missing.join(', ')}: was the stack deployed with ${configPath}?`
        : `${gateway.webhooksUrl}, ${Object.keys(secretIds).length} source secret(s)`,
      seconds: (Date.now() - started) / 1000,
    });
    const secrets = new SecretsManagerClient({ region });
    target = {
      gateway,
      config,
      async secretFor(source) {
        const id = secretIds[source.name];
        if (!id) throw new Error('the stack names no secret for this source');
        const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: id }));
        if (!SecretString) throw new Error(`secret ${id} has no string value`);
        return SecretString;
      },
      signingKeyFor: (source) => env[signingKeyEnvName(source.name)],
    };
    print(`Smoke test of stack ${values.stack} (${region})`);
  }

  for (const check of preliminary) print(`${check.ok ? 'ok    ' : 'FAILED'} ${check.name}`);
  const checks = [
    ...preliminary,
    ...(await runSmoke(target, { ...(values['outbound-url'] ? { outboundUrl: values['outbound-url'] } : {}), timeoutMs: timeoutSeconds * 1000 }, (check) =>
      print(`${check.skipped ? 'skip  ' : check.ok ? 'ok    ' : 'FAILED'} ${check.name}`),
    )),
  ];
  print('');
  print(formatTable(checks));
  const failed = checks.filter((check) => !check.ok).length;
  print('');
  print(failed ? `${failed} of ${checks.length} check(s) FAILED` : `all ${checks.length} checks passed`);
  return failed ? 1 : 0;
}

if (isEntryPoint(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`smoke failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
