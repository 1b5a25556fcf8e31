/** Typeform: a form response webhook signed with `node:crypto` per Typeform's documentation (no official verifier). */
import { createHmac } from 'node:crypto';
import { type ProviderSample, type Sample, type SampleWebhook, JSON_TYPE, UPPER, iso, randomText } from './support';

// `Typeform-Signature: sha256=<base64 HMAC-SHA256 of the body>`.
function build(secret: string, { eventType, nowSeconds: now, eventId: id }: Sample): SampleWebhook {
  const eventId = id ?? `01${randomText(24, UPPER)}`;
  const formId = randomText(8);
  const body = JSON.stringify({
    event_id: eventId,
    event_type: eventType,
    form_response: {
      form_id: formId,
      token: randomText(32).toLowerCase(),
      landed_at: iso(now - 95),
      submitted_at: iso(now - 1),
      definition: {
        id: formId,
        title: 'Webhook gateway feedback',
        fields: [
          { id: 'JwWggjAKtOkA', title: 'How satisfied are you?', type: 'opinion_scale', ref: 'satisfaction' },
          { id: 'SMEUb7VJz92Q', title: 'Your email', type: 'email', ref: 'email' },
        ],
      },
      answers: [
        { type: 'number', number: 9, field: { id: 'JwWggjAKtOkA', type: 'opinion_scale', ref: 'satisfaction' } },
        { type: 'email', email: 'laura@example.com', field: { id: 'SMEUb7VJz92Q', type: 'email', ref: 'email' } },
      ],
    },
  });
  const signature = `sha256=${createHmac('sha256', secret).update(body).digest('base64')}`;
  return { headers: { ...JSON_TYPE, 'user-agent': 'Typeform Webhooks', 'typeform-signature': signature }, body: Buffer.from(body), eventId, eventType };
}

export const typeformSample: ProviderSample = { defaultEventType: 'form_response', build };
