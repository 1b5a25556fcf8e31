/** Calendly: a webhook signed with `node:crypto` per Calendly's documentation (no official verifier). */
import { createHmac, randomUUID } from 'node:crypto';
import { type ProviderSample, type Sample, type SampleWebhook, JSON_TYPE, UPPER, iso, randomText } from './support';

/**
 * `Calendly-Webhook-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, keyed with the
 * webhook signing key. The gateway's id for it is `<event>:<payload.uri>`.
 */
function build(secret: string, { eventType, nowSeconds: now, eventId: id }: Sample): SampleWebhook {
  const reusedUri = id?.startsWith(`${eventType}:`) ? id.slice(eventType.length + 1) : undefined;
  const scheduledEvent = `https://api.calendly.com/scheduled_events/${randomText(16, UPPER)}`;
  const uri = reusedUri ?? `${scheduledEvent}/invitees/${randomText(16, UPPER)}`;
  const body = JSON.stringify({
    created_at: iso(now),
    created_by: `https://api.calendly.com/users/${randomText(16, UPPER)}`,
    event: eventType,
    payload: {
      uri,
      email: 'test@example.com',
      name: 'John Doe',
      status: eventType === 'invitee.canceled' ? 'canceled' : 'active',
      timezone: 'America/New_York',
      event: scheduledEvent,
      questions_and_answers: [],
      tracking: { utm_campaign: null, utm_source: null },
      rescheduled: false,
      cancel_url: `https://calendly.com/cancellations/${randomUUID()}`,
      reschedule_url: `https://calendly.com/reschedulings/${randomUUID()}`,
      created_at: iso(now),
      updated_at: iso(now),
    },
  });
  const v1 = createHmac('sha256', secret).update(`${now}.${body}`).digest('hex');
  return {
    headers: { ...JSON_TYPE, 'user-agent': 'Calendly-Webhooks', 'calendly-webhook-signature': `t=${now},v1=${v1}` },
    body: Buffer.from(body),
    eventId: `${eventType}:${uri}`,
    eventType,
  };
}

export const calendlySample: ProviderSample = { defaultEventType: 'invitee.created', build };
