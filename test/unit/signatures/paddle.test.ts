import { createHmac } from 'node:crypto';
import { Paddle } from '@paddle/paddle-node-sdk';
import { describe, expect, it } from 'vitest';
import { sourceSchema } from '../../../shared/config/schema';
import { providerFor } from '../../../shared/signatures';
import { provesScheme } from './contract';
import { nowSeconds, outcome, signedRequest, verifyContext } from './support';

const paddle = providerFor(sourceSchema.parse({ name: 'paddle', provider: 'paddle' }));
const secret = 'pdl_ntfset_01gkpjp8bkh3ags9wxd6s2shrd_6M0YfmL4s6kXd1vyfRN3dgkHhcrDlJM3';
const other = 'pdl_ntfset_01hx0000000000000000000000_otherotherotherotherotherother';
const payload = JSON.stringify({
  event_id: 'evt_01hv8x2acma2gz3he8hsz2cebh',
  event_type: 'transaction.completed',
  occurred_at: '2024-04-12T10:18:49.621022Z',
  data: { id: 'txn_01hv8wptq8987qeep44cyrewp9' },
});

/** Paddle's documented algorithm (its SDK only verifies): `ts=<t>;h1=<hex HMAC-SHA256 of "<t>:<body>">`. */
function sign(key: string, ts: number, ...more: string[]) {
  const h1 = [key, ...more].map((k) => `h1=${createHmac('sha256', k).update(`${ts}:${payload}`).digest('hex')}`);
  return signedRequest(payload, { 'paddle-signature': [`ts=${ts}`, ...h1].join(';') });
}

provesScheme('paddle', {
  provider: paddle,
  key: { verifyWith: secret, signWith: secret },
  otherKey: { verifyWith: other, signWith: other },
  sign: (key, ts) => sign(key, ts),
  timestamped: true,
  // The SDK refuses anything older than five seconds, so it is asked at once.
  libraryAccepts: (request, key) =>
    new Paddle('pdl_sdbx_apikey_unused').webhooks.isSignatureValid(request.body.toString(), key, request.headers['paddle-signature']!),
  identity: () => ({ kind: 'event', eventId: 'evt_01hv8x2acma2gz3he8hsz2cebh', eventType: 'transaction.completed' }),
});

describe('paddle specifics', () => {
  it('accepts a header with several h1 signatures (Paddle rotating its secret) when any one matches', () => {
    expect(outcome(paddle, sign(other, nowSeconds(), secret), verifyContext([secret]))).toBe('accepted');
  });

  it('reads the ;-separated header, not a comma-separated one', () => {
    const request = sign(secret, nowSeconds());
    const commas = signedRequest(payload, { 'paddle-signature': request.headers['paddle-signature']!.replace(';', ',') });
    expect(outcome(paddle, commas, verifyContext([secret]))).not.toBe('accepted');
  });
});
