/** Mailgun: an event whose `signature` block is computed with `node:crypto` per Mailgun's documentation. */
import { createHmac, randomBytes } from 'node:crypto';
import { type ProviderSample, type Sample, type SampleWebhook, JSON_TYPE, hex, randomText } from './support';

// `signature.signature` = hex HMAC-SHA256 of `<timestamp><token>`, keyed with the webhook signing key.
function build(secret: string, { eventType, nowSeconds: now, eventId: id }: Sample): SampleWebhook {
  const eventId = id ?? randomText(22);
  const token = randomBytes(25).toString('hex');
  const timestamp = String(now);
  const body = JSON.stringify({
    signature: {
      token,
      timestamp,
      signature: createHmac('sha256', secret)
        .update(timestamp + token)
        .digest('hex'),
    },
    'event-data': {
      id: eventId,
      timestamp: now + 0.123456,
      'log-level': 'info',
      event: eventType,
      recipient: 'alice@example.com',
      'recipient-domain': 'example.com',
      envelope: { transport: 'smtp', sender: 'bob@mg.example.org', 'sending-ip': '198.51.100.7', targets: 'alice@example.com' },
      'delivery-status': { code: 250, message: 'OK', description: '', 'attempt-no': 1, tls: true, 'certificate-verified': true },
      message: {
        headers: { to: 'alice@example.com', 'message-id': `${hex(8)}@mg.example.org`, from: 'bob@mg.example.org', subject: 'Your receipt' },
        attachments: [],
        size: 2231,
      },
      flags: { 'is-routed': false, 'is-authenticated': true, 'is-system-test': false, 'is-test-mode': false },
      tags: ['receipts'],
      'user-variables': {},
    },
  });
  return { headers: { ...JSON_TYPE, 'user-agent': 'mailgun/treq-16.12.0' }, body: Buffer.from(body), eventId, eventType };
}

export const mailgunSample: ProviderSample = { defaultEventType: 'delivered', build };
