/**
 * Giving up on a delivery whose retry execution cannot go on (its attempt task kept failing or
 * timing out): the delivery is marked `failed` with the reason, so nothing is left `retrying`
 * for ever. Called by the retry state machine's `RecordFailure` task (through the deliver
 * function). A delivery that has moved on meanwhile (a manual retry succeeded) is left alone:
 * the `fail` transition applies only while the delivery is still where the execution left it.
 */
import { timeOf } from '../clock';
import type { DeliveryDeps } from './deliver';
import type { DeliveryStatus } from './model';

/** The statuses a delivery has while an execution is responsible for it. */
const IN_EXECUTION: readonly DeliveryStatus[] = ['retrying', 'pending'];

export type AbandonResult = { readonly abandoned: true } | { readonly abandoned: false; readonly status?: DeliveryStatus };

export async function abandonDelivery(
  deps: Pick<DeliveryDeps, 'deliveries' | 'onEvent' | 'now'>,
  request: { readonly messageId: string; readonly endpointId: string; readonly reason: string },
): Promise<AbandonResult> {
  const { messageId, endpointId, reason } = request;
  const ref = { messageId, endpointId };
  const delivery = await deps.deliveries.getDelivery(messageId, endpointId);
  if (!delivery) return { abandoned: false };
  if (
    IN_EXECUTION.includes(delivery.status) &&
    (await deps.deliveries.fail(ref, { attempt: delivery.attempts, from: IN_EXECUTION }, { now: timeOf(deps), error: reason }))
  ) {
    await deps.onEvent?.({ type: 'delivery.failed', ...ref, reason });
    return { abandoned: true };
  }
  const current = await deps.deliveries.getDelivery(messageId, endpointId);
  return current ? { abandoned: false, status: current.status } : { abandoned: false };
}
