/** HubSpot: a batch of one webhook event signed (v3) with `node:crypto` per HubSpot's documentation. */
import { createHmac, randomInt } from 'node:crypto';
import { type ProviderSample, type Sample, type SampleWebhook, JSON_TYPE } from './support';

/**
 * `X-HubSpot-Signature-v3: <base64 HMAC-SHA256 of "POST" + URL + body + timestamp>`, the
 * timestamp in milliseconds in `X-HubSpot-Request-Timestamp`, keyed with the app's client secret.
 */
function build(secret: string, { eventType, nowSeconds: now, eventId: id, url }: Sample): SampleWebhook {
  const eventId = id ?? String(randomInt(1, 2 ** 31));
  const timestamp = String(now * 1000);
  const body = JSON.stringify([
    {
      eventId: Number(eventId),
      subscriptionId: randomInt(1e5, 1e7),
      portalId: randomInt(1e6, 1e8),
      appId: randomInt(1e5, 1e7),
      occurredAt: now * 1000 - 250,
      subscriptionType: eventType,
      attemptNumber: 0,
      objectId: randomInt(1e8, 1e10),
      changeFlag: 'NEW',
      changeSource: 'CRM',
      sourceId: 'userId:1234567',
    },
  ]);
  const signature = createHmac('sha256', secret).update(`POST${url}${body}${timestamp}`).digest('base64');
  return {
    headers: {
      ...JSON_TYPE,
      'user-agent': 'HubSpot Connect 2.0 (http://dev.hubspot.com/)',
      'x-hubspot-request-timestamp': timestamp,
      'x-hubspot-signature-v3': signature,
    },
    body: Buffer.from(body),
    eventId,
    eventType,
  };
}

export const hubspotSample: ProviderSample = { defaultEventType: 'contact.creation', build };
