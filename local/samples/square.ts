/** Square: signed with `node:crypto` per Square's documentation (its SDK only verifies). */
import { createHmac, randomUUID } from 'node:crypto';
import { type ProviderSample, type Sample, type SampleWebhook, JSON_TYPE, UPPER, randomText, iso } from './support';

// Square: `x-square-hmacsha256-signature: <base64 HMAC-SHA256 of "<notification URL><body>">`.
function build(secret: string, { eventType, nowSeconds: now, eventId: id, url }: Sample): SampleWebhook {
  const eventId = id ?? randomUUID();
  const family = eventType.split('.')[0] || 'payment';
  const objectId = randomText(29);
  const created = iso(now);
  const object =
    family === 'payment'
      ? {
          id: objectId,
          created_at: created,
          updated_at: created,
          amount_money: { amount: 1000, currency: 'USD' },
          total_money: { amount: 1000, currency: 'USD' },
          status: eventType === 'payment.created' ? 'APPROVED' : 'COMPLETED',
          source_type: 'CARD',
          location_id: `L${randomText(12, UPPER)}`,
          order_id: randomText(29),
          version: eventType === 'payment.created' ? 0 : 1,
        }
      : { id: objectId, created_at: created, updated_at: created, version: 1 };
  const body = JSON.stringify({
    merchant_id: randomText(13, UPPER),
    type: eventType,
    event_id: eventId,
    created_at: created,
    data: { type: family, id: objectId, object: { [family]: object } },
  });
  return {
    headers: {
      ...JSON_TYPE,
      'user-agent': 'Square Connect v2',
      'square-version': '2025-07-16',
      'x-square-hmacsha256-signature': createHmac('sha256', secret)
        .update(url + body)
        .digest('base64'),
    },
    body: Buffer.from(body),
    eventId,
    eventType,
  };
}

export const squareSample: ProviderSample = {
  defaultEventType: 'payment.updated',
  build,
};
