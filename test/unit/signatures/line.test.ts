import { createHmac } from 'node:crypto';
import { validateSignature } from '@line/bot-sdk';
import { describe, expect, it } from 'vitest';
import { line } from '../../../shared/signatures/line';
import { provesScheme } from './contract';
import { malformed, signedRequest } from './support';

const secret = '8c570fa6dd201bb328f1c1eac23a96d8';
const other = '00000000000000000000000000000000';
const event = (id: string, type = 'message') => ({
  type,
  mode: 'active',
  timestamp: 1692251666727,
  source: { type: 'user', userId: 'U4af4980629' },
  webhookEventId: id,
  deliveryContext: { isRedelivery: false },
});
const body = (events: unknown[]) => JSON.stringify({ destination: 'Uxxxxxxxxxxxxxx', events });
/** LINE's documented algorithm (the SDK's validateSignature only verifies): base64 HMAC-SHA256 of the body. */
const sign = (payload: string, key: string) => signedRequest(payload, { 'x-line-signature': createHmac('sha256', key).update(payload).digest('base64') });

provesScheme('line', {
  provider: line,
  key: { verifyWith: secret, signWith: secret },
  otherKey: { verifyWith: other, signWith: other },
  sign: (key) => sign(body([event('01H810YECXQQZ37VAXPF6H9E6T')]), key),
  timestamped: false,
  libraryAccepts: (request, key) => validateSignature(request.body, key, request.headers['x-line-signature']!),
  identity: () => ({ kind: 'event', eventId: '01H810YECXQQZ37VAXPF6H9E6T', eventType: 'message' }),
});

describe('line specifics', () => {
  it("answers the console's Verify request (no events) without storing it", () => {
    expect(line.identify(sign(body([]), secret))).toEqual({
      kind: 'handshake',
      response: { statusCode: 200, contentType: 'application/json', body: '{"received":true}' },
    });
  });

  it('keys a request with several events by all their ids, whatever their order', () => {
    const one = line.identify(sign(body([event('01A'), event('01B', 'follow')]), secret));
    const reordered = line.identify(sign(body([event('01B', 'follow'), event('01A')]), secret));
    expect(one).toMatchObject({ kind: 'event', eventType: 'message', eventId: expect.stringMatching(/^batch:[0-9a-f]{64}$/) });
    expect(reordered.kind === 'event' && one.kind === 'event' && reordered.eventId === one.eventId).toBe(true);
  });

  it('refuses to identify events without a webhookEventId, or a body without events', () => {
    expect(malformed(() => line.identify(sign(body([{ type: 'message' }]), secret)))).toMatch(/webhookEventId/);
    expect(malformed(() => line.identify(sign('{"destination":"U1"}', secret)))).toMatch(/events/);
  });
});
