/** Paddle Billing: a notification signed with `node:crypto` per Paddle's documentation (its SDK only verifies). */
import { createHmac } from 'node:crypto';
import { type ProviderSample, type Sample, type SampleWebhook, JSON_TYPE, iso, randomText } from './support';

const ULID = '0123456789abcdefghjkmnpqrstvwxyz';

// `Paddle-Signature: ts=<unix>;h1=<hex HMAC-SHA256 of "<ts>:<body>">`.
function build(secret: string, { eventType, nowSeconds: now, eventId: id }: Sample): SampleWebhook {
  const eventId = id ?? `evt_01${randomText(24, ULID)}`;
  const body = JSON.stringify({
    event_id: eventId,
    event_type: eventType,
    occurred_at: iso(now),
    notification_id: `ntf_01${randomText(24, ULID)}`,
    data: {
      id: `txn_01${randomText(24, ULID)}`,
      status: eventType === 'transaction.completed' ? 'completed' : 'paid',
      customer_id: `ctm_01${randomText(24, ULID)}`,
      currency_code: 'USD',
      origin: 'web',
      collection_mode: 'automatic',
      items: [{ price_id: `pri_01${randomText(24, ULID)}`, quantity: 1 }],
      details: { totals: { subtotal: '2000', tax: '400', total: '2400', currency_code: 'USD' } },
      created_at: iso(now - 5),
      billed_at: iso(now - 1),
    },
  });
  const h1 = createHmac('sha256', secret).update(`${now}:${body}`).digest('hex');
  return { headers: { ...JSON_TYPE, 'user-agent': 'Paddle', 'paddle-signature': `ts=${now};h1=${h1}` }, body: Buffer.from(body), eventId, eventType };
}

export const paddleSample: ProviderSample = { defaultEventType: 'transaction.completed', build };
