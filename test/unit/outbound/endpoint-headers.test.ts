import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { RESERVED_HEADER, sendableHeaders } from '../../../shared/outbound/endpoint-headers';
import { generateEndpointSecret, signDelivery } from '../../../shared/outbound/signing';

const GATEWAY_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature', 'x-webhook-id', 'x-wss-signature', 'content-type', 'host', 'user-agent'];

describe('endpoint headers', () => {
  it('lower-cases names and leaves out the gateway headers and values with line breaks', () => {
    expect(
      sendableHeaders({
        Authorization: 'Bearer t',
        'Webhook-Signature': 'v1,forged',
        Host: 'evil.example',
        'Content-Type': 'text/plain',
        'x-split': 'a\r\nx-injected: 1',
        'bad name': 'x',
      }),
    ).toEqual({ authorization: 'Bearer t' });
  });

  it('can never replace the signature, id, timestamp, content-type or host of a signed attempt, whatever a stored endpoint holds', () => {
    fc.assert(
      fc.property(fc.constantFrom(...GATEWAY_HEADERS), fc.constantFrom('lower', 'upper'), fc.string(), (name, casing, value) => {
        const secret = generateEndpointSecret();
        const configured = { [casing === 'upper' ? name.toUpperCase() : name]: value, 'x-team': 'billing' };
        const signed = signDelivery(
          { url: 'https://example.com/hook', signatureScheme: 'standard', secrets: [{ secret }], headers: configured },
          'msg_1',
          { a: 1 },
          new Date(),
        );
        expect(signed.headers['x-team']).toBe('billing');
        // The standard scheme sets only webhook-*: any other gateway header is absent (the sender sets content-type and user-agent).
        if (!name.startsWith('webhook-')) expect(Object.keys(signed.headers).map((header) => header.toLowerCase())).not.toContain(name);
        expect(signed.headers['webhook-id']).toBe('msg_1');
        // The official library verifies what was sent: the signature and timestamp are the gateway's.
        expect(new Webhook(secret).verify(signed.body.toString('utf8'), signed.headers)).toEqual({ a: 1 });
      }),
      { numRuns: 100 },
    );
    for (const name of GATEWAY_HEADERS) expect(RESERVED_HEADER.test(name), name).toBe(true);
  });
});
