import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MalformedSecretError, generateEndpointSecret, secretKey, signatureHeaders } from '../../../shared/outbound/signing';

// Independent of the code under test: the key is the base64 after `whsec_`.
function keyOf(secret: string): Buffer {
  return Buffer.from(secret.slice('whsec_'.length), 'base64');
}

function hexHmac(secret: string, ...parts: Array<string | Buffer>): string {
  const mac = createHmac('sha256', keyOf(secret));
  for (const part of parts) mac.update(part);
  return mac.digest('hex');
}

const now = () => Math.floor(Date.now() / 1000);

describe('endpoint secrets', () => {
  it('are whsec_ + base64 of 32 random bytes by default', () => {
    const secret = generateEndpointSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
    expect(keyOf(secret)).toHaveLength(32);
    expect(generateEndpointSecret()).not.toBe(secret);
  });

  it('may have 24 to 64 bytes and no other size', () => {
    expect(keyOf(generateEndpointSecret(24))).toHaveLength(24);
    expect(keyOf(generateEndpointSecret(64))).toHaveLength(64);
    for (const size of [0, 23, 65, 32.5, Number.NaN]) expect(() => generateEndpointSecret(size), String(size)).toThrow(RangeError);
  });

  it('decode to their key bytes', () => {
    const secret = generateEndpointSecret(40);
    expect(secretKey(secret).equals(keyOf(secret))).toBe(true);
    expect(secretKey('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toHaveLength(24);
  });

  it('refuses a malformed secret with a typed error that does not show it', () => {
    const malformed = [
      'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', // no prefix
      'whsec_',
      'whsec_not base64 at all!!!!!!!!!!',
      `whsec_${Buffer.alloc(16, 1).toString('base64')}`, // too short
      `whsec_${Buffer.alloc(65, 1).toString('base64')}`, // too long
      `whsec_${Buffer.alloc(32, 0xff).toString('base64url')}`, // URL-safe alphabet
    ];
    for (const secret of malformed) {
      let caught: unknown;
      try {
        secretKey(secret);
      } catch (error) {
        caught = error;
      }
      expect(caught, secret).toBeInstanceOf(MalformedSecretError);
      expect((caught as MalformedSecretError).code).toBe('malformed_secret');
      if (secret.length > 'whsec_'.length) expect((caught as Error).message).not.toContain(secret.slice('whsec_'.length));
    }
  });
});

describe('standard (Standard Webhooks v1) signatures', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reproduce the specification test vectors', () => {
    const vectors = [
      [
        'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        'msg_p5jXN8AQM9LWM0D4loKWxJek',
        1614265330,
        '{"test": 2432232314}',
        'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
      ],
      [
        'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD',
        'msg_27UH4WbU6Z5A5EzD8u03UvzRbpk',
        1649367553,
        '{"email":"test@example.com","username":"test_user"}',
        'v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=',
      ],
    ] as const;
    for (const [secret, messageId, timestamp, body, expected] of vectors) {
      const headers = signatureHeaders('standard', { messageId, timestamp, body: Buffer.from(body), secrets: [secret] });
      expect(headers).toEqual({ 'webhook-id': messageId, 'webhook-timestamp': String(timestamp), 'webhook-signature': expected });
      // And the official library accepts them on a clock fixed at the vector's time.
      vi.useFakeTimers({ now: timestamp * 1000 });
      expect(() => new Webhook(secret).verify(body, headers)).not.toThrow();
      vi.useRealTimers();
    }
  });

  it('verify with the official standardwebhooks library', () => {
    const secret = generateEndpointSecret();
    const payload = { type: 'invoice.paid', data: { id: 'in_1', note: 'grüße 👋' } };
    const body = Buffer.from(JSON.stringify(payload));
    const headers = signatureHeaders('standard', { messageId: 'msg_1', timestamp: now(), body, secrets: [secret] });
    expect(new Webhook(secret).verify(body, headers)).toEqual(payload);
  });

  it('carry one v1 signature per live secret, and each secret alone verifies', () => {
    const [current, previous, unrelated] = [generateEndpointSecret(), generateEndpointSecret(24), generateEndpointSecret()];
    const body = Buffer.from('{"rotating":true}');
    const headers = signatureHeaders('standard', { messageId: 'msg_rot', timestamp: now(), body, secrets: [current, previous] });
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}= v1,[A-Za-z0-9+/]{43}=$/);
    expect(new Webhook(current).verify(body, headers)).toEqual({ rotating: true });
    expect(new Webhook(previous).verify(body, headers)).toEqual({ rotating: true });
    expect(() => new Webhook(unrelated).verify(body, headers)).toThrow();
  });

  it('verify for any message id and body (property)', () => {
    const secret = generateEndpointSecret();
    const webhook = new Webhook(secret);
    fc.assert(
      fc.property(fc.stringMatching(/^msg_[A-Za-z0-9]{1,40}$/), fc.string({ unit: 'grapheme' }), (messageId, text) => {
        const body = Buffer.from(JSON.stringify({ text }));
        const headers = signatureHeaders('standard', { messageId, timestamp: now(), body, secrets: [secret] });
        expect(webhook.verify(body, headers)).toEqual({ text });
      }),
      { numRuns: 200 },
    );
  });

  it('cover the body bytes exactly as given, without re-encoding them', () => {
    const secret = generateEndpointSecret();
    const body = Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0xc3, 0x7d]); // not valid UTF-8
    const headers = signatureHeaders('standard', { messageId: 'msg_raw', timestamp: 1_700_000_000, body, secrets: [secret] });
    const expected = createHmac('sha256', keyOf(secret)).update('msg_raw.1700000000.').update(body).digest('base64');
    expect(headers['webhook-signature']).toBe(`v1,${expected}`);
  });
});

describe('x-webhook signatures', () => {
  it('send the id and t=<unix>,v1=<hex of HMAC over "<t>.<body>"> per live secret', () => {
    const [current, previous] = [generateEndpointSecret(), generateEndpointSecret()];
    const body = Buffer.from('{"a":"ü"}');
    const headers = signatureHeaders('x-webhook', { messageId: 'msg_x', timestamp: 1_700_000_123, body, secrets: [current, previous] });
    expect(headers).toEqual({
      'x-webhook-id': 'msg_x',
      'x-webhook-signature': `t=1700000123,v1=${hexHmac(current, '1700000123.', body)},v1=${hexHmac(previous, '1700000123.', body)}`,
    });
  });
});

describe('x-wss signatures', () => {
  it('send the timestamp and the hex HMAC over "<timestamp><body>" with the current secret only', () => {
    const [current, previous] = [generateEndpointSecret(), generateEndpointSecret()];
    const body = Buffer.from('{"b":[1,2,3]}');
    const headers = signatureHeaders('x-wss', { messageId: 'msg_w', timestamp: 1_700_000_456, body, secrets: [current, previous] });
    expect(headers).toEqual({
      'x-wss-id': 'msg_w',
      'x-wss-timestamp': '1700000456',
      'x-wss-signature': hexHmac(current, '1700000456', body),
    });
    expect(headers['x-wss-signature']).not.toBe(hexHmac(previous, '1700000456', body));
  });
});

describe('signature input', () => {
  const secret = generateEndpointSecret();
  const body = Buffer.from('{}');

  it('must have whole Unix seconds and at least one secret', () => {
    expect(() => signatureHeaders('standard', { messageId: 'm', timestamp: 1_700_000_000.5, body, secrets: [secret] })).toThrow(RangeError);
    expect(() => signatureHeaders('standard', { messageId: 'm', timestamp: -1, body, secrets: [secret] })).toThrow(RangeError);
    expect(() => signatureHeaders('x-webhook', { messageId: 'm', timestamp: 1_700_000_000, body, secrets: [] })).toThrow(RangeError);
  });

  it('refuses a malformed secret among the live ones', () => {
    for (const scheme of ['standard', 'x-webhook', 'x-wss'] as const) {
      expect(() => signatureHeaders(scheme, { messageId: 'm', timestamp: 1_700_000_000, body, secrets: [secret, 'whsec_short'] })).toThrow(
        MalformedSecretError,
      );
    }
  });

  it('produces lower-case header names for every scheme', () => {
    for (const scheme of ['standard', 'x-webhook', 'x-wss'] as const) {
      const names = Object.keys(signatureHeaders(scheme, { messageId: 'm', timestamp: 1_700_000_000, body, secrets: [secret] }));
      for (const name of names) expect(name).toBe(name.toLowerCase());
    }
  });
});
