import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { shopify } from '../../../shared/signatures/shopify';
import { malformed, outcome, signedRequest, verifyContext, withHeaders, withOneByteChanged } from './support';

// Shopify has no official verifier library: the signature is computed here with node:crypto.
const secret = 'shpss_0123456789abcdef0123456789abcdef';
const other = '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';
const payload = JSON.stringify({ id: 820982911946154500, email: 'jon@example.com', note: 'café' });
const ids = { 'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043', 'x-shopify-topic': 'orders/create' };

const base64Hmac = (key: string, body: string | Buffer) => createHmac('sha256', key).update(body).digest('base64');
const signed = (body: string, key: string) => signedRequest(body, { 'x-shopify-hmac-sha256': base64Hmac(key, body), ...ids });

describe('shopify signatures', () => {
  it('accept the base64 HMAC-SHA256 of the raw body', () => {
    expect(outcome(shopify, signed(payload, secret), verifyContext([secret]))).toBe('accepted');
  });

  it('verify the raw bytes, even when they are not valid UTF-8', () => {
    const body = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    const request = signedRequest(body, { 'x-shopify-hmac-sha256': base64Hmac(secret, body) });
    expect(outcome(shopify, request, verifyContext([secret]))).toBe('accepted');
  });

  it('refuse the same request with one byte of the body changed', () => {
    expect(outcome(shopify, withOneByteChanged(signed(payload, secret)), verifyContext([secret]))).toBe('mismatch');
  });

  it('refuse a signature made with another secret', () => {
    expect(outcome(shopify, signed(payload, other), verifyContext([secret]))).toBe('mismatch');
  });

  it('accept either of two secrets during a rotation', () => {
    expect(outcome(shopify, signed(payload, secret), verifyContext([other, secret]))).toBe('accepted');
    expect(outcome(shopify, signed(payload, other), verifyContext([other, secret]))).toBe('accepted');
  });

  it('accept a repeated header when any of its signatures matches', () => {
    const header = `${base64Hmac(other, payload)}, ${base64Hmac(secret, payload)}`;
    expect(outcome(shopify, signedRequest(payload, { 'x-shopify-hmac-sha256': header }), verifyContext([secret]))).toBe('accepted');
  });

  it('name what is missing or malformed', () => {
    const request = signed(payload, secret);
    expect(outcome(shopify, withHeaders(request, { 'x-shopify-hmac-sha256': '' }), verifyContext([secret]))).toBe('missing_signature');
    expect(outcome(shopify, withHeaders(request, { 'x-shopify-hmac-sha256': 'not*base64' }), verifyContext([secret]))).toBe('malformed_signature');
  });

  it('identify the event by X-Shopify-Webhook-Id and X-Shopify-Topic', () => {
    expect(shopify.identify(signed(payload, secret))).toEqual({ kind: 'event', eventId: ids['x-shopify-webhook-id'], eventType: 'orders/create' });
    expect(malformed(() => shopify.identify(signedRequest(payload, { 'x-shopify-topic': 'orders/create' })))).toMatch(/X-Shopify-Webhook-Id/);
  });
});
