import { generateKeyPairSync, sign as signWith, type KeyObject } from 'node:crypto';
import { TelnyxWebhook } from 'telnyx/lib/webhooks';
import { describe, expect, it } from 'vitest';
import { telnyx } from '../../../shared/signatures/telnyx';
import { provesScheme } from './contract';
import { nowSeconds, outcome, signedRequest, verifyContext } from './support';

/** A key pair and its public key as Mission Control shows it (base64 of the 32 raw bytes). */
function keyPair(): { verifyWith: string; signWith: KeyObject } {
  const pair = generateKeyPairSync('ed25519');
  return { verifyWith: pair.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64'), signWith: pair.privateKey };
}
const key = keyPair();
const otherKey = keyPair();
const payload = JSON.stringify({
  data: {
    event_type: 'call.initiated',
    id: '0ccc7b54-4df3-4bca-a65a-3da1ecc777f0',
    occurred_at: '2026-01-01T00:00:00Z',
    payload: { call_control_id: 'v3:x' },
    record_type: 'event',
  },
  meta: { attempt: 1 },
});

/** Telnyx's documented algorithm (the SDK only verifies): Ed25519 over `<timestamp>|<body>`, base64. */
function sign(privateKey: KeyObject, ts: number) {
  const timestamp = String(ts);
  return signedRequest(payload, {
    'telnyx-signature-ed25519': signWith(null, Buffer.from(`${timestamp}|${payload}`), privateKey).toString('base64'),
    'telnyx-timestamp': timestamp,
  });
}

provesScheme('telnyx', {
  provider: telnyx,
  key,
  otherKey,
  sign,
  timestamped: true,
  libraryAccepts: async (request, publicKey) => {
    try {
      await new TelnyxWebhook(publicKey).verify(request.body.toString(), request.headers as Record<string, string>);
      return true;
    } catch {
      return false;
    }
  },
  identity: () => ({ kind: 'event', eventId: '0ccc7b54-4df3-4bca-a65a-3da1ecc777f0', eventType: 'call.initiated' }),
});

describe('telnyx specifics', () => {
  it('refuses a secret that is not a base64 Ed25519 public key', () => {
    expect(outcome(telnyx, sign(key.signWith, nowSeconds()), verifyContext([Buffer.alloc(31).toString('base64')]))).toBe('no_secret');
  });
});
