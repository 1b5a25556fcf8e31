import { describe, expect, it } from 'vitest';
import { gitlab } from '../../../shared/signatures/gitlab';
import { malformed, outcome, signedRequest, verifyContext } from './support';

// GitLab signs nothing: the contract is the X-Gitlab-Token header carrying the shared secret.
const token = 'glwt-3a7c9e1f5b';
const other = 'glwt-old-token';
const payload = '{"object_kind":"push","ref":"refs/heads/main"}';
const headers = {
  'x-gitlab-event': 'Push Hook',
  'x-gitlab-event-uuid': '13792a34-cac6-4fda-95a8-c58e00a3954e',
  'idempotency-key': 'f7a0b6f8-4b4a-4e8f-9f0e-1c2d3e4f5a6b',
};

describe('gitlab tokens', () => {
  it('accept the configured token', () => {
    expect(outcome(gitlab, signedRequest(payload, { 'x-gitlab-token': token, ...headers }), verifyContext([token]))).toBe('accepted');
  });

  it('refuse another token, a prefix of it, or none', () => {
    for (const sent of [other, token.slice(0, -1), `${token}x`]) {
      expect(outcome(gitlab, signedRequest(payload, { 'x-gitlab-token': sent }), verifyContext([token]))).toBe('mismatch');
    }
    expect(outcome(gitlab, signedRequest(payload, {}), verifyContext([token]))).toBe('missing_signature');
    expect(outcome(gitlab, signedRequest(payload, { 'x-gitlab-token': token }), verifyContext([]))).toBe('no_secret');
  });

  it('accept either of two tokens during a rotation', () => {
    expect(outcome(gitlab, signedRequest(payload, { 'x-gitlab-token': token }), verifyContext([other, token]))).toBe('accepted');
    expect(outcome(gitlab, signedRequest(payload, { 'x-gitlab-token': other }), verifyContext([other, token]))).toBe('accepted');
  });

  it('identify the event by Idempotency-Key, else X-Gitlab-Event-UUID, and X-Gitlab-Event', () => {
    expect(gitlab.identify(signedRequest(payload, headers))).toEqual({ kind: 'event', eventId: headers['idempotency-key'], eventType: 'Push Hook' });
    expect(gitlab.identify(signedRequest(payload, { ...headers, 'idempotency-key': undefined }))).toEqual({
      kind: 'event',
      eventId: headers['x-gitlab-event-uuid'],
      eventType: 'Push Hook',
    });
    expect(malformed(() => gitlab.identify(signedRequest(payload, { 'x-gitlab-event': 'Push Hook' })))).toMatch(/Idempotency-Key/);
  });
});
