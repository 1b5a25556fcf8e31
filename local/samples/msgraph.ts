/** Microsoft Graph: a change notification carrying the subscription's `clientState` (Graph signs nothing). */
import { randomUUID } from 'node:crypto';
import { type ProviderSample, type Sample, type SampleWebhook, JSON_TYPE, iso, randomText } from './support';

/**
 * The source's secret is the `clientState` given when the subscription was created. The
 * gateway's id for a notification without Graph's optional `id` is
 * `<subscriptionId>:<changeType>:<resource>:<resourceData @odata.etag>`.
 */
function build(secret: string, { eventType, nowSeconds: now, eventId: id }: Sample): SampleWebhook {
  const [reusedSubscription, , reusedResource, reusedEtag] = id?.split(':') ?? [];
  const subscriptionId = reusedSubscription ?? randomUUID();
  const userId = randomUUID();
  const messageId = `AAMkAG${randomText(40)}=`;
  const resource = reusedResource ?? `Users/${userId}/Messages/${messageId}`;
  const etag = reusedEtag ?? `W/"CQAAABYAAAD${randomText(20)}"`;
  const body = JSON.stringify({
    value: [
      {
        subscriptionId,
        subscriptionExpirationDateTime: iso(now + 3 * 86_400).replace('.000Z', '.0000000+00:00'),
        changeType: eventType,
        resource,
        resourceData: { '@odata.type': '#Microsoft.Graph.Message', '@odata.id': resource, '@odata.etag': etag, id: messageId },
        clientState: secret,
        tenantId: randomUUID(),
      },
    ],
  });
  return {
    headers: { ...JSON_TYPE, 'user-agent': 'Microsoft-Graph-ChangeTracking/1.0' },
    body: Buffer.from(body),
    eventId: `${subscriptionId}:${eventType}:${resource}:${etag}`,
    eventType,
  };
}

export const msgraphSample: ProviderSample = { defaultEventType: 'created', build };
