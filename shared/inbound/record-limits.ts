/**
 * What an inbound event record may hold, checked before anything of the event is written (the
 * claim-checked body, the record): DynamoDB's limits (shared/store/dynamodb-limits.ts) applied
 * to the keys the event store builds from the source and the provider's event id, and to the
 * item's size. A refusal is a `ValidationError` (a 400) whose code names the field; a provider
 * retrying it would only be refused again, so it must never look like a retryable 503.
 *
 * The key layout is the event store's (shared/store/dynamodb/event-store.ts, shared/store/table.ts):
 * pk `EVENT#<source>#<eventId>`, gsi1pk `SOURCE#<source>`, gsi1sk `<receivedAt>#<eventId>`. The
 * integration test `test/integration/record-limits.test.ts` writes an event at exactly these limits
 * to DynamoDB Local and sees one byte more refused by DynamoDB itself, so the two cannot drift.
 */
import { ValidationError } from '../errors';
import { DYNAMODB_LIMITS, fitsPartitionKey, fitsSortKey, itemBytes, utf8Bytes } from '../store/dynamodb-limits';

/** Longest event type kept, in UTF-8 bytes: shown, logged and copied into every status change. */
export const MAX_EVENT_TYPE_BYTES = 1024;
/**
 * Room kept in the item for what later transitions add (status, leases, attempts, timestamps,
 * an error text of up to `MAX_ERROR_LENGTH` characters, at most 4 bytes each in UTF-8).
 */
export const TRANSITION_RESERVE_BYTES = 8 * 1024;
/** The length of an ISO 8601 timestamp as `Date.toISOString()` writes it. */
const ISO_TIMESTAMP_BYTES = '2026-01-01T00:00:00.000Z'.length;

/** The largest event id (UTF-8 bytes) the record's keys can carry for `source`. */
export function maxEventIdBytes(source: string): number {
  const inPartitionKey = DYNAMODB_LIMITS.partitionKeyBytes - utf8Bytes(`EVENT#${source}#`);
  const inIndexSortKey = DYNAMODB_LIMITS.sortKeyBytes - (ISO_TIMESTAMP_BYTES + 1);
  return Math.min(inPartitionKey, inIndexSortKey);
}

export interface RecordCandidate {
  readonly source: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly receivedAt: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The most bytes of the body the item itself will hold (0 when it is claim-checked). */
  readonly inlineBodyBytes: number;
  readonly sourceIp?: string;
}

/**
 * Throws `ValidationError` (`event_id_too_large`, `event_type_too_large`, `record_too_large`)
 * when the record could not be stored.
 *
 * @example
 * checkRecordLimits({ source: 'github', eventId, eventType, receivedAt, headers, inlineBodyBytes: body.length });
 */
export function checkRecordLimits(record: RecordCandidate): void {
  const { source, eventId } = record;
  if (!fitsPartitionKey(`EVENT#${source}#${eventId}`) || !fitsSortKey(`${record.receivedAt}#${eventId}`)) {
    throw new ValidationError(
      `the event id is ${utf8Bytes(eventId)} bytes in UTF-8; at most ${maxEventIdBytes(source)} fit the store's keys`,
      'event_id_too_large',
    );
  }
  if (!fitsPartitionKey(`SOURCE#${source}`)) throw new ValidationError('the source name is too long for the store', 'source_too_large');
  if (utf8Bytes(record.eventType) > MAX_EVENT_TYPE_BYTES) {
    throw new ValidationError(
      `the event type is ${utf8Bytes(record.eventType)} bytes in UTF-8; at most ${MAX_EVENT_TYPE_BYTES} are kept`,
      'event_type_too_large',
    );
  }
  const bytes =
    itemBytes({
      pk: `EVENT#${source}#${eventId}`,
      sk: 'EVENT',
      gsi1pk: `SOURCE#${source}`,
      gsi1sk: `${record.receivedAt}#${eventId}`,
      source,
      eventId,
      eventType: record.eventType,
      receivedAt: record.receivedAt,
      headers: record.headers,
      sourceIp: record.sourceIp,
      body: new Uint8Array(0),
    }) +
    record.inlineBodyBytes +
    TRANSITION_RESERVE_BYTES;
  if (bytes > DYNAMODB_LIMITS.itemBytes) {
    throw new ValidationError(
      `the event's record would be ${bytes} bytes (headers and inline body); a store item holds at most ${DYNAMODB_LIMITS.itemBytes}`,
      'record_too_large',
    );
  }
}
