import { createHmac } from 'node:crypto';
import Razorpay from 'razorpay';
import { describe, expect, it } from 'vitest';
import { sourceSchema } from '../../../shared/config/schema';
import { providerFor } from '../../../shared/signatures';
import { provesScheme } from './contract';
import { malformed, signedRequest } from './support';

const razorpay = providerFor(sourceSchema.parse({ name: 'razorpay', provider: 'razorpay' }));
const secret = 'rzp_webhook_secret_8e1d';
const other = 'rzp_webhook_secret_0000';
const payload = JSON.stringify({
  entity: 'event',
  account_id: 'acc_BFQ7uQEaa7j2z7',
  event: 'payment.captured',
  contains: ['payment'],
  payload: { payment: { entity: { id: 'pay_DESlfW9H8K9uqM', amount: 100 } } },
  created_at: 1567674606,
});

provesScheme('razorpay', {
  provider: razorpay,
  key: { verifyWith: secret, signWith: secret },
  otherKey: { verifyWith: other, signWith: other },
  // Razorpay's documented algorithm (its SDK only verifies): hex HMAC-SHA256 of the body.
  sign: (key) =>
    signedRequest(payload, { 'x-razorpay-signature': createHmac('sha256', key).update(payload).digest('hex'), 'x-razorpay-event-id': 'KYJqwJcmBYhwmF' }),
  timestamped: false,
  libraryAccepts: (request, key) => Razorpay.validateWebhookSignature(request.body.toString(), request.headers['x-razorpay-signature']!, key),
  identity: () => ({ kind: 'event', eventId: 'KYJqwJcmBYhwmF', eventType: 'payment.captured' }),
});

describe('razorpay specifics', () => {
  it('needs the x-razorpay-event-id header as the dedupe key', () => {
    expect(malformed(() => razorpay.identify(signedRequest(payload, {})))).toMatch(/x-razorpay-event-id/);
  });
});
