import { WorkOS } from '@workos-inc/node';
import { describe, expect, it } from 'vitest';
import { sourceSchema } from '../../../shared/config/schema';
import { providerFor } from '../../../shared/signatures';
import { provesScheme } from './contract';
import { nowSeconds, outcome, signedRequest, verifyContext } from './support';

const workos = providerFor(sourceSchema.parse({ name: 'workos', provider: 'workos' }));
const secret = 'wos_whsec_3dV1c2f7Q9';
const other = 'wos_whsec_0000000000';
const payload = JSON.stringify({
  id: 'event_01HJ8SPXQ7R1RF3XPJ7E4EJ6V0',
  event: 'user.created',
  data: { object: 'user', id: 'user_01E4ZCR3C56J083X43JQXF3JK5' },
  created_at: '2026-01-01T00:00:00.000Z',
});
const sdk = new WorkOS('sk_test_unused');

/** Signed by the WorkOS SDK itself: `WorkOS-Signature: t=<ms>, v1=<hex>`. */
async function sign(key: string, ts: number) {
  const t = ts * 1000;
  return signedRequest(payload, { 'workos-signature': `t=${t}, v1=${await sdk.webhooks.computeSignature(t, payload, key)}` });
}

provesScheme('workos', {
  provider: workos,
  key: { verifyWith: secret, signWith: secret },
  otherKey: { verifyWith: other, signWith: other },
  sign,
  timestamped: true,
  libraryAccepts: async (request, key) => {
    try {
      await sdk.webhooks.verifyHeader({ payload: request.body.toString(), sigHeader: request.headers['workos-signature']!, secret: key });
      return true;
    } catch {
      return false;
    }
  },
  identity: () => ({ kind: 'event', eventId: 'event_01HJ8SPXQ7R1RF3XPJ7E4EJ6V0', eventType: 'user.created' }),
});

describe('workos specifics', () => {
  it('reads the timestamp as milliseconds: the same digits as seconds are far in the future', async () => {
    const ts = nowSeconds();
    const header = `t=${ts}, v1=${await sdk.webhooks.computeSignature(ts, payload, secret)}`;
    expect(outcome(workos, signedRequest(payload, { 'workos-signature': header }), verifyContext([secret]))).toBe('timestamp_out_of_tolerance');
  });
});
