import { generateKeyPairSync, sign as signWith, type KeyObject } from 'node:crypto';
import { EventWebhook } from '@sendgrid/eventwebhook';
import { describe, expect, it } from 'vitest';
import { sendgrid } from '../../../shared/signatures/sendgrid';
import { provesScheme } from './contract';
import { malformed, nowSeconds, outcome, signedRequest, verifyContext } from './support';

/** A P-256 key pair and its public key as the console shows it (base64 of the DER key). */
function keyPair(): { verifyWith: string; signWith: KeyObject } {
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { verifyWith: pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'), signWith: pair.privateKey };
}
const key = keyPair();
const otherKey = keyPair();
const events = (...ids: string[]) =>
  JSON.stringify(
    ids.map((id, i) => ({ email: 'example@test.com', timestamp: 1513299569, event: i === 0 ? 'delivered' : 'open', sg_event_id: id, sg_message_id: 'm1' })),
  );
const webhook = new EventWebhook();

/** SendGrid's documented algorithm (@sendgrid/eventwebhook only verifies): ECDSA-SHA256 over `<timestamp><body>`, DER, base64. */
function sign(privateKey: KeyObject, ts: number, body = events('sg_event_id_1')) {
  const timestamp = String(ts);
  const signature = signWith('sha256', Buffer.from(timestamp + body), { key: privateKey, dsaEncoding: 'der' }).toString('base64');
  return signedRequest(body, { 'x-twilio-email-event-webhook-signature': signature, 'x-twilio-email-event-webhook-timestamp': timestamp });
}

provesScheme('sendgrid', {
  provider: sendgrid,
  key,
  otherKey,
  sign: (privateKey, ts) => sign(privateKey, ts),
  timestamped: true,
  libraryAccepts: (request, publicKey) =>
    webhook.verifySignature(
      webhook.convertPublicKeyToECDSA(publicKey),
      request.body,
      request.headers['x-twilio-email-event-webhook-signature']!,
      request.headers['x-twilio-email-event-webhook-timestamp']!,
    ),
  identity: () => ({ kind: 'event', eventId: 'sg_event_id_1', eventType: 'delivered' }),
});

describe('sendgrid specifics', () => {
  it('keys a batch by all its sg_event_ids', () => {
    const identified = sendgrid.identify(sign(key.signWith, nowSeconds(), events('a', 'b')));
    expect(identified).toMatchObject({ eventId: expect.stringMatching(/^batch:[0-9a-f]{64}$/), eventType: 'delivered' });
    expect(malformed(() => sendgrid.identify(signedRequest('{"event":"open"}', {})))).toMatch(/array/);
  });

  it('accepts the key as PEM too, and refuses an Ed25519 key in its place', () => {
    const pem = `-----BEGIN PUBLIC KEY-----\n${key.verifyWith}\n-----END PUBLIC KEY-----`;
    expect(outcome(sendgrid, sign(key.signWith, nowSeconds()), verifyContext([pem]))).toBe('accepted');
    const ed = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    expect(outcome(sendgrid, sign(key.signWith, nowSeconds()), verifyContext([ed]))).toBe('no_secret');
  });
});
