/** Asana: the X-Hook-Secret handshake, then an event signed with `node:crypto` per Asana's documentation (no official verifier). */
import { createHmac, randomInt } from 'node:crypto';
import { type ProviderSample, type Sample, type SampleWebhook, JSON_TYPE, iso } from './support';

const gid = (): string => String(randomInt(1e12, 2 ** 47));

/**
 * First the handshake Asana sends when a webhook is created (`X-Hook-Secret: <secret>`, which the
 * answer must echo); then `X-Hook-Signature: <hex HMAC-SHA256 of the body>` under that secret.
 * The gateway's id for the event is `<created_at>:<action>:<resource>:<parent>:<field>:<user>`.
 */
function build(secret: string, { eventType, nowSeconds: now, eventId: id }: Sample): SampleWebhook {
  const [resourceType = 'task', action = 'changed'] = eventType.split('.');
  const reused = id?.split(':');
  // An ISO timestamp holds colons itself: the key's first three parts are the time.
  const createdAt = reused ? reused.slice(0, 3).join(':') : iso(now).replace('.000Z', `.${String(randomInt(1000)).padStart(3, '0')}Z`);
  const [resourceGid, userGid] = reused ? [reused[4]!, reused[7]!] : [gid(), gid()];
  const event = {
    user: { gid: userGid, resource_type: 'user' },
    created_at: createdAt,
    action,
    resource: { gid: resourceGid, resource_type: resourceType, resource_subtype: 'default_task', name: 'Rotate the signing secret' },
    parent: null,
    change: { field: 'due_on', action: 'changed', new_value: null },
  };
  const body = JSON.stringify({ events: [event] });
  const signature = createHmac('sha256', secret).update(body).digest('hex');
  return {
    handshake: {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hook-secret': secret },
      body: Buffer.alloc(0),
      expectHeader: { name: 'x-hook-secret', value: secret },
    },
    headers: { ...JSON_TYPE, 'user-agent': 'Asana', 'x-hook-signature': signature },
    body: Buffer.from(body),
    eventId: [createdAt, action, resourceGid, '', 'due_on', userGid].join(':'),
    eventType: `${resourceType}.${action}`,
  };
}

export const asanaSample: ProviderSample = { defaultEventType: 'task.changed', build };
