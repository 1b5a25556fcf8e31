import { createHash } from 'node:crypto';
import twilioLib from 'twilio';
import { describe, expect, it } from 'vitest';
import { twilio } from '../../../shared/signatures/twilio';
import { malformed, outcome, signedRequest, verifyContext, withHeaders, withOneByteChanged } from './support';

const { getExpectedTwilioSignature, validateRequest, validateRequestWithBody } = twilioLib;

const token = '12345abcdef67890abcdef1234567890';
const other = '0987654321fedcba0987654321fedcba';
const url = 'https://hooks.example.com/webhooks/twilio?source=sms';
const params = {
  MessageSid: 'SM1342fe1b2c904d1ab04f0fc7a58abca9',
  MessageStatus: 'delivered',
  AccountSid: 'AC9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d',
  To: '+15558675310',
  Body: 'Hé & ✓ = 100%',
};

/** A form post signed by the twilio library over `signedUrl`, received at `receivedUrl`. */
function formPost(key: string, values: Record<string, string | string[]> = params, signedUrl = url, receivedUrl = signedUrl) {
  const body = new URLSearchParams(
    Object.entries(values).flatMap(([name, v]) => (Array.isArray(v) ? v : [v]).map((one): [string, string] => [name, one])),
  ).toString();
  const signature = getExpectedTwilioSignature(key, signedUrl, values);
  return signedRequest(body, { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, receivedUrl);
}

/** A JSON post: `bodySHA256` in the query, the URL alone signed. */
function jsonPost(key: string, body: string) {
  const jsonUrl = `https://hooks.example.com/webhooks/twilio?bodySHA256=${createHash('sha256').update(body).digest('hex')}`;
  const signature = getExpectedTwilioSignature(key, jsonUrl, {});
  return signedRequest(body, { 'content-type': 'application/json', 'x-twilio-signature': signature }, jsonUrl);
}

describe('twilio signatures', () => {
  it('accept a form post signed by the twilio library, which validateRequest accepts too', () => {
    const request = formPost(token);
    expect(validateRequest(token, request.headers['x-twilio-signature']!, url, params)).toBe(true);
    expect(outcome(twilio, request, verifyContext([token]))).toBe('accepted');
  });

  it('refuse the same form post with one byte of the body changed', () => {
    expect(outcome(twilio, withOneByteChanged(formPost(token)), verifyContext([token]))).toBe('mismatch');
  });

  it('refuse a form post with a parameter added', () => {
    const request = formPost(token);
    expect(outcome(twilio, { ...request, body: Buffer.concat([request.body, Buffer.from('&Extra=1')]) }, verifyContext([token]))).toBe('mismatch');
  });

  it('refuse a signature made with another auth token', () => {
    expect(outcome(twilio, formPost(other), verifyContext([token]))).toBe('mismatch');
  });

  it('accept either of two auth tokens during a rotation', () => {
    expect(outcome(twilio, formPost(token), verifyContext([other, token]))).toBe('accepted');
    expect(outcome(twilio, formPost(other), verifyContext([other, token]))).toBe('accepted');
  });

  it('sign a repeated parameter as the library does (distinct values, sorted)', () => {
    const values = { MediaUrl: ['https://m.example/2', 'https://m.example/1', 'https://m.example/2'], MessageSid: 'SM1' };
    const request = formPost(token, values);
    expect(validateRequest(token, request.headers['x-twilio-signature']!, url, values)).toBe(true);
    expect(outcome(twilio, request, verifyContext([token]))).toBe('accepted');
  });

  it('accept a JSON post whose URL is signed and whose body matches bodySHA256, as validateRequestWithBody does', () => {
    const body = JSON.stringify({ MessageSid: 'SM2', MessageStatus: 'sent' });
    const request = jsonPost(token, body);
    expect(validateRequestWithBody(token, request.headers['x-twilio-signature']!, request.url, body)).toBe(true);
    expect(outcome(twilio, request, verifyContext([token]))).toBe('accepted');
  });

  it('refuse a JSON post with one byte of the body changed (bodySHA256 no longer matches)', () => {
    const request = withOneByteChanged(jsonPost(token, '{"MessageSid":"SM2","MessageStatus":"sent"}'));
    expect(validateRequestWithBody(token, request.headers['x-twilio-signature']!, request.url, request.body.toString())).toBe(false);
    expect(outcome(twilio, request, verifyContext([token]))).toBe('mismatch');
  });

  it('accept the URL signed with or without the default port, as the library does', () => {
    for (const [signedUrl, receivedUrl] of [
      ['https://hooks.example.com:443/webhooks/twilio', 'https://hooks.example.com/webhooks/twilio'],
      ['https://hooks.example.com/webhooks/twilio', 'https://hooks.example.com:443/webhooks/twilio'],
      ['https://hooks.example.com/webhooks/twilio', 'https://hooks.example.com:8443/webhooks/twilio'],
      ['http://localhost:80/webhooks/twilio', 'http://localhost/webhooks/twilio'],
    ] as const) {
      const request = formPost(token, params, signedUrl, receivedUrl);
      expect(validateRequest(token, request.headers['x-twilio-signature']!, receivedUrl, params), signedUrl).toBe(true);
      expect(outcome(twilio, request, verifyContext([token])), signedUrl).toBe('accepted');
    }
  });

  it('refuse a URL signed with another non-default port than the one received', () => {
    const request = formPost(token, params, 'https://hooks.example.com:8443/webhooks/twilio', 'https://hooks.example.com:9443/webhooks/twilio');
    expect(outcome(twilio, request, verifyContext([token]))).toBe('mismatch');
  });

  it('accept a signature over the normalized URL when the received one has unescaped characters, as the library does', () => {
    const received = "https://hooks.example.com/webhooks/twilio?name=O'Brien&x=a b";
    const signedUrl = new URL(received).toString();
    const request = formPost(token, params, signedUrl, received);
    expect(validateRequest(token, request.headers['x-twilio-signature']!, received, params)).toBe(true);
    expect(outcome(twilio, request, verifyContext([token]))).toBe('accepted');
  });

  it('refuse the request at another URL than the one signed', () => {
    expect(outcome(twilio, formPost(token, params, url, `${url}&more=1`), verifyContext([token]))).toBe('mismatch');
  });

  it('name what is missing or malformed', () => {
    const request = formPost(token);
    expect(outcome(twilio, withHeaders(request, { 'x-twilio-signature': undefined }), verifyContext([token]))).toBe('missing_signature');
    expect(outcome(twilio, withHeaders(request, { 'x-twilio-signature': '%%%' }), verifyContext([token]))).toBe('malformed_signature');
    expect(outcome(twilio, request, verifyContext([]))).toBe('no_secret');
  });

  it('identify the event by the signed sid and status, not by the unsigned I-Twilio-Idempotency-Token', () => {
    // A captured callback replayed with a fresh token is the same event.
    for (const fresh of ['4a6c6b0e-94a8-4c8e-9c44-2a2c6c0b9e1f', '0b9e1f4a-6c6b-0e94-a84c-8e9c442a2c6c']) {
      const request = withHeaders(formPost(token), { 'i-twilio-idempotency-token': fresh });
      expect(twilio.identify(request)).toEqual({ kind: 'event', eventId: 'SM1342fe1b2c904d1ab04f0fc7a58abca9:delivered', eventType: 'delivered' });
    }
    // The token is the key only when the callback carries no sid and status.
    const bare = withHeaders(formPost(token, { AccountSid: 'AC1' }), { 'i-twilio-idempotency-token': 'tok-1' });
    expect(twilio.identify(bare)).toMatchObject({ eventId: 'tok-1' });
  });

  it('without the token, identify the event by the resource sid and its status', () => {
    expect(twilio.identify(formPost(token))).toEqual({ kind: 'event', eventId: 'SM1342fe1b2c904d1ab04f0fc7a58abca9:delivered', eventType: 'delivered' });
    const call = formPost(token, { CallSid: 'CA1', CallStatus: 'completed' });
    expect(twilio.identify(call)).toEqual({ kind: 'event', eventId: 'CA1:completed', eventType: 'completed' });
    const sms = formPost(token, { MessageSid: 'SM3', SmsStatus: 'received' });
    expect(twilio.identify(sms)).toEqual({ kind: 'event', eventId: 'SM3:received', eventType: 'received' });
    expect(twilio.identify(jsonPost(token, '{"MessageSid":"SM2","MessageStatus":"sent"}'))).toEqual({ kind: 'event', eventId: 'SM2:sent', eventType: 'sent' });
  });

  it('refuse to identify a request with neither token nor sid', () => {
    expect(malformed(() => twilio.identify(formPost(token, { AccountSid: 'AC1' })))).toMatch(/I-Twilio-Idempotency-Token/);
  });
});
