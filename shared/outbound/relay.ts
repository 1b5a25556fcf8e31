/**
 * Relay: a processed inbound event is published as `<source>.<eventType>` (e.g.
 * `stripe.invoice.paid`) under an id derived from the event, so a repeated relay (a retried
 * batch, a provider's duplicate) is the same message and is delivered once. When no enabled
 * endpoint subscribes to the type, nothing is published: no message is stored for nobody.
 */
import type { WebhookEvent } from '../inbound/webhook-event';
import type { Endpoint } from './model';
import { publishMessage, relayMessageId, type PublishDeps } from './publish';
import { matchingEndpoints } from './routing';

export interface RelayDeps extends PublishDeps {
  readonly listEndpoints: () => Promise<readonly Endpoint[]>;
}

export async function relayInboundEvent(
  deps: RelayDeps,
  event: Pick<WebhookEvent, 'source' | 'eventId' | 'eventType' | 'payload'>,
): Promise<'published' | 'no_subscribers'> {
  const eventType = `${event.source}.${event.eventType}`;
  if (matchingEndpoints(await deps.listEndpoints(), { eventType }).length === 0) return 'no_subscribers';
  await publishMessage(deps, { id: relayMessageId(event.source, event.eventId), eventType, payload: event.payload });
  return 'published';
}
