/** Razorpay: a webhook signed with `node:crypto` per Razorpay's documentation (its `validateWebhookSignature` only verifies). */
import { createHmac } from 'node:crypto';
import { type ProviderSample, type Sample, type SampleWebhook, JSON_TYPE, randomText } from './support';

// `X-Razorpay-Signature: <hex HMAC-SHA256 of the body>`; `x-razorpay-event-id` is the event's id.
function build(secret: string, { eventType, nowSeconds: now, eventId: id }: Sample): SampleWebhook {
  const eventId = id ?? randomText(14);
  const entity = eventType.split('.')[0] ?? 'payment';
  const body = JSON.stringify({
    entity: 'event',
    account_id: `acc_${randomText(14)}`,
    event: eventType,
    contains: [entity],
    payload: {
      [entity]: {
        entity: {
          id: `pay_${randomText(14)}`,
          entity,
          amount: 50000,
          currency: 'INR',
          status: eventType.split('.')[1] ?? 'captured',
          order_id: `order_${randomText(14)}`,
          method: 'card',
          captured: true,
          email: 'gaurav.kumar@example.com',
          contact: '+919876543210',
          created_at: now - 10,
        },
      },
    },
    created_at: now,
  });
  const signature = createHmac('sha256', secret).update(body).digest('hex');
  return {
    headers: { ...JSON_TYPE, 'user-agent': 'Razorpay-Webhook/v1', 'x-razorpay-event-id': eventId, 'x-razorpay-signature': signature },
    body: Buffer.from(body),
    eventId,
    eventType,
  };
}

export const razorpaySample: ProviderSample = { defaultEventType: 'payment.captured', build };
