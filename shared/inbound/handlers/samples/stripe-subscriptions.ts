/**
 * SAMPLE HANDLER — replace with your own. Keeps a local copy of each Stripe subscription's
 * state from `customer.subscription.*` events, correct whatever order they arrive in: the
 * event's `created` timestamp is the version, and an older event never overwrites a newer one.
 * (Two events created in the same second: the first applied wins; Stripe's own guidance is to
 * fetch the object when that matters.)
 */
import * as z from 'zod';
import { MalformedEventError } from '../../../errors';
import type { EventHandler } from '../registry';

const subscriptionEvent = z.object({
  id: z.string(),
  type: z.string().startsWith('customer.subscription.'),
  created: z.number().int(),
  data: z.object({
    object: z.object({
      id: z.string(),
      customer: z.string(),
      status: z.string(),
      cancel_at_period_end: z.boolean().optional(),
      current_period_end: z.number().int().optional(),
    }),
  }),
});

export const SUBSCRIPTION_ENTITY = 'stripe.subscription';

export const handleStripeSubscription: EventHandler = async (event, context) => {
  const parsed = subscriptionEvent.safeParse(event.payload);
  if (!parsed.success) throw new MalformedEventError(`not a Stripe subscription event: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const { created, type, data } = parsed.data;
  const subscription = data.object;
  await context.entities.applyIfNewer(
    SUBSCRIPTION_ENTITY,
    subscription.id,
    created,
    {
      customer: subscription.customer,
      status: type === 'customer.subscription.deleted' ? 'canceled' : subscription.status,
      cancelAtPeriodEnd: subscription.cancel_at_period_end ?? false,
      ...(subscription.current_period_end ? { currentPeriodEnd: subscription.current_period_end } : {}),
      lastEventId: event.eventId,
    },
    context.now,
  );
};
