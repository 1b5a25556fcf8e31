/** Zoom: an event signed with `node:crypto` per Zoom's documentation (no official Node verifier). */
import { createHmac, randomBytes, randomInt } from 'node:crypto';
import { type ProviderSample, type Sample, type SampleWebhook, JSON_TYPE, iso, randomText } from './support';

/**
 * `x-zm-signature: v0=<hex HMAC-SHA256 of "v0:<x-zm-request-timestamp>:<body>">`, keyed with the
 * Secret Token. The gateway's id for it is `<event>:<event_ts>:<payload.object.uuid>`.
 */
function build(secret: string, { eventType, nowSeconds: now, eventId: id }: Sample): SampleWebhook {
  const [, reusedTs, reusedUuid] = id?.split(':') ?? [];
  const eventTs = reusedTs ? Number(reusedTs) : now * 1000 + randomInt(1000);
  const uuid = reusedUuid ?? randomBytes(16).toString('base64');
  const body = JSON.stringify({
    event: eventType,
    event_ts: eventTs,
    payload: {
      account_id: randomText(22),
      object: {
        uuid,
        id: randomInt(1e9, 1e11),
        host_id: randomText(22),
        topic: 'Weekly platform sync',
        type: 2,
        start_time: iso(now),
        timezone: 'Europe/Amsterdam',
        duration: 30,
      },
    },
  });
  const timestamp = String(now);
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return {
    headers: { ...JSON_TYPE, 'user-agent': 'Zoom Marketplace/1.0a', 'x-zm-request-timestamp': timestamp, 'x-zm-signature': signature },
    body: Buffer.from(body),
    eventId: `${eventType}:${eventTs}:${uuid}`,
    eventType,
  };
}

export const zoomSample: ProviderSample = { defaultEventType: 'meeting.started', build };
