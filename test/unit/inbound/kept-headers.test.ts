/**
 * The record keeps headers by allow-list: the content type, the user agent, the provider's own
 * event and delivery headers, and those the source names. Nothing else, however it is spelled.
 */
import { sign } from '@octokit/webhooks-methods';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../shared/config/load';
import type { QueuedEvent } from '../../../shared/inbound/event-queue';
import { keptHeaderNames } from '../../../shared/inbound/kept-headers';
import { receiveWebhook } from '../../../shared/inbound/receive';
import { InMemoryEventStore } from '../../fakes/event-store';
import { InMemoryPayloadStore } from '../../fakes/payload-store';
import { InMemoryQueue } from '../../fakes/queue';

const SECRET = 'unit-test-github-secret';

/** Twenty ways a credential travels in a header, none of which a name filter of signature|token|secret catches all of. */
const CREDENTIAL_LIKE = [
  'apikey',
  'x-apikey',
  'api-key',
  'x-api-key',
  'x-auth',
  'x-auth-token',
  'authorization',
  'proxy-authorization',
  'x-access-key',
  'x-access-token',
  'password',
  'x-password',
  'passwd',
  'x-client-secret',
  'cookie',
  'x-session-id',
  'x-csrf-token',
  'x-amz-security-token',
  'x-jwt',
  'private-key',
];

describe('headers kept by allow-list', () => {
  it('stores none of 20 credential-like headers, and keeps the content type, user agent, provider and configured headers', async () => {
    const config = parseConfig({ sources: [{ name: 'github', provider: 'github', keepHeaders: ['X-Request-Id'] }] });
    const store = new InMemoryEventStore();
    const deps = {
      config,
      secrets: { secretsFor: async () => [SECRET] },
      store,
      queue: new InMemoryQueue<QueuedEvent>(),
      payloads: new InMemoryPayloadStore(),
    };
    const body = JSON.stringify({ zen: 'keep it logically awesome' });
    const credentials = Object.fromEntries(CREDENTIAL_LIKE.map((name, i) => [name, `credential-value-${i}`]));
    expect(Object.keys(credentials)).toHaveLength(20);
    await receiveWebhook(deps, {
      sourceName: 'github',
      body: Buffer.from(body),
      headers: {
        ...credentials,
        'content-type': 'application/json',
        'user-agent': 'GitHub-Hookshot/abc',
        'x-github-event': 'ping',
        'x-github-delivery': 'd-1',
        'x-github-hook-id': '42',
        'x-hub-signature-256': await sign(SECRET, body),
        'x-request-id': 'req-7',
        'x-forwarded-for': '203.0.113.1',
        'x-something-new': 'dropped',
      },
      url: 'https://hooks.example.test/webhooks/github',
    });
    const record = await store.get('github', 'd-1');
    expect(record?.headers).toEqual({
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/abc',
      'x-github-event': 'ping',
      'x-github-delivery': 'd-1',
      'x-github-hook-id': '42',
      'x-request-id': 'req-7',
    });
    const stored = JSON.stringify(record);
    for (const [name, value] of Object.entries(credentials)) {
      expect(stored).not.toContain(value);
      expect(record?.headers).not.toHaveProperty(name);
    }
  });

  it("keeps the generic engine's id, type and timestamp headers, and Twilio's idempotency token", () => {
    const [hmac, razorpay, twilio] = parseConfig({
      sources: [
        {
          name: 'custom',
          provider: 'hmac',
          hmac: { signatureHeader: 'x-sig', eventId: { header: 'X-Event-Id' }, eventType: { header: 'x-event-kind' }, timestamp: { header: 'x-sent-at' } },
        },
        { name: 'razorpay', provider: 'razorpay' },
        { name: 'twilio', provider: 'twilio' },
      ],
    }).sources;
    expect([...keptHeaderNames(hmac!)]).toEqual(expect.arrayContaining(['x-event-id', 'x-event-kind', 'x-sent-at']));
    expect(keptHeaderNames(hmac!).has('x-sig')).toBe(false);
    expect(keptHeaderNames(razorpay!).has('x-razorpay-event-id')).toBe(true);
    expect(keptHeaderNames(twilio!).has('i-twilio-idempotency-token')).toBe(true);
  });

  it('refuses a config asking to keep a credential-like header', () => {
    for (const name of ['authorization', 'x-api-key', 'x-auth', 'password', 'x-hub-signature-256']) {
      expect(() => parseConfig({ sources: [{ name: 'github', provider: 'github', keepHeaders: [name] }] }), name).toThrow(/credential/);
    }
  });
});
