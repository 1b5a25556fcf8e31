/**
 * `npm start` as a user runs it: a child process on a free port with its own emulators, driven
 * over HTTP and through `npm run send` / `npm run redrive`.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../shared/config/load';
import { eventually, Receiver } from '../support/receiver';
import { runCli, startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';

/** Every source of the shipped config, one per provider. */
const SHIPPED = loadConfigFile('webhooks.config.json', { target: 'local' }).sources;
const SOURCES = SHIPPED.map((source) => source.name);
/** The sources whose provider signs with a private key: `npm start` also generates that key for `npm run send`. */
const PUBLIC_KEY_SOURCES = SHIPPED.filter((source) => ['discord', 'telnyx', 'sendgrid'].includes(source.provider)).map((source) => source.name);

function envEntries(file: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) entries[match[1]!] = match[2]!;
  }
  return entries;
}

/** Runs at most `limit` of the given tasks at once. */
function semaphore(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

async function getJson(url: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}

describe('the local runtime', () => {
  let runtime: RuntimeProcess;
  let cliEnv: Record<string, string>;

  beforeAll(async () => {
    runtime = await startRuntimeProcess();
    cliEnv = { PORT: String(runtime.port), WEBHOOKS_ENV_FILE: runtime.envFile, ...envEntries(runtime.envFile) };
  });

  afterAll(async () => {
    const code = await runtime?.stop('SIGINT');
    expect(code).toBe(0);
  });

  it('is healthy, prints where to send webhooks and generates a secret per source, once', async () => {
    const health = await getJson(`${runtime.url}/health`);
    expect(health).toEqual({ status: 200, body: { status: 'ok', checks: { dynamodb: 'ok', sqs: 'ok', pollers: 'ok' } } });
    expect((runtime as { readyMs?: number }).readyMs).toBeLessThan(15_000);
    for (const source of SOURCES) expect(runtime.output()).toContain(`${runtime.url}/webhooks/${source}`);
    const secrets = envEntries(runtime.envFile);
    // One secret per source, the key pairs' private halves, and the tenant portal's signing key.
    expect(Object.keys(secrets).sort()).toEqual(
      [
        ...SOURCES.map((s) => `WEBHOOK_SECRET_${s.toUpperCase()}`),
        ...PUBLIC_KEY_SOURCES.map((s) => `WEBHOOK_SIGNING_KEY_${s.toUpperCase()}`),
        'WEBHOOKS_PORTAL_KEY',
      ].sort(),
    );
    expect(secrets.WEBHOOK_SECRET_STANDARD).toMatch(/^whsec_/);
    // The public key in the form each dashboard shows it.
    expect(secrets.WEBHOOK_SECRET_DISCORD).toMatch(/^[0-9a-f]{64}$/);
    expect(Buffer.from(secrets.WEBHOOK_SECRET_TELNYX!, 'base64')).toHaveLength(32);
    expect(secrets.WEBHOOK_SECRET_SENDGRID).toMatch(/^MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE/);
  });

  // Three at a time: each is a child process, and thirty of them one after another would be slow.
  const sends = semaphore(3);
  it.concurrent.each(SOURCES)('`npm run send -- %s` is accepted and the event reaches processed', async (source) => {
    const { code, output } = await sends(() => runCli('local/send.ts', [source], cliEnv));
    expect(code, output).toBe(0);
    expect(output).toMatch(/processed/);
  });

  it('answers the GET challenges of X and Dropbox, and GET on other sources with a JSON 405', async () => {
    const env = envEntries(runtime.envFile);
    const crc = await fetch(`${runtime.url}/webhooks/x?crc_token=challenge-1`);
    expect(crc.status).toBe(200);
    const expected = createHmac('sha256', env.WEBHOOK_SECRET_X!).update('challenge-1').digest('base64');
    expect(await crc.json()).toEqual({ response_token: `sha256=${expected}` });
    const dropbox = await fetch(`${runtime.url}/webhooks/dropbox?challenge=echo-me`);
    expect([dropbox.status, dropbox.headers.get('content-type'), await dropbox.text()]).toEqual([200, 'text/plain', 'echo-me']);
    const other = await fetch(`${runtime.url}/webhooks/stripe?challenge=echo-me`);
    expect(other.status).toBe(405);
    expect(await other.json()).toMatchObject({ error: { code: 'method_not_allowed' } });
  });

  it('`--duplicate` sends the same event twice: one record, the second answer says duplicate', async () => {
    const { code, output } = await runCli('local/send.ts', ['github', '--duplicate'], cliEnv);
    expect(code, output).toBe(0);
    expect(output).toMatch(/"duplicate":\s*true/);
  });

  it('answers unknown sources and bad signatures with the JSON error', async () => {
    const unknown = await fetch(`${runtime.url}/webhooks/nope`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'source_not_found' } });
    const forged = await fetch(`${runtime.url}/webhooks/stripe`, {
      method: 'POST',
      body: '{"id":"evt_forged","type":"x"}',
      headers: { 'content-type': 'application/json', 'stripe-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` },
    });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toEqual({ error: { code: 'signature_invalid', message: 'signature verification failed' } });
    expect((await getJson(`${runtime.url}/api/v1/sources/stripe/events/evt_forged`)).status).toBe(404);
  });

  it('dead-letters a poison event, and `npm run redrive` moves it back to be processed again', async () => {
    const secret = envEntries(runtime.envFile).WEBHOOK_SECRET_STRIPE!;
    const body = JSON.stringify({
      id: 'evt_poison_1',
      object: 'event',
      type: 'customer.subscription.updated',
      created: 1_700_000_000,
      data: { object: { id: 'sub_x' } },
    });
    const signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret });
    const response = await fetch(`${runtime.url}/webhooks/stripe`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    });
    expect(response.status).toBe(200);
    const failed = await eventually(async () => {
      const { body: event } = await getJson(`${runtime.url}/api/v1/sources/stripe/events/evt_poison_1`);
      return event.status === 'failed' ? event : undefined;
    });
    expect(failed).toMatchObject({ deadLettered: true, attempts: 1, lastError: expect.stringMatching(/subscription/) });
    expect((await getJson(`${runtime.url}/api/v1/dlq`)).body).toEqual({ depth: 1 });

    const redrive = await runCli('local/redrive.ts', [], cliEnv);
    expect(redrive.code, redrive.output).toBe(0);
    expect(redrive.output).toMatch(/moved 1 message/);
    // Processed again (still malformed, so it fails and returns to the DLQ): attempts goes to 2.
    await eventually(async () => (await getJson(`${runtime.url}/api/v1/sources/stripe/events/evt_poison_1`)).body.attempts === 2, 15_000, 'second attempt');
    await eventually(async () => (await getJson(`${runtime.url}/api/v1/dlq`)).body.depth === 1, 15_000, 'back in the DLQ');
  });

  it('delivers outbound messages to a loopback receiver, retrying on the compressed schedule', async () => {
    const receiver = await new Receiver().start();
    try {
      receiver.script('/hook', 503, 200);
      const created = await fetch(`${runtime.url}/api/v1/endpoints`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: receiver.url('/hook'), eventTypes: ['invoice.*'] }),
      });
      expect(created.status).toBe(201);
      const published = await fetch(`${runtime.url}/api/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ eventType: 'invoice.paid', payload: { id: 'in_e2e' } }),
      });
      expect(published.status).toBe(202);
      const { id } = (await published.json()) as { id: string };
      const attempts = await eventually(
        async () => {
          const { body } = await getJson(`${runtime.url}/api/v1/messages/${id}/attempts`);
          return body.attempts?.length === 2 ? body.attempts : undefined;
        },
        20_000,
        'two attempts',
      );
      expect(attempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([503, 200]);
    } finally {
      await receiver.stop();
    }
  });
});

describe('persistence across restarts (--persist)', () => {
  it('keeps events, and messages waiting in queues, across a stop and a start', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gw-persist-'));
    const envFile = path.join(dir, '.env.local');
    const first = await startRuntimeProcess({ persistDir: path.join(dir, 'data'), envFile });
    const env = { PORT: String(first.port), WEBHOOKS_ENV_FILE: envFile, ...envEntries(envFile) };
    const sent = await runCli('local/send.ts', ['github', '--count', '5'], env);
    expect(sent.code, sent.output).toBe(0);
    const ids = [...sent.output.matchAll(/github ([0-9a-f-]{36})/g)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThanOrEqual(5);
    // A message left waiting in a queue: a poison event parked in the DLQ.
    const secret = envEntries(envFile).WEBHOOK_SECRET_STRIPE!;
    const body = JSON.stringify({ id: 'evt_parked', object: 'event', type: 'customer.subscription.created', created: 1, data: { object: {} } });
    const signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret });
    await fetch(`${first.url}/webhooks/stripe`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'stripe-signature': signature } });
    await eventually(async () => (await getJson(`${first.url}/api/v1/dlq`)).body.depth === 1, 15_000, 'parked in the DLQ');
    expect(await first.stop('SIGTERM')).toBe(0);

    const second = await startRuntimeProcess({ persistDir: path.join(dir, 'data'), envFile });
    try {
      for (const id of ids) {
        const { status, body } = await getJson(`${second.url}/api/v1/sources/github/events/${id}`);
        expect(status).toBe(200);
        expect(body.status).toBe('processed');
      }
      expect((await getJson(`${second.url}/api/v1/dlq`)).body).toEqual({ depth: 1 });
    } finally {
      expect(await second.stop('SIGTERM')).toBe(0);
    }
  });
});
