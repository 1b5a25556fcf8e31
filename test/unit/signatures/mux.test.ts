import { createHmac } from 'node:crypto';
import Mux from '@mux/mux-node';
import { sourceSchema } from '../../../shared/config/schema';
import { providerFor } from '../../../shared/signatures';
import { provesScheme } from './contract';
import { signedRequest } from './support';

const mux = providerFor(sourceSchema.parse({ name: 'mux', provider: 'mux' }));
const secret = 'mux_whsec_b2d6c9e1f0a3';
const other = 'mux_whsec_000000000000';
const payload = JSON.stringify({
  type: 'video.asset.ready',
  id: '3a56ac3d-33da-4366-855b-f592d898409d',
  object: { type: 'asset', id: 'asset_1' },
  data: { status: 'ready' },
});
const client = new Mux({ tokenId: 'unused', tokenSecret: 'unused' });

provesScheme('mux', {
  provider: mux,
  key: { verifyWith: secret, signWith: secret },
  otherKey: { verifyWith: other, signWith: other },
  // Mux's documented algorithm (its SDK only verifies): `t=<ts>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
  sign: (key, ts) => signedRequest(payload, { 'mux-signature': `t=${ts},v1=${createHmac('sha256', key).update(`${ts}.${payload}`).digest('hex')}` }),
  timestamped: true,
  libraryAccepts: async (request, key) => {
    try {
      await client.webhooks.verifySignature(request.body.toString(), request.headers as Record<string, string>, key);
      return true;
    } catch {
      return false;
    }
  },
  identity: () => ({ kind: 'event', eventId: '3a56ac3d-33da-4366-855b-f592d898409d', eventType: 'video.asset.ready' }),
});
