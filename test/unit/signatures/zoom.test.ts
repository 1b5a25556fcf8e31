import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { zoom } from '../../../shared/signatures/zoom';
import { provesScheme } from './contract';
import { malformed, nowSeconds, outcome, signedRequest, verifyContext } from './support';

const secret = 'zm_secret_token_6f1d0a';
const other = 'zm_secret_token_000000';
const event = JSON.stringify({
  event: 'meeting.started',
  event_ts: 1626230691572,
  payload: { account_id: 'AAAAAABBBB', object: { id: 1234567890, uuid: 'czLF6FFFoQOKgAB99DlDb9g==', topic: 'Sync' } },
});

/** Zoom's documented algorithm (no official Node verifier): `v0=<hex HMAC-SHA256 of "v0:<ts>:<body>">`. */
function sign(key: string, ts: number, body = event) {
  const timestamp = String(ts);
  return signedRequest(body, {
    'x-zm-request-timestamp': timestamp,
    'x-zm-signature': `v0=${createHmac('sha256', key).update(`v0:${timestamp}:${body}`).digest('hex')}`,
  });
}

provesScheme('zoom', {
  provider: zoom,
  key: { verifyWith: secret, signWith: secret },
  otherKey: { verifyWith: other, signWith: other },
  sign: (key, ts) => sign(key, ts),
  timestamped: true,
  identity: () => ({ kind: 'event', eventId: 'meeting.started:1626230691572:czLF6FFFoQOKgAB99DlDb9g==', eventType: 'meeting.started' }),
});

describe('zoom endpoint.url_validation', () => {
  const validation = JSON.stringify({ payload: { plainToken: 'qgg8vlvZRS6UYooatFL8Aw' }, event_ts: 1654503849680, event: 'endpoint.url_validation' });

  it('is answered with the plain token and its HMAC under the secret that verified it', () => {
    const request = sign(secret, nowSeconds(), validation);
    const context = verifyContext([other, secret]);
    expect(outcome(zoom, request, context)).toBe('accepted');
    const expected = createHmac('sha256', secret).update('qgg8vlvZRS6UYooatFL8Aw').digest('hex');
    expect(zoom.identify(request, context)).toEqual({
      kind: 'handshake',
      response: { statusCode: 200, contentType: 'application/json', body: JSON.stringify({ plainToken: 'qgg8vlvZRS6UYooatFL8Aw', encryptedToken: expected }) },
    });
  });

  it('needs a plain token', () => {
    const request = sign(secret, nowSeconds(), '{"event":"endpoint.url_validation","payload":{}}');
    expect(malformed(() => zoom.identify(request, verifyContext([secret])))).toMatch(/plainToken/);
  });

  it('refuses an event without event_ts as unidentifiable', () => {
    expect(malformed(() => zoom.identify(sign(secret, nowSeconds(), '{"event":"meeting.ended"}'), verifyContext([secret])))).toMatch(/event_ts/);
  });
});
