import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { describe, expect, it } from 'vitest';
import { standard } from '../../../shared/signatures/standard';
import { malformed, nowSeconds, outcome, signedRequest, verifyContext, withHeaders, withOneByteChanged } from './support';

const secret = `whsec_${randomBytes(24).toString('base64')}`;
const other = `whsec_${randomBytes(32).toString('base64')}`;
const payload = JSON.stringify({ type: 'invoice.paid', timestamp: '2024-05-01T12:00:00Z', data: { id: 'inv_1', note: 'naïve' } });

function signedBy(family: 'webhook' | 'svix', body: string, secrets: string[], id = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W', timestamp = nowSeconds()) {
  const library = family === 'webhook' ? (s: string) => new Webhook(s) : (s: string) => new SvixWebhook(s);
  const signature = secrets.map((s) => library(s).sign(id, new Date(timestamp * 1000), body)).join(' ');
  return signedRequest(body, { [`${family}-id`]: id, [`${family}-timestamp`]: String(timestamp), [`${family}-signature`]: signature });
}

describe('standard webhooks signatures', () => {
  it('match the specification test vectors with the clock at the vector timestamp', () => {
    const vectors = [
      [
        'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        'msg_p5jXN8AQM9LWM0D4loKWxJek',
        '1614265330',
        '{"test": 2432232314}',
        'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
      ],
      [
        'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD',
        'msg_27UH4WbU6Z5A5EzD8u03UvzRbpk',
        '1649367553',
        '{"email":"test@example.com","username":"test_user"}',
        'v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=',
      ],
    ] as const;
    for (const [key, id, timestamp, body, signature] of vectors) {
      const request = signedRequest(body, { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature });
      expect(outcome(standard, request, verifyContext([key], Number(timestamp)))).toBe('accepted');
      expect(outcome(standard, withOneByteChanged(request), verifyContext([key], Number(timestamp)))).toBe('mismatch');
      expect(outcome(standard, request, verifyContext([key], Number(timestamp) + 301))).toBe('timestamp_out_of_tolerance');
    }
  });

  it('accept a request signed by the standardwebhooks library, which verifies it too', () => {
    const request = signedBy('webhook', payload, [secret]);
    expect(new Webhook(secret).verify(payload, request.headers as Record<string, string>)).toEqual(JSON.parse(payload));
    expect(outcome(standard, request, verifyContext([secret]))).toBe('accepted');
  });

  it('accept a request signed by the svix library under svix-* headers, which svix verifies too', () => {
    const request = signedBy('svix', payload, [secret]);
    expect(new SvixWebhook(secret).verify(payload, request.headers as Record<string, string>)).toEqual(JSON.parse(payload));
    expect(outcome(standard, request, verifyContext([secret]))).toBe('accepted');
  });

  it('refuse the same request with one byte of the body changed', () => {
    for (const family of ['webhook', 'svix'] as const) {
      expect(outcome(standard, withOneByteChanged(signedBy(family, payload, [secret])), verifyContext([secret]))).toBe('mismatch');
    }
  });

  it('refuse a signature made with another secret', () => {
    expect(outcome(standard, signedBy('webhook', payload, [other]), verifyContext([secret]))).toBe('mismatch');
  });

  it('sign the id: another id breaks the signature', () => {
    const request = signedBy('webhook', payload, [secret]);
    expect(outcome(standard, withHeaders(request, { 'webhook-id': 'msg_other' }), verifyContext([secret]))).toBe('mismatch');
  });

  it('accept a header with several signatures when any one matches, ignoring other versions', () => {
    const request = signedBy('webhook', payload, [other, secret]);
    expect(request.headers['webhook-signature']).toMatch(/^v1,\S+ v1,\S+$/);
    expect(outcome(standard, request, verifyContext([secret]))).toBe('accepted');
    const ours = request.headers['webhook-signature']!.split(' ')[1]!;
    expect(outcome(standard, withHeaders(request, { 'webhook-signature': `v1a,${ours.slice(3)} ${ours}` }), verifyContext([secret]))).toBe('accepted');
    expect(outcome(standard, withHeaders(request, { 'webhook-signature': `v1a,${ours.slice(3)}` }), verifyContext([secret]))).toBe('malformed_signature');
    expect(outcome(standard, withHeaders(request, { 'webhook-signature': `v2,${ours.slice(3)}` }), verifyContext([secret]))).toBe('malformed_signature');
  });

  it('accept a repeated signature header (joined with ", ")', () => {
    const [first, second] = signedBy('webhook', payload, [other, secret]).headers['webhook-signature']!.split(' ');
    const request = withHeaders(signedBy('webhook', payload, [secret]), { 'webhook-signature': `${first}, ${second}` });
    expect(outcome(standard, request, verifyContext([secret]))).toBe('accepted');
  });

  it('accept either of two secrets during a rotation', () => {
    expect(outcome(standard, signedBy('webhook', payload, [secret]), verifyContext([other, secret]))).toBe('accepted');
    expect(outcome(standard, signedBy('svix', payload, [other]), verifyContext([other, secret]))).toBe('accepted');
  });

  it('take a secret without the whsec_ prefix as plain base64, as the reference library does', () => {
    const plain = secret.slice('whsec_'.length);
    expect(outcome(standard, signedBy('webhook', payload, [plain]), verifyContext([plain]))).toBe('accepted');
    expect(outcome(standard, signedBy('webhook', payload, [secret]), verifyContext([plain]))).toBe('accepted');
  });

  it('treat secrets that are not base64 as unusable', () => {
    const request = signedBy('webhook', payload, [secret]);
    expect(outcome(standard, request, verifyContext(['whsec_not*base64']))).toBe('no_secret');
    expect(outcome(standard, request, verifyContext(['whsec_not*base64', secret]))).toBe('accepted');
    expect(outcome(standard, request, verifyContext([]))).toBe('no_secret');
  });

  it('refuse stale and future timestamps', () => {
    const now = nowSeconds();
    for (const family of ['webhook', 'svix'] as const) {
      expect(outcome(standard, signedBy(family, payload, [secret], 'msg_1', now - 301), verifyContext([secret], now))).toBe('timestamp_out_of_tolerance');
      expect(outcome(standard, signedBy(family, payload, [secret], 'msg_1', now + 301), verifyContext([secret], now))).toBe('timestamp_out_of_tolerance');
    }
  });

  it('name what is missing or malformed', () => {
    const request = signedBy('webhook', payload, [secret]);
    expect(outcome(standard, withHeaders(request, { 'webhook-signature': undefined }), verifyContext([secret]))).toBe('missing_signature');
    expect(outcome(standard, withHeaders(request, { 'webhook-timestamp': undefined }), verifyContext([secret]))).toBe('missing_timestamp');
    expect(outcome(standard, withHeaders(request, { 'webhook-timestamp': '2024-05-01T12:00:00Z' }), verifyContext([secret]))).toBe('malformed_signature');
    expect(outcome(standard, withHeaders(request, { 'webhook-id': undefined }), verifyContext([secret]))).toBe('malformed_signature');
  });

  it('identify the event by webhook-id or svix-id and the body type or eventType', () => {
    expect(standard.identify(signedBy('webhook', payload, [secret], 'msg_a'))).toEqual({ kind: 'event', eventId: 'msg_a', eventType: 'invoice.paid' });
    expect(standard.identify(signedBy('svix', '{"eventType":"user.created"}', [secret], 'msg_b'))).toEqual({
      kind: 'event',
      eventId: 'msg_b',
      eventType: 'user.created',
    });
    expect(standard.identify(signedBy('webhook', 'not json', [secret], 'msg_c'))).toEqual({ kind: 'event', eventId: 'msg_c', eventType: 'unknown' });
    expect(malformed(() => standard.identify(signedRequest(payload, { 'webhook-signature': 'v1,x' })))).toMatch(/webhook-id/);
    expect(malformed(() => standard.identify(signedRequest(payload, { 'svix-id': 'x'.repeat(513) })))).toMatch(/512/);
  });
});
