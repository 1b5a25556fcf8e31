import { Signature } from '@hubspot/api-client';
import { describe, expect, it } from 'vitest';
import { hubspot, hubspotSignedUri } from '../../../shared/signatures/hubspot';
import { provesScheme } from './contract';
import { malformed, nowSeconds, outcome, signedRequest, verifyContext } from './support';

const secret = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const other = 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz';
const url = 'https://hooks.example.com/webhooks/hubspot?portal=62515';
const payload = JSON.stringify([
  {
    eventId: 100,
    subscriptionId: 12345,
    portalId: 62515,
    occurredAt: 1564113600000,
    subscriptionType: 'contact.creation',
    attemptNumber: 0,
    objectId: 123,
    changeSource: 'CRM',
    changeFlag: 'NEW',
    appId: 54321,
  },
]);

/** Signed by HubSpot's own client library (`Signature.getSignature`, v3). */
function sign(key: string, ts: number, requestUrl = url, body = payload) {
  const timestamp = ts * 1000;
  const signature = Signature.getSignature('POST', 'v3', { signature: '', clientSecret: key, requestBody: body, url: requestUrl, timestamp });
  return signedRequest(body, { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(timestamp) }, requestUrl);
}

provesScheme('hubspot', {
  provider: hubspot,
  key: { verifyWith: secret, signWith: secret },
  otherKey: { verifyWith: other, signWith: other },
  sign: (key, ts) => sign(key, ts),
  timestamped: true,
  libraryAccepts: (request, key) => {
    try {
      return Signature.isValid({
        signatureVersion: 'v3',
        signature: request.headers['x-hubspot-signature-v3']!,
        clientSecret: key,
        requestBody: request.body.toString(),
        url: request.url,
        timestamp: Number(request.headers['x-hubspot-request-timestamp']),
      });
    } catch {
      return false;
    }
  },
  identity: () => ({ kind: 'event', eventId: '100', eventType: 'contact.creation' }),
});

describe('hubspot specifics', () => {
  it('signs the method and the URL: another path or query is refused', () => {
    const request = sign(secret, nowSeconds());
    expect(outcome(hubspot, { ...request, url: url.replace('portal=62515', 'portal=1') }, verifyContext([secret]))).toBe('mismatch');
    expect(outcome(hubspot, { ...request, method: 'PUT' }, verifyContext([secret]))).toBe('mismatch');
  });

  it('decodes the percent-encodings HubSpot lists before comparing', () => {
    expect(hubspotSignedUri('https://h.example/webhooks/hubspot?to=a%40b.c%2Cd&x=%7E')).toBe('https://h.example/webhooks/hubspot?to=a@b.c,d&x=%7E');
    const decoded = 'https://h.example/webhooks/hubspot?to=a@b.c';
    const request = sign(secret, nowSeconds(), decoded);
    expect(outcome(hubspot, { ...request, url: 'https://h.example/webhooks/hubspot?to=a%40b.c' }, verifyContext([secret]))).toBe('accepted');
  });

  it('keys a batch by all its eventIds, typed by the first subscriptionType', () => {
    const batch = JSON.stringify([
      { eventId: 7, subscriptionType: 'deal.creation', objectId: 1 },
      { eventId: 8, subscriptionType: 'deal.propertyChange', objectId: 1 },
    ]);
    expect(hubspot.identify(sign(secret, nowSeconds(), url, batch))).toMatchObject({ eventId: expect.stringMatching(/^batch:/), eventType: 'deal.creation' });
    expect(malformed(() => hubspot.identify(signedRequest('{"eventId":1}', {})))).toMatch(/array/);
  });
});
