import { createHmac } from 'node:crypto';
import { verifySlackRequest } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { slack } from '../../../shared/signatures/slack';
import { malformed, nowSeconds, outcome, signedRequest, verifyContext, withHeaders, withOneByteChanged } from './support';

const secret = '8f742231b10e8888abcd99yyyzzz85a5';
const other = '00000000000000000000000000000000';
const payload = JSON.stringify({ type: 'event_callback', event_id: 'Ev0PV52K21', event: { type: 'app_mention', text: 'héllo' } });

/** Computed with node:crypto, then checked with Bolt's own verifier (its clock pinned to the timestamp). */
function signed(body: string, key: string, timestamp = nowSeconds()) {
  const signature = `v0=${createHmac('sha256', key).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  const headers = { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp };
  verifySlackRequest({ signingSecret: key, body, headers, nowMilliseconds: timestamp * 1000 });
  return signedRequest(body, { 'x-slack-signature': signature, 'x-slack-request-timestamp': String(timestamp) });
}

describe('slack signatures', () => {
  it('accept a request whose signature Bolt verifies', () => {
    expect(outcome(slack, signed(payload, secret), verifyContext([secret]))).toBe('accepted');
  });

  it('refuse the same request with one byte of the body changed, as Bolt does', () => {
    const request = withOneByteChanged(signed(payload, secret));
    const headers = {
      'x-slack-signature': request.headers['x-slack-signature']!,
      'x-slack-request-timestamp': Number(request.headers['x-slack-request-timestamp']),
    };
    expect(() => verifySlackRequest({ signingSecret: secret, body: request.body.toString(), headers })).toThrow(/signature mismatch/);
    expect(outcome(slack, request, verifyContext([secret]))).toBe('mismatch');
  });

  it('refuse a signature made with another secret', () => {
    expect(outcome(slack, signed(payload, other), verifyContext([secret]))).toBe('mismatch');
  });

  it('accept either of two secrets during a rotation', () => {
    expect(outcome(slack, signed(payload, secret), verifyContext([other, secret]))).toBe('accepted');
    expect(outcome(slack, signed(payload, other), verifyContext([other, secret]))).toBe('accepted');
  });

  it('refuse stale and future timestamps', () => {
    const now = nowSeconds();
    expect(outcome(slack, signed(payload, secret, now - 301), verifyContext([secret], now))).toBe('timestamp_out_of_tolerance');
    expect(outcome(slack, signed(payload, secret, now + 301), verifyContext([secret], now))).toBe('timestamp_out_of_tolerance');
    expect(outcome(slack, signed(payload, secret, now + 299), verifyContext([secret], now))).toBe('accepted');
  });

  it('sign the timestamp as sent: changing it breaks the signature', () => {
    const request = signed(payload, secret);
    const moved = withHeaders(request, { 'x-slack-request-timestamp': String(Number(request.headers['x-slack-request-timestamp']) + 1) });
    expect(outcome(slack, moved, verifyContext([secret]))).toBe('mismatch');
  });

  it('name what is missing or malformed', () => {
    const request = signed(payload, secret);
    expect(outcome(slack, withHeaders(request, { 'x-slack-signature': undefined }), verifyContext([secret]))).toBe('missing_signature');
    expect(outcome(slack, withHeaders(request, { 'x-slack-request-timestamp': undefined }), verifyContext([secret]))).toBe('missing_timestamp');
    expect(outcome(slack, withHeaders(request, { 'x-slack-request-timestamp': '1e9' }), verifyContext([secret]))).toBe('malformed_signature');
    expect(outcome(slack, withHeaders(request, { 'x-slack-signature': 'v1=abcd' }), verifyContext([secret]))).toBe('malformed_signature');
  });

  it('identify an event by event_id and event.type, else type', () => {
    expect(slack.identify(signed(payload, secret))).toEqual({ kind: 'event', eventId: 'Ev0PV52K21', eventType: 'app_mention' });
    expect(slack.identify(signedRequest('{"type":"app_rate_limited","event_id":"Ev1"}', {}))).toEqual({
      kind: 'event',
      eventId: 'Ev1',
      eventType: 'app_rate_limited',
    });
  });

  it('answer url_verification with its challenge', () => {
    const request = signedRequest(
      JSON.stringify({ token: 't', challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P', type: 'url_verification' }),
      {},
    );
    expect(slack.identify(request)).toEqual({
      kind: 'handshake',
      response: { statusCode: 200, contentType: 'application/json', body: '{"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}' },
    });
  });

  it('refuse to identify a body without event_id, or not JSON', () => {
    expect(malformed(() => slack.identify(signedRequest('{"type":"event_callback"}', {})))).toMatch(/event_id/);
    expect(malformed(() => slack.identify(signedRequest('payload=%7B%7D', {})))).toMatch(/JSON/);
    expect(malformed(() => slack.identify(signedRequest('{"type":"url_verification"}', {})))).toMatch(/challenge/);
  });
});
