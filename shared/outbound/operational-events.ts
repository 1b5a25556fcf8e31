/**
 * The gateway's own events, published as messages that endpoints may subscribe to (by naming
 * `webhooks.*` or an exact type: "every type" does not include them):
 *
 * - `webhooks.endpoint.disabled` `{ endpointId, reason, disabledAt }`
 * - `webhooks.endpoint.enabled`  `{ endpointId, enabledAt }`
 * - `webhooks.delivery.exhausted` `{ messageId, endpointId, eventType, attempts, exhaustedAt }`
 *
 * Each goes to the endpoint's tenant only, once (an idempotency key per occurrence). **No loop**:
 * a delivery of an operational event that is exhausted, or whose attempt disables its endpoint,
 * publishes nothing, so the gateway never reports on its own reports.
 */
import { timeOf, type Clocked } from '../clock';
import type { Endpoint, Message } from './model';
import { publishMessage, type PublishDeps } from './publish';
import type { DeliveryEvent } from './record';

export const OPERATIONAL_PREFIX = 'webhooks.';

export const OPERATIONAL_EVENT_TYPES = ['webhooks.endpoint.disabled', 'webhooks.endpoint.enabled', 'webhooks.delivery.exhausted'] as const;

export function isOperationalEventType(eventType: string): boolean {
  return eventType.startsWith(OPERATIONAL_PREFIX);
}

export interface OperationalDeps extends PublishDeps, Clocked {
  readonly endpoints: { get(id: string): Promise<Endpoint | undefined> };
  readonly messages: PublishDeps['messages'] & { getMessage(id: string): Promise<Message | undefined> };
}

/**
 * The operational event a delivery event calls for, published; nothing for other events, or when
 * the delivery was itself of an operational event.
 *
 * @example
 * onEvent: (event) => publishOperationalEvent(deps, event)
 */
export async function publishOperationalEvent(deps: OperationalDeps, event: DeliveryEvent): Promise<void> {
  if (event.type !== 'delivery.exhausted' && event.type !== 'endpoint.disabled') return;
  const cause = event.messageId ? await deps.messages.getMessage(event.messageId) : undefined;
  if (cause && isOperationalEventType(cause.eventType)) return;
  const endpoint = await deps.endpoints.get(event.endpointId);
  const at = timeOf(deps).toISOString();
  const tenant = endpoint?.tenantId ? { tenantId: endpoint.tenantId } : {};
  if (event.type === 'delivery.exhausted') {
    await publishMessage(deps, {
      eventType: 'webhooks.delivery.exhausted',
      payload: { messageId: event.messageId, endpointId: event.endpointId, eventType: cause?.eventType, attempts: event.attempts, exhaustedAt: at },
      idempotencyKey: `webhooks.delivery.exhausted:${event.messageId}:${event.endpointId}`,
      ...tenant,
    });
    return;
  }
  await publishMessage(deps, {
    eventType: 'webhooks.endpoint.disabled',
    payload: { endpointId: event.endpointId, reason: event.reason, disabledAt: endpoint?.disabledAt ?? at },
    idempotencyKey: `webhooks.endpoint.disabled:${event.endpointId}:${endpoint?.disabledAt ?? at}`,
    ...tenant,
  });
}

/** `webhooks.endpoint.enabled`, when an operator re-enables a disabled endpoint. */
export async function publishEndpointEnabled(deps: PublishDeps, endpoint: Endpoint, at: Date): Promise<void> {
  await publishMessage(deps, {
    eventType: 'webhooks.endpoint.enabled',
    payload: { endpointId: endpoint.id, enabledAt: at.toISOString() },
    idempotencyKey: `webhooks.endpoint.enabled:${endpoint.id}:${at.toISOString()}`,
    ...(endpoint.tenantId ? { tenantId: endpoint.tenantId } : {}),
  });
}
