/**
 * How `receiveWebhook` treats handshakes: answered before verification where the provider does
 * not sign them, after it where it does, and never stored or queued (the store, queue and
 * payload store here fail the test if touched). GET is answered only by providers that need it.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../shared/config/load';
import { MethodNotAllowedError, SignatureError, ValidationError } from '../../../shared/errors';
import { receiveWebhook, type InboundRequest, type ReceiveDeps } from '../../../shared/inbound/receive';
import { EnvSecretSource } from '../../../shared/inbound/secrets';
import { MemoryHandshakeSecrets } from './memory-handshake-secrets';
import { nowSeconds } from './support';

const config = parseConfig(
  {
    sources: ['x', 'dropbox', 'msgraph', 'asana', 'zoom', 'stripe', 'discord'].map((name) => ({ name, provider: name })),
  },
  'test config',
  { target: 'local' },
);

class Untouchable extends Error {}
/** A dependency that fails the test when used: a handshake must not store or queue anything. */
const untouchable = <T>(what: string): T => new Proxy({}, { get: () => () => Promise.reject(new Untouchable(`${what} was used`)) }) as T;

function deps(secrets: Record<string, string>, handshakeSecrets = new MemoryHandshakeSecrets()): ReceiveDeps {
  return {
    config,
    secrets: new EnvSecretSource(Object.fromEntries(Object.entries(secrets).map(([name, value]) => [`WEBHOOK_SECRET_${name.toUpperCase()}`, value]))),
    store: untouchable('the event store'),
    queue: untouchable('the queue'),
    payloads: untouchable('the payload store'),
    handshakeSecrets,
  };
}

const request = (sourceName: string, method: string, query = '', body = '', headers: Record<string, string> = {}): InboundRequest => ({
  sourceName,
  method,
  body: Buffer.from(body),
  headers,
  url: `https://hooks.example.com/webhooks/${sourceName}${query}`,
});

describe('handshakes through receiveWebhook', () => {
  it('answers X and Dropbox GET challenges, and nothing else answers GET (405)', async () => {
    const d = deps({ x: 'consumer-secret' });
    const crc = await receiveWebhook(d, request('x', 'GET', '?crc_token=abc'));
    expect(crc).toMatchObject({
      kind: 'handshake',
      response: {
        statusCode: 200,
        body: JSON.stringify({ response_token: `sha256=${createHmac('sha256', 'consumer-secret').update('abc').digest('base64')}` }),
      },
    });
    expect(await receiveWebhook(d, request('dropbox', 'GET', '?challenge=xyz'))).toMatchObject({
      kind: 'handshake',
      response: { body: 'xyz', contentType: 'text/plain' },
    });
    for (const source of ['stripe', 'msgraph', 'asana', 'zoom', 'discord']) {
      await expect(receiveWebhook(d, request(source, 'GET', '?challenge=xyz'))).rejects.toBeInstanceOf(MethodNotAllowedError);
    }
    await expect(receiveWebhook(d, request('dropbox', 'GET'))).rejects.toBeInstanceOf(ValidationError);
    await expect(receiveWebhook(d, request('stripe', 'PUT'))).rejects.toBeInstanceOf(MethodNotAllowedError);
  });

  it('echoes a Microsoft Graph validationToken before any check, even with no secret configured', async () => {
    const outcome = await receiveWebhook(
      deps({}),
      request('msgraph', 'POST', '?validationToken=Validation%3A%20Testing', '', { 'content-type': 'text/plain' }),
    );
    expect(outcome).toMatchObject({ kind: 'handshake', response: { statusCode: 200, contentType: 'text/plain', body: 'Validation: Testing' } });
  });

  it("keeps Asana's X-Hook-Secret on the first request, then verifies its events with it", async () => {
    const kept = new MemoryHandshakeSecrets();
    const d = deps({}, kept);
    const hook = await receiveWebhook(d, request('asana', 'POST', '', '', { 'x-hook-secret': 'asana-hook-secret-1' }));
    expect(hook).toMatchObject({ kind: 'handshake', response: { headers: { 'x-hook-secret': 'asana-hook-secret-1' } } });
    expect(await kept.secretsFor('asana')).toEqual(['asana-hook-secret-1']);

    const body = JSON.stringify({
      events: [{ created_at: '2026-01-01T00:00:00.000Z', action: 'added', resource: { gid: '1', resource_type: 'task' }, user: { gid: '2' } }],
    });
    const signed = (key: string) => request('asana', 'POST', '', body, { 'x-hook-signature': createHmac('sha256', key).update(body).digest('hex') });
    // Verified with the kept secret: the event goes on to be stored (here, the untouchable store).
    const stored = await receiveWebhook(d, signed('asana-hook-secret-1')).catch((error: Error) => error);
    expect((stored as Error).cause).toBeInstanceOf(Untouchable);
    await expect(receiveWebhook(d, signed('another-secret'))).rejects.toBeInstanceOf(SignatureError);
    // A heartbeat, signed, is answered and not stored.
    const heartbeat = '{"events":[]}';
    const beat = request('asana', 'POST', '', heartbeat, { 'x-hook-signature': createHmac('sha256', 'asana-hook-secret-1').update(heartbeat).digest('hex') });
    expect(await receiveWebhook(d, beat)).toMatchObject({ kind: 'handshake', response: { statusCode: 200 } });
    // A later handshake with another secret is refused, and the kept one stays.
    await expect(receiveWebhook(d, request('asana', 'POST', '', '', { 'x-hook-secret': 'intruder' }))).rejects.toMatchObject({
      code: 'handshake_secret_exists',
    });
    expect(await kept.secretsFor('asana')).toEqual(['asana-hook-secret-1']);
  });

  it('verifies a Zoom url_validation before answering it, and refuses it unsigned', async () => {
    const body = JSON.stringify({ payload: { plainToken: 'plain' }, event_ts: 1, event: 'endpoint.url_validation' });
    const ts = String(nowSeconds());
    const signature = `v0=${createHmac('sha256', 'zoom-secret').update(`v0:${ts}:${body}`).digest('hex')}`;
    const d = deps({ zoom: 'zoom-secret' });
    const answered = await receiveWebhook(d, request('zoom', 'POST', '', body, { 'x-zm-request-timestamp': ts, 'x-zm-signature': signature }));
    expect(answered).toMatchObject({
      kind: 'handshake',
      response: { body: JSON.stringify({ plainToken: 'plain', encryptedToken: createHmac('sha256', 'zoom-secret').update('plain').digest('hex') }) },
    });
    await expect(receiveWebhook(d, request('zoom', 'POST', '', body, {}))).rejects.toBeInstanceOf(SignatureError);
  });
});
