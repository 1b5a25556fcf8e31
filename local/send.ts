/**
 * `npm run send -- <source> [eventType] [--url URL] [--count N] [--duplicate] [--config PATH]`
 *
 * Like `stripe trigger`, for every provider: builds a realistic sample event for the source's
 * provider, signs it as the provider does with the source's secret, posts it (to the local
 * runtime, or `--url` a deployed API), and, locally, waits for the event to be processed.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfigFile } from '../shared/config/load';
import { secretEnvName } from '../shared/inbound/secrets';
import { isEntryPoint } from './cli';
import { readEnvFile } from './env-file';
import { sampleWebhook } from './samples';

const USAGE = 'usage: npm run send -- <source> [eventType] [--url URL] [--count N] [--duplicate] [--config PATH]';

export async function main(argv: string[], print: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { url: { type: 'string' }, count: { type: 'string' }, duplicate: { type: 'boolean' }, config: { type: 'string' } },
    });
  } catch (error) {
    print(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [sourceName, eventType] = positionals;
  if (!sourceName) {
    print(USAGE);
    return 2;
  }

  let config;
  try {
    config = loadConfigFile(values.config ?? process.env.WEBHOOKS_CONFIG ?? 'webhooks.config.json', { target: 'local' });
  } catch (error) {
    if (error instanceof ConfigError) {
      print(error.message);
      return 2;
    }
    throw error;
  }
  const source = config.sources.find((candidate) => candidate.name === sourceName);
  if (!source) {
    print(`no source "${sourceName}"; configured: ${config.sources.map((s) => s.name).join(', ')}`);
    return 2;
  }
  const envName = secretEnvName(source.name);
  const secret = process.env[envName] ?? readEnvFile(process.env.WEBHOOKS_ENV_FILE ?? '.env.local')[envName];
  if (!secret) {
    print(`no secret for "${source.name}": run \`npm start\` once (it generates one into .env.local) or set ${envName}`);
    return 2;
  }
  const count = Number(values.count ?? 1);
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    print('--count must be a whole number from 1 to 1000');
    return 2;
  }

  const url = values.url ?? `http://127.0.0.1:${process.env.PORT ?? 3000}/webhooks/${source.name}`;
  const origin = new URL(url).origin;
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);
  let ok = true;
  const sent: string[] = [];

  for (let i = 0; i < count; i++) {
    const sample = await sampleWebhook(source, secret, { url, ...(eventType ? { eventType } : {}) });
    for (let copy = 0; copy < (values.duplicate ? 2 : 1); copy++) {
      let response: Response;
      try {
        response = await fetch(url, { method: 'POST', headers: sample.headers, body: sample.body });
      } catch (error) {
        print(`cannot reach ${url}: ${(error as Error).message}${local ? ' (is `npm start` running?)' : ''}`);
        return 1;
      }
      const text = await response.text();
      print(`POST ${url} ${sample.eventType} → ${response.status} ${text}`);
      if (!response.ok) ok = false;
    }
    sent.push(sample.eventId);
  }

  if (!local) return ok ? 0 : 1;
  for (const id of sent) {
    const status = await waitForOutcome(`${origin}/api/v1/sources/${encodeURIComponent(source.name)}/events/${encodeURIComponent(id)}`);
    print(`${source.name} ${id} → ${status}`);
    if (status !== 'processed') ok = false;
  }
  return ok ? 0 : 1;
}

/** Polls the event's status until it is processed or failed (15 s at most). */
async function waitForOutcome(url: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  let last = 'unknown';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.status === 404) last = 'not found';
      else {
        const body = (await response.json()) as { status?: string };
        last = body.status ?? 'unknown';
        if (last === 'processed' || last === 'failed') return last;
      }
    } catch {
      last = 'unreachable';
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return `${last} (still, after 15 s)`;
}

if (isEntryPoint(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
