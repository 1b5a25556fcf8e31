/** Adyen: a standard notification whose item is signed with the Adyen library's own `HmacValidator`. */
// The validator alone: the package's entry point loads every API client.
import HmacValidator from '@adyen/api-library/lib/src/utils/hmacValidator.js';
import { type ProviderSample, type Sample, type SampleWebhook, JSON_TYPE, UPPER, iso, randomText } from './support';

// A CommonJS module: loaded from ESM its class may sit under `default`.
const Validator = (HmacValidator as unknown as { default?: typeof HmacValidator }).default ?? HmacValidator;

/**
 * `notificationItems[].NotificationRequestItem.additionalData.hmacSignature`: base64 HMAC-SHA256,
 * keyed with the hex HMAC key's bytes, over the item's pspReference, originalReference,
 * merchantAccountCode, merchantReference, amount value and currency, eventCode and success.
 * The gateway's id for it is `<eventCode>:<pspReference>:<success>`.
 */
function build(secret: string, { eventType, nowSeconds: now, eventId: id }: Sample): SampleWebhook {
  const [, reusedPsp] = id?.split(':') ?? [];
  const pspReference = reusedPsp ?? randomText(16, UPPER);
  const item: Record<string, unknown> = {
    additionalData: { authCode: '058431', cardSummary: '1111', expiryDate: '03/2030', paymentMethodVariant: 'visa' },
    amount: { currency: 'EUR', value: 1130 },
    eventCode: eventType,
    eventDate: iso(now).replace('.000Z', '+00:00'),
    merchantAccountCode: 'ExampleShopECOM',
    merchantReference: `order-${randomText(8)}`,
    operations: ['CANCEL', 'CAPTURE', 'REFUND'],
    paymentMethod: 'visa',
    pspReference,
    reason: '058431:1111:03/2030',
    success: 'true',
  };
  (item.additionalData as Record<string, unknown>).hmacSignature = new Validator().calculateHmac(item as never, secret);
  const body = JSON.stringify({ live: 'false', notificationItems: [{ NotificationRequestItem: item }] });
  return { headers: { ...JSON_TYPE, 'user-agent': 'Adyen HttpClient 1.0' }, body: Buffer.from(body), eventId: `${eventType}:${pspReference}:true`, eventType };
}

export const adyenSample: ProviderSample = { defaultEventType: 'AUTHORISATION', build };
