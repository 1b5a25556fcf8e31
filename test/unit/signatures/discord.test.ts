import { generateKeyPairSync, sign as signWith, type KeyObject } from 'node:crypto';
import { verifyKey } from 'discord-interactions';
import { describe, expect, it } from 'vitest';
import { discord } from '../../../shared/signatures/discord';
import { provesScheme } from './contract';
import { nowSeconds, outcome, signedRequest, verifyContext } from './support';

/** A key pair and its public key as the Developer Portal shows it (hex of the 32 raw bytes). */
function keyPair(): { verifyWith: string; signWith: KeyObject } {
  const pair = generateKeyPairSync('ed25519');
  const spki = pair.publicKey.export({ format: 'der', type: 'spki' });
  return { verifyWith: spki.subarray(-32).toString('hex'), signWith: pair.privateKey };
}
const key = keyPair();
const otherKey = keyPair();
const command = JSON.stringify({
  id: '1234567890123456789',
  application_id: '111',
  type: 2,
  token: 'aW50ZXJhY3Rpb24',
  data: { id: '9', name: 'status', type: 1 },
  version: 1,
});

/** Discord's documented algorithm (discord-interactions only verifies): Ed25519 over `<timestamp><body>`, hex. */
function sign(privateKey: KeyObject, ts: number, body = command) {
  const timestamp = String(ts);
  return signedRequest(body, {
    'x-signature-ed25519': signWith(null, Buffer.from(timestamp + body), privateKey).toString('hex'),
    'x-signature-timestamp': timestamp,
  });
}

provesScheme('discord', {
  provider: discord,
  key,
  otherKey,
  sign: (privateKey, ts) => sign(privateKey, ts),
  timestamped: true,
  libraryAccepts: (request, publicKey) =>
    verifyKey(request.body, request.headers['x-signature-ed25519']!, request.headers['x-signature-timestamp']!, publicKey),
  identity: () => ({
    kind: 'event',
    eventId: '1234567890123456789',
    eventType: 'APPLICATION_COMMAND',
    acknowledgement: { statusCode: 200, contentType: 'application/json', body: '{"type":5}' },
  }),
});

describe('discord specifics', () => {
  it('answers a PING with a PONG, not as an event', async () => {
    const ping = sign(key.signWith, nowSeconds(), '{"id":"1","application_id":"111","type":1,"version":1}');
    expect(await verifyKey(ping.body, ping.headers['x-signature-ed25519']!, ping.headers['x-signature-timestamp']!, key.verifyWith)).toBe(true);
    expect(outcome(discord, ping, verifyContext([key.verifyWith]))).toBe('accepted');
    expect(discord.identify(ping)).toEqual({ kind: 'handshake', response: { statusCode: 200, contentType: 'application/json', body: '{"type":1}' } });
  });

  it('defers components with an update, and answers autocomplete with no choices', () => {
    const component = discord.identify(sign(key.signWith, nowSeconds(), '{"id":"5","type":3}'));
    const autocomplete = discord.identify(sign(key.signWith, nowSeconds(), '{"id":"6","type":4}'));
    expect(component).toMatchObject({ eventType: 'MESSAGE_COMPONENT', acknowledgement: { body: '{"type":6}' } });
    expect(autocomplete).toMatchObject({ eventType: 'APPLICATION_COMMAND_AUTOCOMPLETE', acknowledgement: { body: '{"type":8,"data":{"choices":[]}}' } });
  });

  it('signs the timestamp: another timestamp is refused', () => {
    const request = sign(key.signWith, nowSeconds());
    const moved = { ...request, headers: { ...request.headers, 'x-signature-timestamp': String(Number(request.headers['x-signature-timestamp']) + 1) } };
    expect(outcome(discord, moved, verifyContext([key.verifyWith]))).toBe('mismatch');
  });

  it('takes only hex public keys of 32 bytes; other secrets are unusable', () => {
    const request = sign(key.signWith, nowSeconds());
    expect(outcome(discord, request, verifyContext(['not-a-key', key.verifyWith.slice(2)]))).toBe('no_secret');
    expect(outcome(discord, { ...request, headers: { ...request.headers, 'x-signature-ed25519': 'zz' } }, verifyContext([key.verifyWith]))).toBe(
      'malformed_signature',
    );
  });
});
