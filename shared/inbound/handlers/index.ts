/**
 * The handlers this deployment runs. Register yours here; events with no handler are recorded
 * as processed (and relayed, when outbound relay is on).
 */
import { HandlerRegistry } from './registry';
import { handleStripeSubscription } from './samples/stripe-subscriptions';

export function createHandlerRegistry(): HandlerRegistry {
  return new HandlerRegistry().on('stripe', 'customer.subscription.*', handleStripeSubscription);
}
