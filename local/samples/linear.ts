/** Linear: a data change webhook signed with `node:crypto` per Linear's documentation (its SDK only verifies). */
import { createHmac, randomUUID } from 'node:crypto';
import { type ProviderSample, type Sample, type SampleWebhook, JSON_TYPE, iso } from './support';

// `Linear-Signature: <hex HMAC-SHA256 of the body>`; the body's `webhookTimestamp` (ms) is the signed time.
function build(secret: string, { eventType, nowSeconds: now, eventId: id }: Sample): SampleWebhook {
  const eventId = id ?? randomUUID();
  const dot = eventType.lastIndexOf('.');
  const [type, action] = dot > 0 ? [eventType.slice(0, dot), eventType.slice(dot + 1)] : [eventType, 'create'];
  const issueId = randomUUID();
  const body = JSON.stringify({
    action,
    actor: { id: randomUUID(), type: 'user', name: 'Ada Lovelace', email: 'ada@example.com' },
    createdAt: iso(now),
    data: {
      id: issueId,
      identifier: 'ENG-123',
      title: 'Retry failed deliveries with backoff',
      priority: 2,
      state: { id: randomUUID(), name: 'Todo', type: 'unstarted' },
      team: { id: randomUUID(), key: 'ENG', name: 'Engineering' },
      createdAt: iso(now),
      updatedAt: iso(now),
    },
    url: `https://linear.app/example/issue/ENG-123/retry-failed-deliveries-with-backoff`,
    type,
    organizationId: randomUUID(),
    webhookTimestamp: now * 1000,
    webhookId: randomUUID(),
  });
  const signature = createHmac('sha256', secret).update(body).digest('hex');
  return {
    headers: { ...JSON_TYPE, 'user-agent': 'Linear-Webhook', 'linear-delivery': eventId, 'linear-event': type, 'linear-signature': signature },
    body: Buffer.from(body),
    eventId,
    eventType: `${type}.${action}`,
  };
}

export const linearSample: ProviderSample = { defaultEventType: 'Issue.create', build };
