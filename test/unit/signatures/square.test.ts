import { createHmac } from 'node:crypto';
import { WebhooksHelper } from 'square';
import { describe, expect, it } from 'vitest';
import { square } from '../../../shared/signatures/square';
import { malformed, outcome, signedRequest, verifyContext, withOneByteChanged } from './support';

const key = 'asdf1234';
const other = 'qwer5678';
const url = 'https://hooks.example.com/webhooks/square';
const payload = JSON.stringify({ merchant_id: 'MLH', type: 'payment.updated', event_id: 'f7e6b2f0-1c4e-4d1f-9c1e-2b7a8b9c0d1e', data: { id: 'pay_1' } });

/** The square library only verifies: the signature is computed with node:crypto and checked with it. */
async function signed(body: string, signatureKey: string, notificationUrl = url) {
  const signatureHeader = createHmac('sha256', signatureKey)
    .update(notificationUrl + body)
    .digest('base64');
  expect(await WebhooksHelper.verifySignature({ requestBody: body, signatureHeader, signatureKey, notificationUrl })).toBe(true);
  return signedRequest(body, { 'x-square-hmacsha256-signature': signatureHeader }, notificationUrl);
}

describe('square signatures', () => {
  it('accept a request whose signature WebhooksHelper.verifySignature accepts', async () => {
    expect(outcome(square, await signed(payload, key), verifyContext([key]))).toBe('accepted');
  });

  it('refuse the same request with one byte of the body changed', async () => {
    expect(outcome(square, withOneByteChanged(await signed(payload, key)), verifyContext([key]))).toBe('mismatch');
  });

  it('refuse the request at another URL than the one signed', async () => {
    const request = await signed(payload, key);
    expect(outcome(square, { ...request, url: `${url}?x=1` }, verifyContext([key]))).toBe('mismatch');
  });

  it('refuse a signature made with another key', async () => {
    expect(outcome(square, await signed(payload, other), verifyContext([key]))).toBe('mismatch');
  });

  it('accept either of two keys during a rotation', async () => {
    expect(outcome(square, await signed(payload, key), verifyContext([other, key]))).toBe('accepted');
    expect(outcome(square, await signed(payload, other), verifyContext([other, key]))).toBe('accepted');
  });

  it('identify the event by the body event_id and type', async () => {
    expect(square.identify(await signed(payload, key))).toEqual({
      kind: 'event',
      eventId: 'f7e6b2f0-1c4e-4d1f-9c1e-2b7a8b9c0d1e',
      eventType: 'payment.updated',
    });
    expect(malformed(() => square.identify(signedRequest('{"type":"payment.updated"}', {})))).toMatch(/event_id/);
  });
});
