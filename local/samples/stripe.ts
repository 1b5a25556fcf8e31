/** Stripe: an `event` object signed with `stripe`'s own test header generator. */
import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { type ProviderSample, type Sample, type SampleWebhook, JSON_TYPE, randomText } from './support';

// Stripe: an `event` object; `Stripe-Signature: t=<ts>,v1=<hex HMAC-SHA256 of "<ts>.<body>">`.
function build(secret: string, { eventType, nowSeconds: now, eventId: id }: Sample): SampleWebhook {
  const eventId = id ?? `evt_1${randomText(23)}`;
  const object = stripeObject(eventType, now);
  const body = JSON.stringify({
    id: eventId,
    object: 'event',
    api_version: '2024-06-20',
    created: now,
    data: { object, ...(eventType.endsWith('.updated') ? { previous_attributes: { status: 'trialing' } } : {}) },
    livemode: false,
    pending_webhooks: 1,
    request: { id: `req_${randomText(14)}`, idempotency_key: randomUUID() },
    type: eventType,
  });
  const header = Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: now });
  return {
    headers: { ...JSON_TYPE, 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)', 'stripe-signature': header },
    body: Buffer.from(body),
    eventId,
    eventType,
  };
}

/** `data.object` of a Stripe event, by the type's family. */
function stripeObject(eventType: string, now: number): Record<string, unknown> {
  const customer = `cus_${randomText(14)}`;
  if (eventType.startsWith('customer.subscription.')) {
    return {
      id: `sub_1${randomText(23)}`,
      object: 'subscription',
      customer,
      status: eventType === 'customer.subscription.deleted' ? 'canceled' : 'active',
      cancel_at_period_end: false,
      collection_method: 'charge_automatically',
      created: now,
      current_period_start: now,
      current_period_end: now + 30 * 86_400,
      currency: 'usd',
      items: {
        object: 'list',
        data: [
          {
            id: `si_${randomText(14)}`,
            object: 'subscription_item',
            price: { id: `price_1${randomText(23)}`, object: 'price', currency: 'usd', unit_amount: 2000, recurring: { interval: 'month', interval_count: 1 } },
            quantity: 1,
          },
        ],
      },
      livemode: false,
    };
  }
  if (eventType.startsWith('invoice.')) {
    return {
      id: `in_1${randomText(23)}`,
      object: 'invoice',
      customer,
      subscription: `sub_1${randomText(23)}`,
      status: eventType === 'invoice.paid' || eventType === 'invoice.payment_succeeded' ? 'paid' : 'open',
      amount_due: 2000,
      amount_paid: eventType === 'invoice.paid' ? 2000 : 0,
      currency: 'usd',
      created: now,
      livemode: false,
    };
  }
  if (eventType.startsWith('payment_intent.')) {
    return {
      id: `pi_3${randomText(23)}`,
      object: 'payment_intent',
      amount: 2000,
      currency: 'usd',
      customer,
      status: eventType === 'payment_intent.succeeded' ? 'succeeded' : 'requires_payment_method',
      created: now,
      livemode: false,
    };
  }
  if (eventType.startsWith('checkout.session.')) {
    return {
      id: `cs_test_${randomText(58)}`,
      object: 'checkout.session',
      customer,
      mode: 'subscription',
      status: 'complete',
      payment_status: 'paid',
      amount_total: 2000,
      currency: 'usd',
      created: now,
      livemode: false,
    };
  }
  if (eventType.startsWith('customer.')) {
    return { id: customer, object: 'customer', email: 'jenny.rosen@example.com', name: 'Jenny Rosen', created: now, livemode: false };
  }
  const family = eventType.split('.')[0] || 'object';
  return { id: `${family.slice(0, 4)}_${randomText(24)}`, object: family, created: now, livemode: false };
}

export const stripeSample: ProviderSample = {
  defaultEventType: 'customer.subscription.created',
  build,
};
