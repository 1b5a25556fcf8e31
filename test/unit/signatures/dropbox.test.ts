import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/errors';
import { dropbox } from '../../../shared/signatures/dropbox';
import { provesScheme } from './contract';
import { HOOK_URL, signedRequest } from './support';

const secret = 'dbx_app_secret_5k2m';
const other = 'dbx_app_secret_0000';
const payload = '{"list_folder": {"accounts": ["dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc"]}, "delta": {"users": [12345678]}}';

provesScheme('dropbox', {
  provider: dropbox,
  key: { verifyWith: secret, signWith: secret },
  otherKey: { verifyWith: other, signWith: other },
  // Dropbox's documented algorithm (no official verifier): hex HMAC-SHA256 of the body with the app secret.
  sign: (key) => signedRequest(payload, { 'x-dropbox-signature': createHmac('sha256', key).update(payload).digest('hex') }),
  timestamped: false,
  // A fresh id per delivery: there is no provider id to dedupe on.
  identity: () => ({ kind: 'event', eventId: expect.stringMatching(/^dropbox-[0-9a-f-]{36}$/) as unknown as string, eventType: 'list_folder' }),
});

describe('dropbox verification request', () => {
  it('echoes GET ?challenge= as text/plain with nosniff, and answers nothing else', async () => {
    const get = { ...signedRequest('', {}, `${HOOK_URL}?challenge=a%20b%3Cc`), method: 'GET' };
    expect(await dropbox.handshake!(get, { secrets: [], sourceName: 'dropbox', nowSeconds: 0, toleranceSeconds: 300, now: new Date() })).toEqual({
      statusCode: 200,
      contentType: 'text/plain',
      body: 'a b<c',
      headers: { 'x-content-type-options': 'nosniff' },
    });
    expect(
      await dropbox.handshake!(signedRequest(payload, {}), { secrets: [], sourceName: 'dropbox', nowSeconds: 0, toleranceSeconds: 300, now: new Date() }),
    ).toBeUndefined();
    await expect(async () =>
      dropbox.handshake!(
        { ...signedRequest('', {}), method: 'GET' },
        { secrets: [], sourceName: 'dropbox', nowSeconds: 0, toleranceSeconds: 300, now: new Date() },
      ),
    ).rejects.toThrow(ValidationError);
  });

  it('gives two identical notifications two ids: each may stand for a change', () => {
    const a = dropbox.identify(signedRequest(payload, {}));
    const b = dropbox.identify(signedRequest(payload, {}));
    expect(a.kind === 'event' && b.kind === 'event' && a.eventId !== b.eventId).toBe(true);
  });
});
