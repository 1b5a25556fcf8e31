/**
 * The prepare stage of an attempt: everything an attempt needs, read and settled before anything
 * is sent. A scheduled or manual attempt reads its delivery, endpoint and message here; the
 * fan-out, which has just read them, builds the same `PreparedAttempt` itself (no re-read).
 */
import type { PayloadStore } from '../store/payload-store';
import type { DeliveryRef, DeliveryStore } from './delivery-store';
import type { EndpointHealth } from './endpoint-store';
import type { MessageStore } from './message-store';
import type { AttemptTrigger, Delivery, DeliveryStatus, Endpoint, Message } from './model';
import { ExpressionError, transformPayload } from './routing';

/** What one attempt sends, and to whom: the payload is the endpoint's (transform applied). */
export interface PreparedAttempt {
  readonly delivery: DeliveryRef;
  readonly endpoint: Endpoint;
  readonly trigger: AttemptTrigger;
  /** The statuses the attempt may start from; its outcome's transition is guarded by them. */
  readonly from: readonly DeliveryStatus[];
  readonly payload: unknown;
  /** Not sent before this time (epoch ms): the endpoint's rate slot, held just before signing. */
  readonly sendAt?: number;
  /**
   * An inline first attempt's budget (shared/outbound/isolation.ts): unanswered by then, it is cut
   * off and given back, and the delivery handed to the schedule.
   */
  readonly budgetMs?: number;
}

export type Preparation =
  | { readonly kind: 'ready'; readonly prepared: Omit<PreparedAttempt, 'trigger' | 'from'> }
  /** The delivery cannot be attempted (message expired, endpoint gone or disabled, transform failed): it fails without a request. */
  | { readonly kind: 'refused'; readonly delivery: Delivery; readonly reason: string }
  /** Nothing to do: the delivery is gone or has moved on. */
  | { readonly kind: 'moved_on'; readonly status?: DeliveryStatus };

export interface PrepareDeps {
  readonly deliveries: Pick<DeliveryStore, 'getDelivery'>;
  readonly endpoints: Pick<EndpointHealth, 'get'>;
  readonly messages: Pick<MessageStore, 'getMessage'>;
  readonly payloads: PayloadStore;
}

/** Loads a message's payload (inline JSON or claim-checked object). */
export async function loadPayload(message: Message, payloads: PayloadStore): Promise<unknown> {
  const json = message.payload.kind === 'inline' ? message.payload.json : Buffer.from(await payloads.get(message.payload.key)).toString('utf8');
  return JSON.parse(json) as unknown;
}

/**
 * Prepares an attempt of an existing delivery in one of `from` statuses. The endpoint's filter
 * is not evaluated again: it decided, at the fan-out, that this delivery exists.
 */
export async function prepareAttempt(deps: PrepareDeps, ref: DeliveryRef, from: readonly DeliveryStatus[]): Promise<Preparation> {
  const delivery = await deps.deliveries.getDelivery(ref.messageId, ref.endpointId);
  if (!delivery || !from.includes(delivery.status)) return { kind: 'moved_on', ...(delivery ? { status: delivery.status } : {}) };
  const [endpoint, message] = await Promise.all([deps.endpoints.get(ref.endpointId), deps.messages.getMessage(ref.messageId)]);
  if (!message) return { kind: 'refused', delivery, reason: 'message expired' };
  if (!endpoint) return { kind: 'refused', delivery, reason: 'endpoint deleted' };
  if (!endpoint.enabled) return { kind: 'refused', delivery, reason: `endpoint disabled: ${endpoint.disabledReason ?? 'disabled'}` };
  try {
    return { kind: 'ready', prepared: { delivery: ref, endpoint, payload: await transformPayload(endpoint, await loadPayload(message, deps.payloads)) } };
  } catch (error) {
    if (error instanceof ExpressionError) return { kind: 'refused', delivery, reason: error.message };
    throw error;
  }
}
