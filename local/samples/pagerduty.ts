/** PagerDuty v3: a webhook signed with `node:crypto` per PagerDuty's documentation (no official Node verifier). */
import { createHmac, randomInt } from 'node:crypto';
import { type ProviderSample, type Sample, type SampleWebhook, JSON_TYPE, UPPER, iso, randomText } from './support';

// `X-PagerDuty-Signature: v1=<hex HMAC-SHA256 of the body>` (one `v1=` per secret during a rotation).
function build(secret: string, { eventType, nowSeconds: now, eventId: id }: Sample): SampleWebhook {
  const eventId = id ?? `01${randomText(24, UPPER)}`;
  const incident = `Q${randomText(13, UPPER)}`;
  const body = JSON.stringify({
    event: {
      id: eventId,
      event_type: eventType,
      resource_type: 'incident',
      occurred_at: iso(now),
      agent: {
        html_url: 'https://acme.pagerduty.com/users/PLH1HKV',
        id: 'PLH1HKV',
        self: 'https://api.pagerduty.com/users/PLH1HKV',
        summary: 'Tenex Engineer',
        type: 'user_reference',
      },
      client: null,
      data: {
        id: incident,
        type: 'incident',
        self: `https://api.pagerduty.com/incidents/${incident}`,
        html_url: `https://acme.pagerduty.com/incidents/${incident}`,
        number: randomInt(1, 10_000),
        status: eventType.split('.')[1] ?? 'triggered',
        incident_key: randomText(32).toLowerCase(),
        created_at: iso(now - 2),
        title: 'Webhook deliveries failing for endpoint ep_42',
        service: {
          html_url: 'https://acme.pagerduty.com/services/PF9KMXH',
          id: 'PF9KMXH',
          self: 'https://api.pagerduty.com/services/PF9KMXH',
          summary: 'Webhook gateway',
          type: 'service_reference',
        },
        urgency: 'high',
        priority: null,
      },
    },
  });
  const signature = `v1=${createHmac('sha256', secret).update(body).digest('hex')}`;
  return {
    headers: { ...JSON_TYPE, 'user-agent': 'PagerDuty-Webhook/V3.0', 'x-webhook-id': randomText(20), 'x-pagerduty-signature': signature },
    body: Buffer.from(body),
    eventId,
    eventType,
  };
}

export const pagerdutySample: ProviderSample = { defaultEventType: 'incident.triggered', build };
