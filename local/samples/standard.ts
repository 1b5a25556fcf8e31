/** Standard Webhooks: signed with the `standardwebhooks` library. */
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { type ProviderSample, type Sample, type SampleWebhook, JSON_TYPE, randomText, iso } from './support';

// Standard Webhooks: `webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`.
function build(secret: string, { eventType, nowSeconds: now, eventId: id }: Sample): SampleWebhook {
  const eventId = id ?? `msg_${randomText(27)}`;
  const body = JSON.stringify({
    type: eventType,
    timestamp: iso(now),
    data: { id: `in_${randomText(24)}`, customer_id: `cus_${randomText(14)}`, amount: 1200, currency: 'usd', status: 'paid' },
  });
  const signature = new StandardWebhook(secret).sign(eventId, new Date(now * 1000), body);
  return {
    headers: { ...JSON_TYPE, 'webhook-id': eventId, 'webhook-timestamp': String(now), 'webhook-signature': signature },
    body: Buffer.from(body),
    eventId,
    eventType,
  };
}

export const standardSample: ProviderSample = {
  defaultEventType: 'invoice.paid',
  build,
};
