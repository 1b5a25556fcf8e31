/**
 * Sending a processed event to its source's destinations, each marked on the event's record: a
 * destination already marked delivered is not sent again when the event is retried because
 * another failed (or redriven from the dead-letter queue). Sent concurrently; each outcome
 * stands alone.
 */
import type { DestinationMark, DestinationMarks, InboundEvent } from '../event-store';
import type { WebhookEvent } from '../webhook-event';
import type { Destination } from './config';
import { destinationEvent } from './envelope';
import type { DestinationSender } from './sender';

export interface DestinationDeps {
  readonly sender: DestinationSender;
  /** The destinations of each source (resolved from the config). */
  readonly destinationsOf: (source: string) => readonly Destination[];
  /** The payload bucket, named in the events of claim-checked bodies. */
  readonly payloadBucket: string;
}

export interface DestinationOutcome {
  /** Every destination's mark after this attempt (the record's earlier marks kept). */
  readonly marks: DestinationMarks;
  /** The destinations that failed this time, by name. */
  readonly failed: readonly string[];
  /** Sent this time, by name. */
  readonly delivered: readonly string[];
}

/**
 * Sends `event` to each of its source's destinations not yet marked delivered (all of them on a
 * replay). Never throws for a destination's failure: it is in `failed` and in the marks.
 */
export async function deliverToDestinations(
  deps: DestinationDeps,
  record: InboundEvent,
  event: WebhookEvent,
  options: { readonly now: () => Date; readonly replay?: boolean },
): Promise<DestinationOutcome> {
  const previous = record.destinations ?? {};
  const pending = deps.destinationsOf(record.source).filter((destination) => options.replay || previous[destination.name]?.status !== 'delivered');
  if (!pending.length) return { marks: previous, failed: [], delivered: [] };
  const document = destinationEvent(record, event, deps.payloadBucket);
  const results = await Promise.allSettled(pending.map((destination) => deps.sender.send(destination, document)));
  const at = options.now().toISOString();
  const marks: Record<string, DestinationMark> = { ...previous };
  const failed: string[] = [];
  const delivered: string[] = [];
  results.forEach((result, index) => {
    const { name } = pending[index]!;
    const attempts = (previous[name]?.attempts ?? 0) + 1;
    if (result.status === 'fulfilled') {
      marks[name] = { status: 'delivered', at, attempts };
      delivered.push(name);
    } else {
      marks[name] = { status: 'failed', at, attempts, error: describe(result.reason).slice(0, 500) };
      failed.push(name);
    }
  });
  return { marks, failed, delivered };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
