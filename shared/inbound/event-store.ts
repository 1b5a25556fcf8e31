/**
 * The inbound event record in DynamoDB, and every status transition it may make. Each
 * transition is a conditional write, so concurrent ingress copies and redelivered queue
 * messages cannot move an event backwards or process it twice.
 *
 * ```
 *   received ──enqueued──▶ queued ──lease──▶ processing ──▶ processed
 *      ▲  │ (enqueue lease)                      │  └─────▶ failed (malformed, or out of receives)
 *      └──┘ released on enqueue failure          └─ transient failure ─▶ queued (retried by SQS)
 * ```
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { decodeCursor, encodeCursor } from '../store/cursor';
import { queryIndex } from '../store/index-query';
import { TABLE } from '../store/table';

export type EventStatus = 'received' | 'queued' | 'processing' | 'processed' | 'failed';

/** Where the raw body lives: inline in the item, or in the payload bucket (claim check). */
export type StoredBody =
  | { readonly kind: 'inline'; readonly encoding: 'identity' | 'gzip'; readonly data: Uint8Array }
  | { readonly kind: 'object'; readonly key: string };

/** An inbound event as recorded. */
export interface InboundEvent {
  readonly source: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly status: EventStatus;
  readonly receivedAt: string;
  readonly updatedAt: string;
  /** Request headers worth keeping (never signatures, tokens or cookies). */
  readonly headers: Readonly<Record<string, string>>;
  readonly bodyBytes: number;
  readonly body: StoredBody;
  readonly sourceIp?: string;
  /** Processing attempts started (each lease taken counts one). */
  readonly attempts: number;
  readonly lastError?: string;
  readonly processedAt?: string;
  readonly failedAt?: string;
  readonly deadLettered?: boolean;
}

/** Fields written when an event is first received. */
export type NewInboundEvent = Omit<InboundEvent, 'status' | 'updatedAt' | 'attempts' | 'lastError' | 'processedAt' | 'failedAt' | 'deadLettered'>;

export type PutResult = { readonly created: true } | { readonly created: false; readonly existing: InboundEvent };

export type LeaseResult =
  | { readonly acquired: true; readonly event: InboundEvent }
  | { readonly acquired: false; readonly current: InboundEvent | undefined };

const EVENT_SK = 'EVENT';

export function eventKey(source: string, eventId: string): { pk: string; sk: string } {
  return { pk: `EVENT#${source}#${eventId}`, sk: EVENT_SK };
}

/**
 * Reads and writes inbound event records.
 *
 * @example
 * const store = new EventStore(documentClient, 'webhooks-table');
 * const result = await store.putNew(event, { owner: requestId, nowMs, enqueueLeaseMs: 15_000, expiresAt });
 */
export class EventStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Writes the record unless one with the same source and id exists (the dedupe). The writer
   * holds the enqueue lease, so concurrent copies do not enqueue the event again.
   */
  async putNew(
    event: NewInboundEvent,
    options: { owner: string; nowMs: number; enqueueLeaseMs: number; expiresAt: number },
  ): Promise<PutResult> {
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
      ...bodyAttributes(event.body),
      ...(event.sourceIp ? { sourceIp: event.sourceIp } : {}),
      attempts: 0,
      enqueueOwner: options.owner,
      enqueueLeaseUntil: options.nowMs + options.enqueueLeaseMs,
      [TABLE.timeToLiveAttribute]: options.expiresAt,
    };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { created: true };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        const old = error.Item ? unmarshallEvent(unmarshall(error.Item)) : await this.get(event.source, event.eventId);
        if (old) return { created: false, existing: old };
      }
      throw error;
    }
  }

  /**
   * Takes the enqueue lease of an event still in `received` whose previous lease has lapsed
   * (its enqueue failed or its writer died). Returns false when someone else holds it or the
   * event has moved on.
   */
  async claimEnqueue(source: string, eventId: string, options: { owner: string; nowMs: number; enqueueLeaseMs: number }): Promise<boolean> {
    return this.conditionalUpdate({
      Key: eventKey(source, eventId),
      UpdateExpression: 'SET enqueueOwner = :owner, enqueueLeaseUntil = :until',
      ConditionExpression: '#status = :received AND (attribute_not_exists(enqueueLeaseUntil) OR enqueueLeaseUntil < :now)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':owner': options.owner, ':until': options.nowMs + options.enqueueLeaseMs, ':now': options.nowMs, ':received': 'received' },
    });
  }

  /** Gives the enqueue lease back after a failed enqueue, so the provider's retry can take it at once. */
  async releaseEnqueue(source: string, eventId: string, owner: string): Promise<void> {
    await this.conditionalUpdate({
      Key: eventKey(source, eventId),
      UpdateExpression: 'SET enqueueLeaseUntil = :zero',
      ConditionExpression: '#status = :received AND enqueueOwner = :owner',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':zero': 0, ':owner': owner, ':received': 'received' },
    });
  }

  /** Records that the event reached the queue. A no-op when processing already moved it on. */
  async markQueued(source: string, eventId: string, now: Date): Promise<void> {
    await this.conditionalUpdate({
      Key: eventKey(source, eventId),
      UpdateExpression: 'SET #status = :queued, updatedAt = :now REMOVE enqueueOwner, enqueueLeaseUntil',
      ConditionExpression: '#status = :received',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':queued': 'queued', ':received': 'received', ':now': now.toISOString() },
    });
  }

  /**
   * Takes the processing lease: from `received`, `queued` or `failed` (a redrive), or from
   * `processing` whose lease has lapsed (a crashed attempt). A processed event is leased again
   * only for an explicit replay.
   */
  async acquireLease(source: string, eventId: string, options: { owner: string; now: Date; leaseMs: number; replay?: boolean }): Promise<LeaseResult> {
    const nowMs = options.now.getTime();
    const leasable = options.replay ? '(:received, :queued, :failed, :processed)' : '(:received, :queued, :failed)';
    try {
      const result = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: eventKey(source, eventId),
          UpdateExpression: 'SET #status = :processing, leaseOwner = :owner, leaseUntil = :until, updatedAt = :now ADD attempts :one',
          ConditionExpression:
            `attribute_exists(pk) AND (#status IN ${leasable} OR (#status = :processing AND leaseUntil < :nowMs))`,
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
      return { acquired: true, event: unmarshallEvent(result.Attributes ?? {}) };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        return { acquired: false, current: error.Item ? unmarshallEvent(unmarshall(error.Item)) : undefined };
      }
      throw error;
    }
  }

  /** `processing` → `processed`, only by the lease holder. Returns false if the lease was lost. */
  async markProcessed(source: string, eventId: string, owner: string, now: Date): Promise<boolean> {
    return this.conditionalUpdate({
      Key: eventKey(source, eventId),
      UpdateExpression: 'SET #status = :processed, processedAt = :now, updatedAt = :now REMOVE leaseOwner, leaseUntil, lastError',
      ConditionExpression: '#status = :processing AND leaseOwner = :owner',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':processed': 'processed', ':processing': 'processing', ':owner': owner, ':now': now.toISOString() },
    });
  }

  /**
   * Ends a failed attempt. `terminal` marks the event `failed` (it will not be retried by the
   * queue); otherwise it goes back to `queued` with the error, for the queue's next delivery.
   */
  async markAttemptFailed(
    source: string,
    eventId: string,
    owner: string,
    options: { now: Date; error: string; terminal: boolean; deadLettered: boolean },
  ): Promise<boolean> {
    const status: EventStatus = options.terminal ? 'failed' : 'queued';
    return this.conditionalUpdate({
      Key: eventKey(source, eventId),
      UpdateExpression: options.terminal
        ? 'SET #status = :status, lastError = :error, failedAt = :now, updatedAt = :now, deadLettered = :dl REMOVE leaseOwner, leaseUntil'
        : 'SET #status = :status, lastError = :error, updatedAt = :now REMOVE leaseOwner, leaseUntil',
      ConditionExpression: '#status = :processing AND leaseOwner = :owner',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':status': status,
        ':processing': 'processing',
        ':owner': owner,
        ':error': options.error.slice(0, 1000),
        ':now': options.now.toISOString(),
        ...(options.terminal ? { ':dl': options.deadLettered } : {}),
      },
    });
  }

  async get(source: string, eventId: string): Promise<InboundEvent | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: eventKey(source, eventId), ConsistentRead: true }));
    return result.Item ? unmarshallEvent(result.Item) : undefined;
  }

  /**
   * Newest first, optionally filtered by status and a lower bound on `receivedAt`.
   * `cursor` is the opaque value returned as `nextCursor` by the previous page.
   */
  async list(
    source: string,
    options: { status?: EventStatus; since?: string; limit: number; cursor?: string },
  ): Promise<{ events: InboundEvent[]; nextCursor?: string }> {
    const page = await queryIndex(this.db, this.tableName, `SOURCE#${source}`, {
      newestFirst: true,
      limit: options.limit,
      ...(options.since ? { since: options.since } : {}),
      ...(options.status ? { status: options.status } : {}),
      ...(options.cursor ? { cursor: decodeCursor(options.cursor) } : {}),
    });
    return { events: page.items.map(unmarshallEvent), ...(page.next ? { nextCursor: encodeCursor(page.next) } : {}) };
  }

  private async conditionalUpdate(input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName'>): Promise<boolean> {
    try {
      await this.db.send(new UpdateCommand({ TableName: this.tableName, ...input }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

function bodyAttributes(body: StoredBody): Record<string, unknown> {
  return body.kind === 'inline' ? { body: body.data, bodyEncoding: body.encoding } : { bodyKey: body.key };
}

function unmarshallEvent(item: Record<string, unknown>): InboundEvent {
  const body: StoredBody =
    typeof item.bodyKey === 'string'
      ? { kind: 'object', key: item.bodyKey }
      : { kind: 'inline', encoding: item.bodyEncoding === 'gzip' ? 'gzip' : 'identity', data: (item.body as Uint8Array | undefined) ?? new Uint8Array() };
  return {
    source: String(item.source),
    eventId: String(item.eventId),
    eventType: String(item.eventType),
    status: item.status as EventStatus,
    receivedAt: String(item.receivedAt),
    updatedAt: String(item.updatedAt),
    headers: (item.headers as Record<string, string> | undefined) ?? {},
    bodyBytes: Number(item.bodyBytes ?? 0),
    body,
    ...(typeof item.sourceIp === 'string' ? { sourceIp: item.sourceIp } : {}),
    attempts: Number(item.attempts ?? 0),
    ...(typeof item.lastError === 'string' ? { lastError: item.lastError } : {}),
    ...(typeof item.processedAt === 'string' ? { processedAt: item.processedAt } : {}),
    ...(typeof item.failedAt === 'string' ? { failedAt: item.failedAt } : {}),
    ...(typeof item.deadLettered === 'boolean' ? { deadLettered: item.deadLettered } : {}),
  };
}
