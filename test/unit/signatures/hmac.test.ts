import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hmacOptionsSchema, sourceSchema } from '../../../shared/config/schema';
import { createHmacProvider } from '../../../shared/signatures/hmac';
import { malformed, nowSeconds, outcome, signedRequest, verifyContext, withHeaders, withOneByteChanged } from './support';

// Signatures are computed here with node:crypto, independent of the code under test.
const mac = (algorithm: string, key: string, content: string | Buffer, encoding: 'hex' | 'base64' = 'hex') =>
  createHmac(algorithm, key).update(content).digest(encoding);

const secret = 'wss-shared-secret-1';
const other = 'wss-shared-secret-0';
const payload = JSON.stringify({ id: 'evt_wss_1', type: 'order.shipped', data: { sku: 'Ä-1' } });

/** Seed scheme 1, as shipped in webhooks.config.json. */
function shippedWss() {
  const config = JSON.parse(readFileSync(new URL('../../../webhooks.config.json', import.meta.url), 'utf8')) as { sources: unknown[] };
  const source = config.sources.map((s) => sourceSchema.parse(s)).find((s) => s.provider === 'hmac');
  if (source?.provider !== 'hmac') throw new Error('webhooks.config.json has no hmac source');
  return createHmacProvider(source.hmac);
}

/** Seed scheme 2: `X-Webhook-Signature: t=<unix>,v1=<hex>` over `<t>.<body>`, id in `X-Webhook-Id`. */
const xWebhook = createHmacProvider(
  hmacOptionsSchema.parse({
    signatureHeader: 'X-Webhook-Signature',
    signatureFormat: 'keyValue',
    signatureKey: 'v1',
    timestamp: { key: 't', format: 'unix' },
    signedContent: '{timestamp}.{body}',
    eventId: { header: 'X-Webhook-Id' },
    eventType: { jsonPath: 'type' },
  }),
);

function wss(key: string, timestamp: string, body = payload) {
  return signedRequest(body, { 'x-wss-timestamp': timestamp, 'x-wss-signature': mac('sha256', key, timestamp + body) });
}

function xWebhookRequest(keys: string[], t = nowSeconds(), body = payload) {
  const header = [`t=${t}`, ...keys.map((key) => `v1=${mac('sha256', key, `${t}.${body}`)}`)].join(',');
  return signedRequest(body, { 'x-webhook-signature': header, 'x-webhook-id': 'msg_x_1' });
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

describe('generic hmac: X-WSS-Signature over <X-WSS-Timestamp><body> (shipped config)', () => {
  const provider = shippedWss();

  it('accept the hex HMAC-SHA256 over the timestamp and body, with a Unix or ISO 8601 timestamp', () => {
    expect(outcome(provider, wss(secret, String(nowSeconds())), verifyContext([secret]))).toBe('accepted');
    expect(outcome(provider, wss(secret, iso(nowSeconds())), verifyContext([secret]))).toBe('accepted');
    expect(outcome(provider, wss(secret, '2024-05-01T14:00:00+02:00'), verifyContext([secret], Date.UTC(2024, 4, 1, 12) / 1000))).toBe('accepted');
  });

  it('refuse the same request with one byte of the body changed', () => {
    expect(outcome(provider, withOneByteChanged(wss(secret, String(nowSeconds()))), verifyContext([secret]))).toBe('mismatch');
  });

  it('sign the timestamp text as sent: the same instant written otherwise does not verify', () => {
    const now = nowSeconds();
    const request = wss(secret, iso(now));
    expect(outcome(provider, withHeaders(request, { 'x-wss-timestamp': String(now) }), verifyContext([secret], now))).toBe('mismatch');
  });

  it('refuse a signature made with another secret, and accept either secret during a rotation', () => {
    const t = String(nowSeconds());
    expect(outcome(provider, wss(other, t), verifyContext([secret]))).toBe('mismatch');
    expect(outcome(provider, wss(other, t), verifyContext([secret, other]))).toBe('accepted');
    expect(outcome(provider, wss(secret, t), verifyContext([secret, other]))).toBe('accepted');
  });

  it('refuse stale and future timestamps, in either format, outside the 5 minute window', () => {
    const now = nowSeconds();
    for (const t of [now - 301, now + 301]) {
      expect(outcome(provider, wss(secret, String(t)), verifyContext([secret], now))).toBe('timestamp_out_of_tolerance');
      expect(outcome(provider, wss(secret, iso(t)), verifyContext([secret], now))).toBe('timestamp_out_of_tolerance');
    }
  });

  it('name what is missing or malformed', () => {
    const request = wss(secret, String(nowSeconds()));
    expect(outcome(provider, withHeaders(request, { 'x-wss-signature': undefined }), verifyContext([secret]))).toBe('missing_signature');
    expect(outcome(provider, withHeaders(request, { 'x-wss-timestamp': undefined }), verifyContext([secret]))).toBe('missing_timestamp');
    expect(outcome(provider, withHeaders(request, { 'x-wss-timestamp': 'yesterday' }), verifyContext([secret]))).toBe('malformed_signature');
    expect(outcome(provider, withHeaders(request, { 'x-wss-timestamp': '2024-05-01T12:00:00' }), verifyContext([secret]))).toBe('malformed_signature');
    expect(outcome(provider, withHeaders(request, { 'x-wss-signature': 'zz' }), verifyContext([secret]))).toBe('malformed_signature');
  });

  it('identify the event by the body id and type', () => {
    expect(provider.identify(wss(secret, '1'))).toEqual({ kind: 'event', eventId: 'evt_wss_1', eventType: 'order.shipped' });
    expect(malformed(() => provider.identify(wss(secret, '1', '{"type":"x"}')))).toMatch(/"id"/);
    expect(malformed(() => provider.identify(wss(secret, '1', 'id=1')))).toMatch(/JSON/);
  });
});

describe('generic hmac: X-Webhook-Signature t=<unix>,v1=<hex> over <t>.<body>', () => {
  it('accept the signature, and several v1 entries when any one matches', () => {
    expect(outcome(xWebhook, xWebhookRequest([secret]), verifyContext([secret]))).toBe('accepted');
    expect(outcome(xWebhook, xWebhookRequest([other, secret]), verifyContext([secret]))).toBe('accepted');
  });

  it('refuse the same request with one byte of the body changed, or another secret', () => {
    expect(outcome(xWebhook, withOneByteChanged(xWebhookRequest([secret])), verifyContext([secret]))).toBe('mismatch');
    expect(outcome(xWebhook, xWebhookRequest([other]), verifyContext([secret]))).toBe('mismatch');
  });

  it('accept either of two secrets during a rotation', () => {
    expect(outcome(xWebhook, xWebhookRequest([other]), verifyContext([secret, other]))).toBe('accepted');
    expect(outcome(xWebhook, xWebhookRequest([secret]), verifyContext([secret, other]))).toBe('accepted');
  });

  it('refuse stale and future timestamps, and a header without t', () => {
    const now = nowSeconds();
    expect(outcome(xWebhook, xWebhookRequest([secret], now - 301), verifyContext([secret], now))).toBe('timestamp_out_of_tolerance');
    expect(outcome(xWebhook, xWebhookRequest([secret], now + 301), verifyContext([secret], now))).toBe('timestamp_out_of_tolerance');
    const request = xWebhookRequest([secret], now);
    const header = request.headers['x-webhook-signature']!.replace(/^t=\d+,/, '');
    expect(outcome(xWebhook, withHeaders(request, { 'x-webhook-signature': header }), verifyContext([secret], now))).toBe('missing_timestamp');
  });

  it('identify the event by X-Webhook-Id and the body type', () => {
    expect(xWebhook.identify(xWebhookRequest([secret]))).toEqual({ kind: 'event', eventId: 'msg_x_1', eventType: 'order.shipped' });
    expect(xWebhook.identify(signedRequest('not json', { 'x-webhook-id': 'msg_2' }))).toEqual({ kind: 'event', eventId: 'msg_2', eventType: 'unknown' });
    expect(malformed(() => xWebhook.identify(signedRequest(payload, {})))).toMatch(/x-webhook-id/);
  });
});

describe('generic hmac options', () => {
  it('support sha1 and sha512, base64, a prefix, and several signatures in a plain header', () => {
    const provider = createHmacProvider(
      hmacOptionsSchema.parse({ signatureHeader: 'x-sig', algorithm: 'sha512', encoding: 'base64', signaturePrefix: 'sha512=', eventId: { header: 'x-id' } }),
    );
    const header = `sha512=${mac('sha512', other, payload, 'base64')}, sha512=${mac('sha512', secret, payload, 'base64')}`;
    expect(outcome(provider, signedRequest(payload, { 'x-sig': header }), verifyContext([secret]))).toBe('accepted');
    expect(outcome(provider, signedRequest(payload, { 'x-sig': mac('sha512', secret, payload, 'base64') }), verifyContext([secret]))).toBe(
      'malformed_signature',
    );

    const sha1 = createHmacProvider(hmacOptionsSchema.parse({ signatureHeader: 'x-sig', algorithm: 'sha1', eventId: { header: 'x-id' } }));
    expect(outcome(sha1, signedRequest(payload, { 'x-sig': mac('sha1', secret, payload) }), verifyContext([secret]))).toBe('accepted');
    expect(outcome(sha1, withOneByteChanged(signedRequest(payload, { 'x-sig': mac('sha1', secret, payload) })), verifyContext([secret]))).toBe('mismatch');
  });

  it('sign the id header when the template names {id}', () => {
    const provider = createHmacProvider(hmacOptionsSchema.parse({ signatureHeader: 'x-sig', signedContent: '{id}:{body}', eventId: { header: 'x-id' } }));
    const request = signedRequest(payload, { 'x-id': 'm1', 'x-sig': mac('sha256', secret, `m1:${payload}`) });
    expect(outcome(provider, request, verifyContext([secret]))).toBe('accepted');
    expect(outcome(provider, withHeaders(request, { 'x-id': 'm2' }), verifyContext([secret]))).toBe('mismatch');
    expect(outcome(provider, withHeaders(request, { 'x-id': undefined }), verifyContext([secret]))).toBe('malformed_signature');
  });

  it('read the id and type from nested JSON paths of own properties only', () => {
    const provider = createHmacProvider(
      hmacOptionsSchema.parse({ signatureHeader: 'x-sig', eventId: { jsonPath: 'meta.id' }, eventType: { jsonPath: 'meta.kind' } }),
    );
    expect(provider.identify(signedRequest('{"meta":{"id":"n1","kind":"k"}}', {}))).toEqual({ kind: 'event', eventId: 'n1', eventType: 'k' });
    expect(malformed(() => provider.identify(signedRequest('{"meta":{"id":7}}', {})))).toMatch(/meta\.id/);
    const inherited = createHmacProvider(hmacOptionsSchema.parse({ signatureHeader: 'x-sig', eventId: { jsonPath: 'constructor.name' } }));
    expect(malformed(() => inherited.identify(signedRequest('{}', {})))).toMatch(/constructor\.name/);
  });

  it('refuse, when built, a template that needs a timestamp or an id header it is not given', () => {
    expect(() =>
      createHmacProvider(hmacOptionsSchema.parse({ signatureHeader: 'x', signedContent: '{timestamp}{body}', eventId: { header: 'x-id' } })),
    ).toThrow(/timestamp/);
    expect(() => createHmacProvider(hmacOptionsSchema.parse({ signatureHeader: 'x', signedContent: '{id}{body}', eventId: { jsonPath: 'id' } }))).toThrow(
      /\{id\}/,
    );
    expect(() => createHmacProvider(hmacOptionsSchema.parse({ signatureHeader: 'x', timestamp: { key: 't' }, eventId: { jsonPath: 'id' } }))).toThrow(
      /keyValue/,
    );
  });
});
