/**
 * `npm run send -- <source> [eventType] [--url URL] [--count N] [--duplicate] [--config PATH]`
 *
 * Like `stripe trigger`, for every provider: builds a realistic sample event for the source's
 * provider, signs it as the provider does with the source's secret, posts it (to the local
 * runtime, or `--url` a deployed API), and, locally, waits for the event to be processed.
 *
 * Env: WEBHOOK_SECRET_<NAME> (else read from WEBHOOKS_ENV_FILE, default .env.local, which
 * `npm start` fills), WEBHOOK_SIGNING_KEY_<NAME> for the providers that sign with a private key
 * (Discord, Telnyx, SendGrid: the source's secret is then the public key), WEBHOOKS_CONFIG, PORT.
 *
 * A provider whose setup starts with a handshake (Asana's X-Hook-Secret) gets it sent first, as
 * the provider would, and the answer checked.
 *
 * Exit code: 0 when every request was accepted (2xx) and, for a local URL, every event reached
 * `processed`; 1 otherwise; 2 for a usage or set-up error.
 */
import { ConfigError, loadConfigFile } from '../shared/config/load';
import { LOCAL_VARIABLES } from '../shared/deployment/environment';
import { secretEnvName, signingKeyEnvName } from '../shared/inbound/secrets';
import { commandLine, isEntryPoint, printLine, type Print } from './cli';
import { readEnvFile } from './env-file';
import { sampleWebhook } from './samples';

const USAGE = 'usage: npm run send -- <source> [eventType] [--url URL] [--count N] [--duplicate] [--config PATH]';

export interface SendSettings {
  /** Environment (secrets, WEBHOOKS_CONFIG, WEBHOOKS_ENV_FILE, PORT). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly pollIntervalMs?: number;
  /** How long to wait for an event to be processed. */
  readonly pollTimeoutMs?: number;
  /** How long a 404 or an unreachable API is tolerated before it is reported. */
  readonly giveUpAfterMs?: number;
}

type Outcome =
  | { readonly kind: 'final'; readonly status: 'processed' | 'failed' }
  | { readonly kind: 'timeout'; readonly last: string }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'unreachable'; readonly reason: string };

export async function main(argv: string[], print: Print = printLine, settings: SendSettings = {}): Promise<number> {
  const env = settings.env ?? process.env;
  const parsed = commandLine(
    argv,
    { url: { type: 'string' }, count: { type: 'string' }, duplicate: { type: 'boolean' }, config: { type: 'string' } },
    USAGE,
    print,
    true,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [sourceName, eventType, ...extra] = positionals;
  if (!sourceName || extra.length) {
    print(USAGE);
    return 2;
  }

  const configPath = values.config ?? env[LOCAL_VARIABLES.configFile] ?? 'webhooks.config.json';
  let config;
  try {
    config = loadConfigFile(configPath, { target: 'local' });
  } catch (error) {
    if (error instanceof ConfigError) {
      print(error.message);
      return 2;
    }
    throw error;
  }
  const source = config.sources.find((candidate) => candidate.name === sourceName);
  if (!source) {
    print(`Unknown source "${sourceName}". Sources configured in ${configPath}: ${config.sources.map((s) => s.name).join(', ')}`);
    return 2;
  }

  const envName = secretEnvName(source.name);
  const envFile = env[LOCAL_VARIABLES.envFile] ?? '.env.local';
  let secret = env[envName];
  if (!secret) {
    try {
      secret = readEnvFile(envFile)[envName];
    } catch (error) {
      print(`cannot read ${envFile}: ${(error as Error).message}`);
      return 2;
    }
  }
  if (!secret) {
    print(`No secret for source "${source.name}": run \`npm start\` once (it generates secrets into ${envFile}) or set ${envName}.`);
    return 2;
  }

  const keyName = signingKeyEnvName(source.name);
  let signingKey = env[keyName];
  if (!signingKey) {
    try {
      signingKey = readEnvFile(envFile)[keyName];
    } catch {
      signingKey = undefined;
    }
  }

  const count = values.count === undefined ? 1 : Number(values.count);
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    print('--count must be a whole number from 1 to 1000');
    return 2;
  }

  const url = values.url ?? `http://127.0.0.1:${env[LOCAL_VARIABLES.port] ?? 3000}/webhooks/${source.name}`;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    target = new URL('invalid:');
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    print(`--url must be an http(s) URL such as https://abc123.execute-api.eu-west-1.amazonaws.com/webhooks/${source.name}, not "${url}"`);
    return 2;
  }
  const local = isLocal(target.hostname);

  let ok = true;
  const accepted: string[] = [];
  print(`POST ${url}`);
  for (let i = 0; i < count; i++) {
    // Built once: with --duplicate the very same request (same id, body and signature) goes twice,
    // as a provider's retry would.
    let sample;
    try {
      sample = await sampleWebhook(source, secret, { url, ...(eventType ? { eventType } : {}), ...(signingKey ? { signingKey } : {}) });
    } catch (error) {
      print(`Cannot build a sample for "${source.name}": ${(error as Error).message}`);
      return 2;
    }
    if (sample.handshake) {
      const handshake = sample.handshake;
      let answer: Response;
      try {
        answer = await fetch(handshake.query ? `${url}?${handshake.query}` : url, {
          method: handshake.method,
          headers: handshake.headers,
          ...(handshake.method === 'POST' ? { body: handshake.body } : {}),
        });
        await answer.body?.cancel();
      } catch (error) {
        print(`Cannot reach ${url}: ${reason(error)}${local ? ' — is `npm start` running?' : ''}`);
        return 1;
      }
      const echoed = handshake.expectHeader ? answer.headers.get(handshake.expectHeader.name) === handshake.expectHeader.value : true;
      print(
        `  handshake → ${answer.status}${handshake.expectHeader ? (echoed ? ` (${handshake.expectHeader.name} echoed)` : ` (${handshake.expectHeader.name} NOT echoed)`) : ''}`,
      );
      if (!answer.ok || !echoed) {
        ok = false;
        continue;
      }
    }
    let allAccepted = true;
    let eventId = sample.eventId;
    for (let copy = 0; copy < (values.duplicate ? 2 : 1); copy++) {
      let status: number;
      let text: string;
      try {
        const response = await fetch(url, { method: 'POST', headers: sample.headers, body: sample.body });
        status = response.status;
        text = await response.text();
      } catch (error) {
        print(`Cannot reach ${url}: ${reason(error)}${local ? ' — is `npm start` running?' : ''}`);
        return 1;
      }
      // The gateway names the id it recorded (the only way to know it where it assigns one: Dropbox).
      eventId = answeredId(text) ?? eventId;
      print(`  ${sample.eventType} ${eventId || '(id assigned by the gateway)'}${copy ? ' (again)' : ''} → ${status} ${abbreviate(text)}`);
      if (status < 200 || status > 299) allAccepted = false;
    }
    if (allAccepted && eventId) accepted.push(eventId);
    else ok = false;
  }

  if (!local) return ok ? 0 : 1;
  for (const id of accepted) {
    const statusUrl = `${target.origin}/api/v1/sources/${encodeURIComponent(source.name)}/events/${encodeURIComponent(id)}`;
    const outcome = await waitForOutcome(statusUrl, settings);
    print(`${source.name} ${id} → ${describeOutcome(outcome, statusUrl, target.origin, settings)}`);
    if (outcome.kind !== 'final' || outcome.status !== 'processed') ok = false;
  }
  return ok ? 0 : 1;
}

function describeOutcome(outcome: Outcome, statusUrl: string, origin: string, settings: SendSettings): string {
  switch (outcome.kind) {
    case 'final':
      return outcome.status;
    case 'timeout':
      return `${outcome.last} (not processed or failed after ${Math.round((settings.pollTimeoutMs ?? 15_000) / 1000)} s)`;
    case 'not-found':
      return `not found: GET ${statusUrl} answers 404, although the POST was accepted (is the URL pointing at the gateway that serves this API?)`;
    case 'unreachable':
      return `unknown: the API at ${origin} did not answer after the POST (${outcome.reason})`;
  }
}

/** Polls the event's status until it is processed or failed. */
async function waitForOutcome(url: string, settings: SendSettings): Promise<Outcome> {
  const interval = settings.pollIntervalMs ?? 250;
  const deadline = Date.now() + (settings.pollTimeoutMs ?? 15_000);
  const giveUpAfter = settings.giveUpAfterMs ?? 2_000;
  let last = 'unknown';
  let troubleSince: number | undefined;
  let trouble: Outcome | undefined;
  for (;;) {
    let current: Outcome | undefined;
    try {
      const response = await fetch(url, { headers: { accept: 'application/json' } });
      if (response.status === 404) {
        await response.body?.cancel();
        current = { kind: 'not-found' };
      } else if (!response.ok) {
        last = `HTTP ${response.status} from the API`;
        await response.body?.cancel();
      } else {
        const body = (await response.json().catch(() => undefined)) as { status?: unknown } | undefined;
        const status = typeof body?.status === 'string' ? body.status : undefined;
        if (status === 'processed' || status === 'failed') return { kind: 'final', status };
        last = status ?? 'an answer without a status';
      }
    } catch (error) {
      current = { kind: 'unreachable', reason: reason(error) };
    }
    // The POST recorded the event before answering, so a 404 or a silent API is not transient.
    if (current) {
      troubleSince ??= Date.now();
      trouble = current;
      if (Date.now() - troubleSince >= giveUpAfter) return current;
    } else {
      troubleSince = undefined;
      trouble = undefined;
    }
    if (Date.now() >= deadline) return trouble ?? { kind: 'timeout', last };
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** The `id` of the gateway's JSON acknowledgement, when the answer is one. */
function answeredId(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { id?: unknown };
    return typeof body.id === 'string' && body.id !== '' ? body.id : undefined;
  } catch {
    return undefined;
  }
}

function isLocal(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost') || hostname === '[::1]' || hostname === '0.0.0.0' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** `fetch failed` says little; its cause (ECONNREFUSED…) says what happened. */
function reason(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) return (cause as NodeJS.ErrnoException).code ?? cause.message;
  return error instanceof Error ? error.message : String(error);
}

function abbreviate(text: string, max = 300): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

if (isEntryPoint(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      printError(`send failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}

function printError(line: string): void {
  process.stderr.write(`${line}\n`);
}
