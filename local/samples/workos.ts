/** WorkOS: an event signed with the WorkOS SDK's own `webhooks.computeSignature`. */
import { WorkOS } from '@workos-inc/node';
import { type ProviderSample, type Sample, type SampleWebhook, JSON_TYPE, UPPER, iso, randomText } from './support';

// The signer needs no API access; the key only satisfies the constructor.
const workos = new WorkOS('sk_test_sample_signing_only');

// `WorkOS-Signature: t=<unix ms>, v1=<hex HMAC-SHA256 of "<t>.<body>">`.
async function build(secret: string, { eventType, nowSeconds: now, eventId: id }: Sample): Promise<SampleWebhook> {
  const eventId = id ?? `event_01${randomText(24, UPPER)}`;
  const body = JSON.stringify({
    id: eventId,
    event: eventType,
    data: {
      object: 'user',
      id: `user_01${randomText(24, UPPER)}`,
      email: 'marcelina.davis@example.com',
      first_name: 'Marcelina',
      last_name: 'Davis',
      email_verified: true,
      profile_picture_url: null,
      created_at: iso(now),
      updated_at: iso(now),
    },
    created_at: iso(now),
    context: {},
  });
  const t = now * 1000;
  const v1 = await workos.webhooks.computeSignature(t, body, secret);
  return { headers: { ...JSON_TYPE, 'user-agent': 'WorkOS', 'workos-signature': `t=${t}, v1=${v1}` }, body: Buffer.from(body), eventId, eventType };
}

export const workosSample: ProviderSample = { defaultEventType: 'user.created', build };
