/** SendGrid: an Event Webhook batch signed with `node:crypto` (ECDSA P-256) per SendGrid's documentation (`@sendgrid/eventwebhook` only verifies). */
import { sign } from 'node:crypto';
import { type ProviderSample, type Sample, type SampleWebhook, JSON_TYPE, hex, randomText, requireSigningKey } from './support';

/**
 * `X-Twilio-Email-Event-Webhook-Signature: <base64 DER ECDSA-SHA256 signature of "<timestamp><body>">`,
 * made with the private key (`signingKey`); the source's secret is the public key. A batch of one
 * event, whose `sg_event_id` is then the gateway's id.
 */
function build(_publicKey: string, sample: Sample): SampleWebhook {
  const { eventType, nowSeconds: now, eventId: id } = sample;
  const key = requireSigningKey(sample, 'SendGrid');
  const eventId = id ?? randomText(22);
  const body = JSON.stringify([
    {
      email: 'example@test.com',
      timestamp: now - 2,
      'smtp-id': `<${hex(10)}@example.sendgrid.net>`,
      event: eventType,
      category: ['receipts'],
      sg_event_id: eventId,
      sg_message_id: `${randomText(22)}.filterdrecv-${hex(5)}-1-${hex(4)}-0`,
      ...(eventType === 'delivered' ? { response: '250 OK', ip: '168.1.1.1', tls: 1 } : {}),
    },
  ]);
  const timestamp = String(now);
  const signature = sign('sha256', Buffer.from(timestamp + body), { key, dsaEncoding: 'der' }).toString('base64');
  return {
    headers: {
      ...JSON_TYPE,
      'user-agent': 'SendGrid Event API',
      'x-twilio-email-event-webhook-signature': signature,
      'x-twilio-email-event-webhook-timestamp': timestamp,
    },
    body: Buffer.from(body),
    eventId,
    eventType,
  };
}

export const sendgridSample: ProviderSample = { defaultEventType: 'delivered', build };
