import { createHmac } from 'node:crypto';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { stripe } from '../../../shared/signatures/stripe';
import { malformed, nowSeconds, outcome, signedRequest, verifyContext, withHeaders, withOneByteChanged } from './support';

const secret = 'whsec_test_Zm9vYmFyYmF6cXV4';
const other = 'whsec_other_cXV4YmF6YmFyZm9v';
const payload = JSON.stringify({ id: 'evt_1NbQ', object: 'event', type: 'invoice.paid', data: { object: { id: 'in_1', amount_paid: 4200 } } });

function signed(body: string, secrets: string[], timestamp = nowSeconds()) {
  const v1 = secrets.map((s) => Stripe.webhooks.generateTestHeaderString({ payload: body, secret: s, timestamp }).split(',')[1]);
  return signedRequest(body, { 'stripe-signature': [`t=${timestamp}`, ...v1].join(',') });
}

describe('stripe signatures', () => {
  it('accept a request signed by the stripe library, which constructEvent accepts too', () => {
    const timestamp = nowSeconds();
    const header = Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
    const request = signedRequest(payload, { 'stripe-signature': header });
    expect(new Stripe('sk_test_unused').webhooks.constructEvent(request.body, header, secret).id).toBe('evt_1NbQ');
    expect(outcome(stripe, request, verifyContext([secret]))).toBe('accepted');
  });

  it('refuse the same request with one byte of the body changed', () => {
    expect(outcome(stripe, withOneByteChanged(signed(payload, [secret])), verifyContext([secret]))).toBe('mismatch');
  });

  it('refuse a signature made with another secret', () => {
    expect(outcome(stripe, signed(payload, [other]), verifyContext([secret]))).toBe('mismatch');
  });

  it('key the HMAC with the whsec_ text itself, not its decoded bytes', () => {
    const t = nowSeconds();
    const hex = createHmac('sha256', secret).update(`${t}.${payload}`).digest('hex');
    expect(outcome(stripe, signedRequest(payload, { 'stripe-signature': `t=${t},v1=${hex}` }), verifyContext([secret]))).toBe('accepted');
  });

  it('accept a header with several v1 signatures when any one matches', () => {
    expect(outcome(stripe, signed(payload, [other, secret]), verifyContext([secret]))).toBe('accepted');
  });

  it('accept either of two secrets during a rotation', () => {
    expect(outcome(stripe, signed(payload, [secret]), verifyContext([other, secret]))).toBe('accepted');
    expect(outcome(stripe, signed(payload, [other]), verifyContext([other, secret]))).toBe('accepted');
  });

  it('ignore v0 signatures', () => {
    const header = signed(payload, [secret]).headers['stripe-signature']!.replace('v1=', 'v0=');
    expect(outcome(stripe, signedRequest(payload, { 'stripe-signature': header }), verifyContext([secret]))).toBe('malformed_signature');
  });

  it('refuse stale and future timestamps, accepting the edges of the window', () => {
    const now = nowSeconds();
    const context = verifyContext([secret], now, 300);
    expect(outcome(stripe, signed(payload, [secret], now - 301), context)).toBe('timestamp_out_of_tolerance');
    expect(outcome(stripe, signed(payload, [secret], now + 301), context)).toBe('timestamp_out_of_tolerance');
    expect(outcome(stripe, signed(payload, [secret], now - 300), context)).toBe('accepted');
    expect(outcome(stripe, signed(payload, [secret], now + 300), context)).toBe('accepted');
  });

  it('name what is missing or malformed', () => {
    const request = signed(payload, [secret]);
    const header = request.headers['stripe-signature']!;
    expect(outcome(stripe, withHeaders(request, { 'stripe-signature': undefined }), verifyContext([secret]))).toBe('missing_signature');
    expect(outcome(stripe, withHeaders(request, { 'stripe-signature': header.replace(/^t=\d+,/, '') }), verifyContext([secret]))).toBe('missing_timestamp');
    expect(outcome(stripe, withHeaders(request, { 'stripe-signature': header.replace(/^t=/, 't=x') }), verifyContext([secret]))).toBe('malformed_signature');
    expect(outcome(stripe, withHeaders(request, { 'stripe-signature': `${header},t=1` }), verifyContext([secret]))).toBe('malformed_signature');
    expect(outcome(stripe, withHeaders(request, { 'stripe-signature': header.replace(/v1=.*/, 'v1=xyz') }), verifyContext([secret]))).toBe(
      'malformed_signature',
    );
    expect(outcome(stripe, request, verifyContext([]))).toBe('no_secret');
  });

  it('identify the event by the body id and type', () => {
    expect(stripe.identify(signed(payload, [secret]))).toEqual({ kind: 'event', eventId: 'evt_1NbQ', eventType: 'invoice.paid' });
    expect(stripe.identify(signedRequest('{"id":"evt_2"}', {}))).toEqual({ kind: 'event', eventId: 'evt_2', eventType: 'unknown' });
  });

  it('refuse to identify a body without a usable id, or not JSON', () => {
    for (const body of ['{"type":"x"}', '{"id":""}', '{"id":42}', `{"id":"${'e'.repeat(513)}"}`, 'not json', '[1]', 'null']) {
      expect(malformed(() => stripe.identify(signedRequest(body, {})))).toMatch(/id|JSON/);
    }
  });
});
