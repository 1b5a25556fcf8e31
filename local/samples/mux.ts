/** Mux: a webhook signed with `node:crypto` per Mux's documentation (the SDK's `verifySignature` only verifies). */
import { createHmac, randomUUID } from 'node:crypto';
import { type ProviderSample, type Sample, type SampleWebhook, JSON_TYPE, iso, randomText } from './support';

// `Mux-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
function build(secret: string, { eventType, nowSeconds: now, eventId: id }: Sample): SampleWebhook {
  const eventId = id ?? randomUUID();
  const assetId = randomText(40);
  const body = JSON.stringify({
    type: eventType,
    object: { type: 'asset', id: assetId },
    id: eventId,
    environment: { name: 'Production', id: randomText(6).toLowerCase() },
    data: {
      status: eventType === 'video.asset.ready' ? 'ready' : 'preparing',
      id: assetId,
      playback_ids: [{ policy: 'public', id: randomText(40) }],
      duration: 23.86,
      max_resolution_tier: '1080p',
      aspect_ratio: '16:9',
      created_at: now - 30,
    },
    created_at: iso(now),
    attempts: [],
    accessor_source: null,
    accessor: null,
    request_id: null,
  });
  const v1 = createHmac('sha256', secret).update(`${now}.${body}`).digest('hex');
  return { headers: { ...JSON_TYPE, 'user-agent': 'Mux', 'mux-signature': `t=${now},v1=${v1}` }, body: Buffer.from(body), eventId, eventType };
}

export const muxSample: ProviderSample = { defaultEventType: 'video.asset.ready', build };
