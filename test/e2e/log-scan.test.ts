/**
 * Runs the whole system at DEBUG log level through every provider, a forged request, a poison
 * event and outbound deliveries with retries, then scans everything it logged: no secret, no
 * signature and no payload body may appear.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readEnvFile } from '../../local/env-file';
import { sampleWebhook } from '../../local/samples';
import { generateSigningKeys } from '../../local/secrets-bootstrap';
import { loadConfigFile } from '../../shared/config/load';
import { secretEnvName } from '../../shared/inbound/secrets';
import { eventually, Receiver } from '../support/receiver';
import { startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';

const config = loadConfigFile('webhooks.config.json');
/** Public-key providers (Discord, Telnyx, SendGrid): the source's secret is the public key, the sample signs with the private one. */
const keyPairs = Object.fromEntries(
  config.sources.flatMap((source) => {
    const keys = generateSigningKeys(source.provider);
    return keys ? [[source.name, keys] as const] : [];
  }),
);
const secrets: Record<string, string> = Object.fromEntries(
  config.sources.map((source) => [
    source.name,
    keyPairs[source.name]?.publicKey ?? (source.provider === 'standard' ? `whsec_${randomBytes(32).toString('base64')}` : randomBytes(24).toString('hex')),
  ]),
);
/** A secret handed over in Asana's handshake: it must not be logged either. */
const hookSecret = `asana-hook-${randomBytes(12).toString('hex')}`;
const marker = `payload-marker-${randomBytes(8).toString('hex')}`;
const sentSignatures: string[] = [];
let runtime: RuntimeProcess;
const receiver = new Receiver();

beforeAll(async () => {
  await receiver.start();
  runtime = await startRuntimeProcess({
    envFile: path.join(mkdtempSync(path.join(tmpdir(), 'gw-logscan-')), '.env.local'),
    env: {
      POWERTOOLS_LOG_LEVEL: 'DEBUG',
      DELIVERY_RETRY_SCHEDULE: '1',
      ...Object.fromEntries(Object.entries(secrets).map(([name, secret]) => [secretEnvName(name), secret])),
    },
  });
});

afterAll(async () => {
  await runtime?.stop();
  await receiver.stop();
});

it('logs no secret, signature or payload body during a full run', async () => {
  for (const source of config.sources) {
    const signingKey = keyPairs[source.name]?.privateKey;
    const sample = await sampleWebhook(source, secrets[source.name]!, { url: `${runtime.url}/webhooks/${source.name}`, ...(signingKey ? { signingKey } : {}) });
    // Signature headers (not their timestamps, which are plain numbers) and GitLab's token.
    for (const [name, value] of Object.entries(sample.headers))
      if ((/signature|hmac/i.test(name) && !/timestamp$/.test(name)) || name === 'x-gitlab-token') sentSignatures.push(value);
    const response = await fetch(`${runtime.url}/webhooks/${source.name}`, { method: 'POST', headers: sample.headers, body: sample.body });
    expect(response.status, `${source.name}: ${await response.clone().text()}`).toBe(200);
  }

  // Asana's handshake hands over a secret; the answer echoes it, the logs must not.
  const handshake = await fetch(`${runtime.url}/webhooks/asana`, { method: 'POST', headers: { 'x-hook-secret': hookSecret } });
  expect(handshake.headers.get('x-hook-secret')).toBe(hookSecret);

  // A body with a marker, a forged copy of it, and a poison event that fails in the handler.
  const body = JSON.stringify({
    id: 'evt_marker',
    object: 'event',
    type: 'customer.subscription.updated',
    created: 1,
    data: { object: { id: 'sub_1', note: marker } },
  });
  const t = Math.floor(Date.now() / 1000);
  const signature = `t=${t},v1=${createHmac('sha256', secrets.stripe!).update(`${t}.${body}`).digest('hex')}`;
  sentSignatures.push(signature);
  await fetch(`${runtime.url}/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body });
  await fetch(`${runtime.url}/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': `t=${t},v1=${'ab'.repeat(32)}` },
    body: body.replace('sub_1', 'sub_2'),
  });

  // Outbound: an endpoint that fails once, then succeeds.
  receiver.script('/in', 500, 200);
  const created = await fetch(`${runtime.url}/api/v1/endpoints`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: receiver.url('/in'), eventTypes: ['marker.*'] }),
  });
  const { secret: endpointSecret } = (await created.json()) as { secret: string };
  await fetch(`${runtime.url}/api/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ eventType: 'marker.sent', payload: { marker } }),
  });
  await eventually(async () => receiver.received('/in').length >= 2, 20_000, 'outbound retry');
  for (const request of receiver.received('/in')) sentSignatures.push(String(request.headers['webhook-signature']));
  await eventually(
    async () => ((await (await fetch(`${runtime.url}/api/v1/sources/stripe/events/evt_marker`)).json()) as { status?: string }).status === 'failed',
    15_000,
    'poison event',
  );

  // The tenant portal: a link, the portal's calls with its token, a forged token, an endpoint header.
  const portalKey = readEnvFile(runtime.envFile).WEBHOOKS_PORTAL_KEY!;
  expect(portalKey.length).toBeGreaterThanOrEqual(32);
  const link = (await (await fetch(`${runtime.url}/api/v1/tenants/acme/portal-link`, { method: 'POST' })).json()) as { url: string };
  const token = link.url.slice(link.url.indexOf('#token=') + '#token='.length);
  const headerSecret = `header-secret-${randomBytes(8).toString('hex')}`;
  const portalCreated = await fetch(`${runtime.url}/portal/api/endpoints`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ url: receiver.url('/portal'), eventTypes: ['marker.*'], headers: { authorization: headerSecret } }),
  });
  expect(portalCreated.status).toBe(201);
  const { id: portalEndpoint } = (await portalCreated.json()) as { id: string };
  expect(
    (await fetch(`${runtime.url}/portal/api/endpoints/${portalEndpoint}/test`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).status,
  ).toBe(202);
  expect((await fetch(`${runtime.url}/portal/api/endpoints`, { headers: { authorization: `Bearer ${token.slice(0, -4)}AAAA` } })).status).toBe(401);
  await eventually(async () => receiver.received('/portal').length >= 1, 20_000, 'the portal test send');

  const output = runtime.output();
  expect(output.length).toBeGreaterThan(1000);
  for (const value of [token, token.split('.')[2]!, headerSecret, portalKey]) expect(output).not.toContain(value);
  expect(output).toContain('"level":"DEBUG"');
  for (const secret of [...Object.values(secrets), ...Object.values(keyPairs).map((keys) => keys.privateKey), hookSecret, endpointSecret]) {
    expect(output).not.toContain(secret);
    // Nor the key material in another encoding.
    if (secret.startsWith('whsec_')) expect(output).not.toContain(Buffer.from(secret.slice(6), 'base64').toString('hex'));
  }
  for (const value of sentSignatures) expect(output).not.toContain(value);
  for (const value of sentSignatures.flatMap((s) => s.match(/[0-9a-f]{64}|[A-Za-z0-9+/]{40,}={0,2}/g) ?? [])) expect(output).not.toContain(value);
  expect(output).not.toContain(marker);
});
