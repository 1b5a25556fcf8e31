/** X (Twitter): an Account Activity event signed with `node:crypto` per X's documentation (no official verifier). */
import { createHmac, randomInt } from 'node:crypto';
import { type ProviderSample, type Sample, type SampleWebhook, JSON_TYPE } from './support';

const digits = (length: number): string => Array.from({ length }, (_, i) => (i === 0 ? randomInt(1, 10) : randomInt(10))).join('');

/**
 * `x-twitter-webhooks-signature: sha256=<base64 HMAC-SHA256 of the body, keyed with the consumer
 * secret>`. The gateway's id for it is `<for_user_id>:<kind>:<item id>`.
 */
function build(secret: string, { eventType, nowSeconds: now, eventId: id }: Sample): SampleWebhook {
  const kind = eventType.endsWith('_events') ? eventType : 'tweet_create_events';
  const [reusedUser, , reusedItem] = id?.split(':') ?? [];
  const user = reusedUser ?? digits(10);
  const itemId = reusedItem ?? digits(19);
  const author = { id: Number(user), id_str: user, name: 'Webhook Gateway', screen_name: 'webhookgw', followers_count: 420 };
  const item =
    kind === 'tweet_create_events'
      ? {
          created_at: new Date(now * 1000).toUTCString().replace('GMT', '+0000'),
          id_str: itemId,
          text: 'Deliveries are green again',
          user: author,
          timestamp_ms: String(now * 1000),
        }
      : { id: itemId, created_at: new Date(now * 1000).toUTCString(), timestamp_ms: now * 1000, user: author };
  const body = JSON.stringify({ for_user_id: user, [kind]: [item] });
  const signature = `sha256=${createHmac('sha256', secret).update(body).digest('base64')}`;
  return {
    headers: { ...JSON_TYPE, 'user-agent': 'X-Webhooks', 'x-twitter-webhooks-signature': signature },
    body: Buffer.from(body),
    eventId: `${user}:${kind}:${itemId}`,
    eventType: kind,
  };
}

export const xSample: ProviderSample = { defaultEventType: 'tweet_create_events', build };
