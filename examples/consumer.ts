/**
 * An example consumer Lambda of the gateway's destination events (version 1, the
 * `DestinationEvent` schema in openapi.yaml). The same handler takes the event however it
 * arrives: invoked by an EventBridge rule (the document is `event.detail`), as a Lambda
 * destination (the document itself), or from an SQS queue (each record's body; SNS-to-SQS with
 * raw delivery alike). Events arrive at least once: deduplicate on `source` + `eventId`.
 *
 * Locally, a Lambda destination may name this file as its `localModule`; it then runs in the
 * local runtime's process. With WEBHOOKS_EXAMPLE_CONSUMER_LOG set, it appends each event it
 * handled to that file as a JSON line (the end-to-end test reads it).
 */
import { appendFileSync } from 'node:fs';

export interface DestinationEvent {
  readonly version: '1';
  readonly source: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly receivedAt: string;
  readonly bodyBytes: number;
  readonly contentType?: string;
  readonly payload?: unknown;
  readonly bodyLocation?: { readonly bucket: string; readonly key: string };
}

type Incoming = DestinationEvent | { readonly detail: DestinationEvent } | { readonly Records: ReadonlyArray<{ readonly body: string }> };

/** The destination events in whatever arrived. */
export function destinationEvents(incoming: Incoming): DestinationEvent[] {
  if ('Records' in incoming) return incoming.Records.map((record) => JSON.parse(record.body) as DestinationEvent);
  if ('detail' in incoming) return [incoming.detail];
  return [incoming];
}

export async function handler(incoming: Incoming): Promise<void> {
  for (const event of destinationEvents(incoming)) {
    if (event.version !== '1') throw new Error(`unsupported destination event version ${event.version}`);
    // A body too large to inline is in the gateway's payload bucket (s3:GetObject on bodyLocation).
    const where = event.bodyLocation ? `s3://${event.bodyLocation.bucket}/${event.bodyLocation.key}` : 'inline';
    console.log(JSON.stringify({ message: 'webhook event', source: event.source, eventId: event.eventId, eventType: event.eventType, body: where }));
    const log = process.env.WEBHOOKS_EXAMPLE_CONSUMER_LOG;
    if (log) appendFileSync(log, `${JSON.stringify(event)}\n`);
  }
}
