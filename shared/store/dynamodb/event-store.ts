/**
 * Inbound event records in DynamoDB: the adapter behind the `EventStore` port
 * (shared/inbound/event-store.ts). Each transition is one conditional write; a refused condition
 * is the transition's answer ("not now", "already done"), never an error.
 *
 * Items, in the event's one partition:
 * - the record: pk `EVENT#<source>#<eventId>`, sk `EVENT`; index gsi1 `SOURCE#<source>` / `<receivedAt>#<eventId>`.
 *   Metadata, headers and status only: every transition is an update of this item, and DynamoDB
 *   bills an update by the item's whole size, so a small record makes each one cost one write unit
 *   whatever the body's size.
 * - the body (inline bodies; claim-checked ones live in the bucket): sk `BODY`, written once, at
 *   ingress, next to the record's conditional put. A record written before the two were split
 *   carries its body itself; it is read as it is.
 */
import { GetCommand, PutCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type {
  AttemptFailure,
  DestinationMarks,
  EnqueueLease,
  EventStatus,
  EventStore,
  InboundEvent,
  InboundEventSummary,
  LeaseResult,
  NewInboundEvent,
  PutResult,
  StoredBody,
} from '../../inbound/event-store';
import { MAX_ERROR_LENGTH } from '../../inbound/event-store';
import { decodeCursor, encodeCursor } from '../cursor';
import { fitsPartitionKey } from '../dynamodb-limits';
import { TABLE } from '../table';
import { conditionalWrite } from './conditional-write';
import { queryIndex } from './index-query';
import { TableAdapter } from './table-adapter';

function eventKey(source: string, eventId: string): { pk: string; sk: string } {
  return { pk: `EVENT#${source}#${eventId}`, sk: 'EVENT' };
}

function bodyKey(source: string, eventId: string): { pk: string; sk: string } {
  return { pk: `EVENT#${source}#${eventId}`, sk: 'BODY' };
}

/**
 * @example
 * const store = new DynamoDbEventStore(documentClient, 'webhooks-table');
 * const result = await store.putNew(event, { owner: requestId, nowMs, enqueueLeaseMs: 15_000, expiresAt });
 */
export class DynamoDbEventStore extends TableAdapter implements EventStore {
  /**
   * The record's conditional put (the dedupe) and, beside it, the inline body's own conditional
   * put: a body already there (an earlier copy wrote it) is the same body, and is kept. Both must
   * be durable before the event is queued, so a failed body write fails the call, giving the
   * enqueue lease back when this call created the record: the provider's retry writes the body.
   */
  async putNew(event: NewInboundEvent, options: EnqueueLease & { readonly expiresAt: number }): Promise<PutResult> {
    const item = {
      ...eventKey(event.source, event.eventId),
      gsi1pk: `SOURCE#${event.source}`,
      gsi1sk: `${event.receivedAt}#${event.eventId}`,
      kind: 'inbound-event',
      source: event.source,
      eventId: event.eventId,
      eventType: event.eventType,
      status: 'received' satisfies EventStatus,
      receivedAt: event.receivedAt,
      updatedAt: event.receivedAt,
      headers: event.headers,
      bodyBytes: event.bodyBytes,
      ...(event.body.kind === 'inline' ? { bodyEncoding: event.body.encoding } : { bodyKey: event.body.key }),
      ...(event.sourceIp ? { sourceIp: event.sourceIp } : {}),
      attempts: 0,
      enqueueOwner: options.owner,
      enqueueLeaseUntil: options.nowMs + options.enqueueLeaseMs,
      [TABLE.timeToLiveAttribute]: options.expiresAt,
    };
    const body = event.body;
    const [record, bodyWrite] = await Promise.allSettled([
      conditionalWrite(
        this.db,
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
      body.kind === 'inline'
        ? conditionalWrite(
            this.db,
            new PutCommand({
              TableName: this.tableName,
              Item: { ...bodyKey(event.source, event.eventId), kind: 'inbound-body', body: body.data, [TABLE.timeToLiveAttribute]: options.expiresAt },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          )
        : Promise.resolve(undefined),
    ]);
    if (record.status === 'rejected') throw record.reason;
    if (bodyWrite.status === 'rejected') {
      if (record.value.written) await this.releaseEnqueue(event.source, event.eventId, options.owner).catch(() => undefined);
      throw bodyWrite.reason;
    }
    const result = record.value;
    if (result.written) return { created: true };
    const existing = result.current ? toSummary(result.current) : await this.get(event.source, event.eventId);
    if (!existing) throw new Error(`event ${event.source}/${event.eventId} exists but could not be read`);
    return { created: false, existing };
  }

  claimEnqueue(source: string, eventId: string, lease: EnqueueLease): Promise<boolean> {
    return this.transition(source, eventId, {
      UpdateExpression: 'SET enqueueOwner = :owner, enqueueLeaseUntil = :until',
      ConditionExpression: '#status = :received AND (attribute_not_exists(enqueueLeaseUntil) OR enqueueLeaseUntil < :now)',
      ExpressionAttributeValues: { ':owner': lease.owner, ':until': lease.nowMs + lease.enqueueLeaseMs, ':now': lease.nowMs, ':received': 'received' },
    });
  }

  async releaseEnqueue(source: string, eventId: string, owner: string): Promise<void> {
    await this.transition(source, eventId, {
      UpdateExpression: 'SET enqueueLeaseUntil = :zero',
      ConditionExpression: '#status = :received AND enqueueOwner = :owner',
      ExpressionAttributeValues: { ':zero': 0, ':owner': owner, ':received': 'received' },
    });
  }

  async markQueued(source: string, eventId: string, now: Date): Promise<void> {
    await this.transition(source, eventId, {
      UpdateExpression: 'SET #status = :queued, updatedAt = :now REMOVE enqueueOwner, enqueueLeaseUntil',
      ConditionExpression: '#status = :received',
      ExpressionAttributeValues: { ':queued': 'queued', ':received': 'received', ':now': now.toISOString() },
    });
  }

  async acquireLease(source: string, eventId: string, options: { owner: string; now: Date; leaseMs: number; replay?: boolean }): Promise<LeaseResult> {
    const nowMs = options.now.getTime();
    const leasable = options.replay ? '(:received, :queued, :failed, :processed)' : '(:received, :queued, :failed)';
    const result = await conditionalWrite(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: eventKey(source, eventId),
        UpdateExpression: 'SET #status = :processing, leaseOwner = :owner, leaseUntil = :until, updatedAt = :now ADD attempts :one',
        ConditionExpression: `attribute_exists(pk) AND (#status IN ${leasable} OR (#status = :processing AND leaseUntil < :nowMs))`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':processing': 'processing',
          ':received': 'received',
          ':queued': 'queued',
          ':failed': 'failed',
          ...(options.replay ? { ':processed': 'processed' } : {}),
          ':owner': options.owner,
          ':until': nowMs + options.leaseMs,
          ':nowMs': nowMs,
          ':now': options.now.toISOString(),
          ':one': 1,
        },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    if (result.written) return { acquired: true, event: await this.withBody(result.output.Attributes ?? {}) };
    return { acquired: false, current: result.current ? toSummary(result.current) : undefined };
  }

  markProcessed(source: string, eventId: string, owner: string, now: Date, destinations?: DestinationMarks): Promise<boolean> {
    return this.transition(source, eventId, {
      UpdateExpression: `SET #status = :processed, processedAt = :now, updatedAt = :now${destinations ? ', destinations = :destinations' : ''} REMOVE leaseOwner, leaseUntil, lastError`,
      ConditionExpression: '#status = :processing AND leaseOwner = :owner',
      ExpressionAttributeValues: {
        ':processed': 'processed',
        ':processing': 'processing',
        ':owner': owner,
        ':now': now.toISOString(),
        ...(destinations ? { ':destinations': destinations } : {}),
      },
    });
  }

  markAttemptFailed(source: string, eventId: string, owner: string, options: AttemptFailure): Promise<boolean> {
    const marks = options.destinations ? ', destinations = :destinations' : '';
    return this.transition(source, eventId, {
      UpdateExpression: options.terminal
        ? `SET #status = :status, lastError = :error, failedAt = :now, updatedAt = :now, deadLettered = :dl${marks} REMOVE leaseOwner, leaseUntil`
        : `SET #status = :status, lastError = :error, updatedAt = :now${marks} REMOVE leaseOwner, leaseUntil`,
      ConditionExpression: '#status = :processing AND leaseOwner = :owner',
      ExpressionAttributeValues: {
        ':status': (options.terminal ? 'failed' : 'queued') satisfies EventStatus,
        ':processing': 'processing',
        ':owner': owner,
        ':error': options.error.slice(0, MAX_ERROR_LENGTH),
        ':now': options.now.toISOString(),
        ...(options.terminal ? { ':dl': options.deadLettered } : {}),
        ...(options.destinations ? { ':destinations': options.destinations } : {}),
      },
    });
  }

  async get(source: string, eventId: string): Promise<InboundEvent | undefined> {
    // No item has a key DynamoDB would refuse to read: answer that at once.
    if (!fitsPartitionKey(eventKey(source, eventId).pk)) return undefined;
    const [record, body] = await Promise.all([
      this.db.send(new GetCommand({ TableName: this.tableName, Key: eventKey(source, eventId), ConsistentRead: true })),
      this.db.send(new GetCommand({ TableName: this.tableName, Key: bodyKey(source, eventId), ConsistentRead: true })),
    ]);
    return record.Item ? toEvent(record.Item, body.Item?.body as Uint8Array | undefined) : undefined;
  }

  /** The record with its inline body, read from the body item unless the record carries it (written before the split). */
  private async withBody(record: Record<string, unknown>): Promise<InboundEvent> {
    if (typeof record.bodyKey === 'string' || record.body !== undefined) return toEvent(record);
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: bodyKey(String(record.source), String(record.eventId)), ConsistentRead: true }),
    );
    return toEvent(record, Item?.body as Uint8Array | undefined);
  }

  async list(
    source: string,
    options: { status?: EventStatus; since?: string; until?: string; limit: number; cursor?: string },
  ): Promise<{ events: InboundEventSummary[]; nextCursor?: string }> {
    const page = await queryIndex(this.db, this.tableName, `SOURCE#${source}`, {
      newestFirst: true,
      limit: options.limit,
      ...(options.since ? { since: options.since } : {}),
      ...(options.until ? { until: options.until } : {}),
      ...(options.status ? { status: options.status } : {}),
      ...(options.cursor ? { cursor: decodeCursor(options.cursor) } : {}),
    });
    return { events: page.items.map(toSummary), ...(page.next ? { nextCursor: encodeCursor(page.next) } : {}) };
  }

  /** A status update of one record, as one conditional write: true when it applied. */
  private async transition(
    source: string,
    eventId: string,
    update: Required<Pick<UpdateCommandInput, 'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeValues'>>,
  ): Promise<boolean> {
    const command = new UpdateCommand({
      TableName: this.tableName,
      Key: eventKey(source, eventId),
      ExpressionAttributeNames: { '#status': 'status' },
      ...update,
    });
    return (await conditionalWrite(this.db, command)).written;
  }
}

/** An inline body's bytes: from the body item, or from a record written before the split. */
function toEvent(item: Record<string, unknown>, bodyData?: Uint8Array): InboundEvent {
  const body: StoredBody =
    typeof item.bodyKey === 'string'
      ? { kind: 'object', key: item.bodyKey }
      : {
          kind: 'inline',
          encoding: item.bodyEncoding === 'gzip' ? 'gzip' : 'identity',
          data: (item.body as Uint8Array | undefined) ?? bodyData ?? new Uint8Array(),
        };
  return { ...toSummary(item), body };
}

function toSummary(item: Record<string, unknown>): InboundEventSummary {
  return {
    source: String(item.source),
    eventId: String(item.eventId),
    eventType: String(item.eventType),
    status: item.status as EventStatus,
    receivedAt: String(item.receivedAt),
    updatedAt: String(item.updatedAt),
    headers: (item.headers as Record<string, string> | undefined) ?? {},
    bodyBytes: Number(item.bodyBytes ?? 0),
    ...(typeof item.sourceIp === 'string' ? { sourceIp: item.sourceIp } : {}),
    attempts: Number(item.attempts ?? 0),
    ...(typeof item.lastError === 'string' ? { lastError: item.lastError } : {}),
    ...(typeof item.processedAt === 'string' ? { processedAt: item.processedAt } : {}),
    ...(typeof item.failedAt === 'string' ? { failedAt: item.failedAt } : {}),
    ...(typeof item.deadLettered === 'boolean' ? { deadLettered: item.deadLettered } : {}),
    ...(item.destinations && typeof item.destinations === 'object' ? { destinations: item.destinations as DestinationMarks } : {}),
  };
}
