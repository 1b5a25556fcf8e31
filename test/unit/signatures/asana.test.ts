import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../shared/errors';
import { asana } from '../../../shared/signatures/asana';
import type { HandshakeContext } from '../../../shared/signatures/types';
import { provesScheme } from './contract';
import { MemoryHandshakeSecrets } from './memory-handshake-secrets';
import { signedRequest } from './support';

const secret = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const other = '00000000000000000000000000000000';
const event = {
  user: { gid: '1', resource_type: 'user' },
  created_at: '2026-01-01T00:00:00.000Z',
  action: 'changed',
  resource: { gid: '2', resource_type: 'task' },
  parent: null,
  change: { field: 'due_on', action: 'changed' },
};
const payload = JSON.stringify({ events: [event] });
/** Asana's documented algorithm (no official verifier): `X-Hook-Signature: <hex HMAC-SHA256 of the body>`. */
const sign = (key: string, body = payload) => signedRequest(body, { 'x-hook-signature': createHmac('sha256', key).update(body).digest('hex') });

provesScheme('asana', {
  provider: asana,
  key: { verifyWith: secret, signWith: secret },
  otherKey: { verifyWith: other, signWith: other },
  sign: (key) => sign(key),
  timestamped: false,
  identity: () => ({ kind: 'event', eventId: '2026-01-01T00:00:00.000Z:changed:2::due_on:1', eventType: 'task.changed' }),
});

describe('asana X-Hook-Secret handshake', () => {
  const contextWith = (store = new MemoryHandshakeSecrets()): HandshakeContext => ({
    secrets: [],
    sourceName: 'asana',
    nowSeconds: 0,
    toleranceSeconds: 300,
    now: new Date(),
    handshakeSecrets: store,
  });
  const handshake = (value: string) => signedRequest('', { 'x-hook-secret': value });

  it('echoes the secret on the first request and keeps it', async () => {
    const store = new MemoryHandshakeSecrets();
    expect(await asana.handshake!(handshake(secret), contextWith(store))).toEqual({
      statusCode: 200,
      contentType: 'application/json',
      body: '{"received":true}',
      headers: { 'x-hook-secret': secret },
    });
    expect(await store.secretsFor('asana')).toEqual([secret]);
  });

  it('answers the same secret again, and refuses another one (trust on first use)', async () => {
    const store = new MemoryHandshakeSecrets();
    await asana.handshake!(handshake(secret), contextWith(store));
    expect(await asana.handshake!(handshake(secret), contextWith(store))).toMatchObject({ headers: { 'x-hook-secret': secret } });
    await expect(async () => asana.handshake!(handshake(other), contextWith(store))).rejects.toThrow(ConflictError);
    expect(await store.secretsFor('asana')).toEqual([secret]);
  });

  it('is not a handshake without the header; refuses unusable secrets and a gateway with no store', async () => {
    expect(await asana.handshake!(sign(secret), contextWith())).toBeUndefined();
    await expect(async () => asana.handshake!(handshake('x'.repeat(257)), contextWith())).rejects.toThrow(/X-Hook-Secret/);
    await expect(async () => asana.handshake!(handshake(secret), { ...contextWith(), handshakeSecrets: undefined })).rejects.toThrow(/handshake/);
  });

  it('answers a heartbeat (no events) without storing it', () => {
    expect(asana.identify(sign(secret, '{"events":[]}'))).toEqual({
      kind: 'handshake',
      response: { statusCode: 200, contentType: 'application/json', body: '{"received":true}' },
    });
  });
});
