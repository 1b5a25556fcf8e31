import { createHmac } from 'node:crypto';
import { LinearWebhookClient } from '@linear/sdk/webhooks';
import { describe, expect, it } from 'vitest';
import { sourceSchema } from '../../../shared/config/schema';
import { providerFor } from '../../../shared/signatures';
import { bodyTextChanged, provesScheme } from './contract';
import { nowSeconds, outcome, signedRequest, verifyContext } from './support';

const linear = providerFor(sourceSchema.parse({ name: 'linear', provider: 'linear' }));
const secret = 'lin_wh_4f1a8c2e9b7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f';
const other = 'lin_wh_00000000000000000000000000000000000000';
const body = (ts: number) =>
  JSON.stringify({
    action: 'update',
    type: 'Issue',
    createdAt: '2026-01-01T00:00:00.000Z',
    data: { id: '2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9', title: 'Fix it' },
    webhookTimestamp: ts * 1000,
    webhookId: 'w1',
  });

/** Linear's documented algorithm (its SDK only verifies): `Linear-Signature: <hex HMAC-SHA256 of the body>`. */
function sign(key: string, ts: number) {
  const payload = body(ts);
  return signedRequest(payload, {
    'linear-signature': createHmac('sha256', key).update(payload).digest('hex'),
    'linear-delivery': '234d1a4e-b617-4388-90fe-adc3633d6b72',
    'linear-event': 'Issue',
  });
}

provesScheme('linear', {
  provider: linear,
  key: { verifyWith: secret, signWith: secret },
  otherKey: { verifyWith: other, signWith: other },
  sign,
  timestamped: true,
  libraryAccepts: (request, key) => {
    try {
      return new LinearWebhookClient(key).verify(request.body, request.headers['linear-signature']!);
    } catch {
      return false;
    }
  },
  identity: () => ({ kind: 'event', eventId: '234d1a4e-b617-4388-90fe-adc3633d6b72', eventType: 'Issue.update' }),
});

describe('linear specifics', () => {
  it('takes the signed time from the body: a changed webhookTimestamp breaks the signature', () => {
    const request = sign(secret, nowSeconds());
    const moved = bodyTextChanged(
      request,
      `"webhookTimestamp":${JSON.parse(request.body.toString()).webhookTimestamp}`,
      `"webhookTimestamp":${JSON.parse(request.body.toString()).webhookTimestamp + 1}`,
    );
    expect(outcome(linear, moved, verifyContext([secret]))).toBe('mismatch');
  });

  it('names a body without webhookTimestamp', () => {
    const payload = '{"action":"create","type":"Issue"}';
    const request = signedRequest(payload, { 'linear-signature': createHmac('sha256', secret).update(payload).digest('hex') });
    expect(outcome(linear, request, verifyContext([secret]))).toBe('missing_timestamp');
  });
});
