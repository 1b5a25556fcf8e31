import { sign, verify } from '@octokit/webhooks-methods';
import { describe, expect, it } from 'vitest';
import { github } from '../../../shared/signatures/github';
import { malformed, outcome, signedRequest, verifyContext, withHeaders, withOneByteChanged } from './support';

const secret = "It's a Secret to Everybody";
const other = 'another secret';
const payload = JSON.stringify({ action: 'opened', issue: { number: 1, title: 'ü and ✓' } });
const delivery = { 'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958', 'x-github-event': 'issues' };

async function signed(body: string, key: string) {
  return signedRequest(body, { 'x-hub-signature-256': await sign(key, body), ...delivery });
}

describe('github signatures', () => {
  it('accept a request signed by @octokit/webhooks-methods, which verifies it too', async () => {
    const request = await signed(payload, secret);
    expect(await verify(secret, payload, request.headers['x-hub-signature-256']!)).toBe(true);
    expect(outcome(github, request, verifyContext([secret]))).toBe('accepted');
  });

  it('refuse the same request with one byte of the body changed', async () => {
    expect(outcome(github, withOneByteChanged(await signed(payload, secret)), verifyContext([secret]))).toBe('mismatch');
  });

  it('refuse a signature made with another secret', async () => {
    expect(outcome(github, await signed(payload, other), verifyContext([secret]))).toBe('mismatch');
  });

  it('accept either of two secrets during a rotation', async () => {
    expect(outcome(github, await signed(payload, secret), verifyContext([other, secret]))).toBe('accepted');
    expect(outcome(github, await signed(payload, other), verifyContext([other, secret]))).toBe('accepted');
  });

  it('accept a repeated header when any of its signatures matches', async () => {
    const header = `${await sign(other, payload)}, ${await sign(secret, payload)}`;
    expect(outcome(github, signedRequest(payload, { 'x-hub-signature-256': header }), verifyContext([secret]))).toBe('accepted');
  });

  it('name what is missing or malformed', async () => {
    const request = await signed(payload, secret);
    expect(outcome(github, withHeaders(request, { 'x-hub-signature-256': undefined }), verifyContext([secret]))).toBe('missing_signature');
    expect(
      outcome(
        github,
        withHeaders(request, { 'x-hub-signature-256': request.headers['x-hub-signature-256']!.replace('sha256=', 'sha1=') }),
        verifyContext([secret]),
      ),
    ).toBe('malformed_signature');
    expect(outcome(github, request, verifyContext([]))).toBe('no_secret');
  });

  it('identify the event by X-GitHub-Delivery and X-GitHub-Event', async () => {
    expect(github.identify(await signed(payload, secret))).toEqual({ kind: 'event', eventId: delivery['x-github-delivery'], eventType: 'issues' });
    expect(github.identify(signedRequest('', { 'x-github-delivery': 'd-1' }))).toEqual({ kind: 'event', eventId: 'd-1', eventType: 'unknown' });
    expect(malformed(() => github.identify(signedRequest(payload, { 'x-github-event': 'issues' })))).toMatch(/X-GitHub-Delivery/);
  });
});
