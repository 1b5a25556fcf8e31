import HmacValidatorModule from '@adyen/api-library/lib/src/utils/hmacValidator.js';
import { describe, expect, it } from 'vitest';
import { adyen } from '../../../shared/signatures/adyen';
import { provesScheme } from './contract';
import { outcome, signedRequest, verifyContext } from './support';

// A CommonJS module: loaded from ESM its class may sit under `default`.
const HmacValidator = (HmacValidatorModule as unknown as { default?: typeof HmacValidatorModule }).default ?? HmacValidatorModule;
const validator = new HmacValidator();
const key = '44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056';
const otherKey = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const item = () => ({
  additionalData: {} as Record<string, string>,
  amount: { currency: 'EUR', value: 1130 },
  eventCode: 'AUTHORISATION',
  eventDate: '2026-01-01T01:00:00+01:00',
  merchantAccountCode: 'TestMerchant',
  merchantReference: 'order-1',
  originalReference: '',
  pspReference: '7914073381342284',
  reason: '1234:7777:12/2012',
  success: 'true',
});

/** Signed by Adyen's own library (`HmacValidator.calculateHmac`). */
function sign(hmacKey: string, items = [item()]) {
  for (const entry of items) entry.additionalData.hmacSignature = validator.calculateHmac(entry as never, hmacKey);
  return signedRequest(JSON.stringify({ live: 'false', notificationItems: items.map((NotificationRequestItem) => ({ NotificationRequestItem })) }), {});
}

provesScheme('adyen', {
  provider: adyen,
  key: { verifyWith: key, signWith: key },
  otherKey: { verifyWith: otherKey, signWith: otherKey },
  sign: (hmacKey) => sign(hmacKey),
  timestamped: false,
  libraryAccepts: (request, hmacKey) => {
    const parsed = JSON.parse(request.body.toString());
    return validator.validateHMAC(parsed.notificationItems[0].NotificationRequestItem, hmacKey);
  },
  // The amount is signed: 1130 → 1131.
  tamper: (request) => ({ ...request, body: Buffer.from(request.body.toString().replace('"value":1130', '"value":1131')) }),
  identity: () => ({
    kind: 'event',
    eventId: 'AUTHORISATION:7914073381342284:true',
    eventType: 'AUTHORISATION',
    acknowledgement: { statusCode: 200, contentType: 'text/plain', body: '[accepted]' },
  }),
});

describe('adyen specifics', () => {
  it('refuses a request when any one of its items does not verify', () => {
    const good = item();
    const forged = { ...item(), pspReference: '8814073381342285' };
    const request = sign(key, [good, forged]);
    const parsed = JSON.parse(request.body.toString());
    parsed.notificationItems[1].NotificationRequestItem.additionalData.hmacSignature = validator.calculateHmac(good as never, key);
    expect(outcome(adyen, signedRequest(JSON.stringify(parsed), {}), verifyContext([key]))).toBe('mismatch');
    expect(outcome(adyen, sign(key, [item(), { ...item(), pspReference: '8814073381342285' }]), verifyContext([key]))).toBe('accepted');
  });

  it('does not sign fields outside the documented list (eventDate)', () => {
    const request = sign(key);
    const moved = request.body.toString().replace('2026-01-01T01:00:00+01:00', '2026-01-02T01:00:00+01:00');
    expect(outcome(adyen, signedRequest(moved, {}), verifyContext([key]))).toBe('accepted');
  });

  it('names an item without hmacSignature, a body without items, and a key that is not hex', () => {
    const unsigned = JSON.stringify({ live: 'false', notificationItems: [{ NotificationRequestItem: item() }] });
    expect(outcome(adyen, signedRequest(unsigned, {}), verifyContext([key]))).toBe('missing_signature');
    expect(outcome(adyen, signedRequest('{"live":"false"}', {}), verifyContext([key]))).toBe('missing_signature');
    expect(outcome(adyen, sign(key), verifyContext(['not-hex']))).toBe('no_secret');
  });
});
