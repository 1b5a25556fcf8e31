/** LINE Messaging API: a webhook signed with `node:crypto` per LINE's documentation (the SDK's `validateSignature` only verifies). */
import { createHmac, randomInt } from 'node:crypto';
import { type ProviderSample, type Sample, type SampleWebhook, JSON_TYPE, UPPER, hex, randomText } from './support';

// `x-line-signature: <base64 HMAC-SHA256 of the body, keyed with the channel secret>`.
function build(secret: string, { eventType, nowSeconds: now, eventId: id }: Sample): SampleWebhook {
  const eventId = id ?? `01${randomText(24, UPPER)}`;
  const event: Record<string, unknown> = {
    type: eventType,
    mode: 'active',
    timestamp: now * 1000,
    source: { type: 'user', userId: `U${hex(16)}` },
    webhookEventId: eventId,
    deliveryContext: { isRedelivery: false },
    ...(eventType === 'message'
      ? { replyToken: hex(16), message: { id: String(randomInt(1e9, 2 ** 47)), type: 'text', quoteToken: randomText(40), text: 'Hello, world' } }
      : eventType === 'follow'
        ? { replyToken: hex(16), follow: { isUnblocked: false } }
        : {}),
  };
  const body = JSON.stringify({ destination: `U${hex(16)}`, events: [event] });
  const signature = createHmac('sha256', secret).update(body).digest('base64');
  return { headers: { ...JSON_TYPE, 'user-agent': 'LineBotWebhook/2.0', 'x-line-signature': signature }, body: Buffer.from(body), eventId, eventType };
}

export const lineSample: ProviderSample = { defaultEventType: 'message', build };
