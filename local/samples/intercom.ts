/** Intercom: a notification signed with `node:crypto` per Intercom's documentation (no official verifier). */
import { createHmac, randomInt, randomUUID } from 'node:crypto';
import { type ProviderSample, type Sample, type SampleWebhook, JSON_TYPE, hex } from './support';

// `X-Hub-Signature: sha1=<hex HMAC-SHA1 of the body, keyed with the app's client secret>`.
function build(secret: string, { eventType, nowSeconds: now, eventId: id }: Sample): SampleWebhook {
  const eventId = id ?? `notif_${randomUUID()}`;
  const body = JSON.stringify({
    type: 'notification_event',
    app_id: hex(4),
    data: {
      type: 'notification_event_data',
      item: {
        type: 'conversation',
        id: String(randomInt(1e11, 1e12)),
        created_at: now,
        updated_at: now,
        state: 'open',
        source: { type: 'conversation', delivered_as: 'customer_initiated', body: '<p>Hi, my export is stuck.</p>', author: { type: 'user', id: hex(12) } },
        contacts: { type: 'contact.list', contacts: [{ type: 'contact', id: hex(12) }] },
      },
    },
    links: {},
    id: eventId,
    topic: eventType,
    delivery_status: 'pending',
    delivery_attempts: 1,
    delivered_at: 0,
    first_sent_at: now,
    created_at: now,
    self: null,
  });
  const signature = `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`;
  return { headers: { ...JSON_TYPE, 'user-agent': 'Intercom-Webhooks', 'x-hub-signature': signature }, body: Buffer.from(body), eventId, eventType };
}

export const intercomSample: ProviderSample = { defaultEventType: 'conversation.user.created', build };
