/**
 * Deliveries and their attempts in DynamoDB, the adapter behind `DeliveryStore`
 * (shared/outbound/delivery-store.ts). Each transition is one conditional update whose condition
 * is the transition's guard: `attempts` still equals the writer's attempt, and the status is one
 * it may leave.
 *
 * Items, in the message's partition: delivery pk `MESSAGE#<id>`, sk `DELIVERY#<endpoint>`, index
 * gsi1 `DELIVERIES#<endpoint>` / `<createdAt>#<messageId>`; attempt sk `ATTEMPT#<endpoint>#<0001>`.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AttemptGuard, DeliveryRef, DeliveryStore } from '../../outbound/delivery-store';
import type { Attempt, Delivery, DeliveryStatus } from '../../outbound/model';
import { TABLE } from '../table';
import { conditionalWrite } from './conditional-write';
import { queryIndex } from './index-query';
import { withoutKeys } from './items';
import { queryPartition } from './partition-query';
import { fitsPartitionKey, fitsSortKey } from '../dynamodb-limits';
import { TableAdapter } from './table-adapter';

function deliveryKey(messageId: string, endpointId: string): { pk: string; sk: string } {
  return { pk: `MESSAGE#${messageId}`, sk: `DELIVERY#${endpointId}` };
}

/** What a transition writes besides the status: `null` removes an attribute. */
interface TransitionFields {
  readonly now: Date;
  readonly lastStatusCode?: number;
  readonly lastError?: string | null;
  readonly nextAttemptAt?: string | null;
  readonly succeededAt?: string;
}

export class DynamoDbDeliveryStore extends TableAdapter implements DeliveryStore {
  async createDelivery(delivery: Delivery, expiresAt: number): Promise<{ delivery: Delivery; created: boolean }> {
    const result = await conditionalWrite(
      this.db,
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...deliveryKey(delivery.messageId, delivery.endpointId),
          gsi1pk: `DELIVERIES#${delivery.endpointId}`,
          gsi1sk: `${delivery.createdAt}#${delivery.messageId}`,
          kind: 'delivery',
          ...delivery,
          [TABLE.timeToLiveAttribute]: expiresAt,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    if (result.written) return { delivery, created: true };
    const existing = result.current ? withoutKeys<Delivery>(result.current) : await this.getDelivery(delivery.messageId, delivery.endpointId);
    if (!existing) throw new Error(`delivery ${delivery.messageId} → ${delivery.endpointId} exists but could not be read`);
    return { delivery: existing, created: false };
  }

  async getDelivery(messageId: string, endpointId: string): Promise<Delivery | undefined> {
    const key = deliveryKey(messageId, endpointId);
    if (!fitsPartitionKey(key.pk) || !fitsSortKey(key.sk)) return undefined;
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: deliveryKey(messageId, endpointId), ConsistentRead: true }));
    return Item ? withoutKeys<Delivery>(Item) : undefined;
  }

  async listDeliveries(messageId: string): Promise<Delivery[]> {
    return (await queryPartition(this.db, this.tableName, `MESSAGE#${messageId}`, 'DELIVERY#')).map((item) => withoutKeys<Delivery>(item));
  }

  async listEndpointDeliveries(
    endpointId: string,
    options: { since?: string; status?: DeliveryStatus; limit?: number; cursor?: Record<string, unknown> } = {},
  ): Promise<{ deliveries: Delivery[]; next?: Record<string, unknown> }> {
    const page = await queryIndex(this.db, this.tableName, `DELIVERIES#${endpointId}`, { newestFirst: true, ...options });
    return { deliveries: page.items.map((item) => withoutKeys<Delivery>(item)), ...(page.next ? { next: page.next } : {}) };
  }

  async beginAttempt(ref: DeliveryRef, from: readonly DeliveryStatus[], now: Date, options: { onlyIfUpdatedAt?: string } = {}): Promise<number | undefined> {
    const allowed = statusValues(from);
    const seen = options.onlyIfUpdatedAt === undefined ? {} : { ':seen': options.onlyIfUpdatedAt };
    const result = await conditionalWrite(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: deliveryKey(ref.messageId, ref.endpointId),
        UpdateExpression: 'SET attempts = attempts + :one, updatedAt = :now',
        ConditionExpression: `attribute_exists(pk) AND #status IN (${Object.keys(allowed).join(', ')})${options.onlyIfUpdatedAt === undefined ? '' : ' AND updatedAt = :seen'}`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':one': 1, ':now': now.toISOString(), ...allowed, ...seen },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return result.written ? Number(result.output.Attributes?.attempts) : undefined;
  }

  async recordAttempt(attempt: Attempt, expiresAt: number): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `MESSAGE#${attempt.messageId}`,
          sk: `ATTEMPT#${attempt.endpointId}#${String(attempt.attempt).padStart(4, '0')}`,
          kind: 'attempt',
          ...attempt,
          [TABLE.timeToLiveAttribute]: expiresAt,
        },
      }),
    );
  }

  async listAttempts(messageId: string, endpointId?: string): Promise<Attempt[]> {
    const items = await queryPartition(this.db, this.tableName, `MESSAGE#${messageId}`, endpointId ? `ATTEMPT#${endpointId}#` : 'ATTEMPT#');
    return items.map((item) => withoutKeys<Attempt>(item));
  }

  succeed(ref: DeliveryRef, guard: AttemptGuard, fields: { now: Date; statusCode: number }): Promise<boolean> {
    return this.transition(ref, guard, 'succeeded', {
      now: fields.now,
      lastStatusCode: fields.statusCode,
      succeededAt: fields.now.toISOString(),
      lastError: null,
      nextAttemptAt: null,
    });
  }

  scheduleRetry(ref: DeliveryRef, guard: AttemptGuard, fields: { now: Date; statusCode: number; error: string; nextAttemptAt: string }): Promise<boolean> {
    return this.transition(ref, guard, 'retrying', {
      now: fields.now,
      lastStatusCode: fields.statusCode,
      lastError: fields.error,
      nextAttemptAt: fields.nextAttemptAt,
    });
  }

  fail(ref: DeliveryRef, guard: AttemptGuard, fields: { now: Date; statusCode?: number; error: string }): Promise<boolean> {
    return this.transition(ref, guard, 'failed', {
      now: fields.now,
      ...(fields.statusCode === undefined ? {} : { lastStatusCode: fields.statusCode }),
      lastError: fields.error,
      nextAttemptAt: null,
    });
  }

  exhaust(ref: DeliveryRef, guard: AttemptGuard, fields: { now: Date; statusCode: number; error: string }): Promise<boolean> {
    return this.transition(ref, guard, 'exhausted', { now: fields.now, lastStatusCode: fields.statusCode, lastError: fields.error, nextAttemptAt: null });
  }

  async returnAttempt(ref: DeliveryRef, guard: AttemptGuard, fields: { now: Date; nextAttemptAt: string }): Promise<boolean> {
    const allowed = statusValues(guard.from);
    const result = await conditionalWrite(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: deliveryKey(ref.messageId, ref.endpointId),
        UpdateExpression: 'SET attempts = :back, #status = :retrying, nextAttemptAt = :next, updatedAt = :now',
        ConditionExpression: `attribute_exists(pk) AND attempts = :attempt AND #status IN (${Object.keys(allowed).join(', ')})`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':back': guard.attempt - 1,
          ':attempt': guard.attempt,
          ':retrying': 'retrying',
          ':next': fields.nextAttemptAt,
          ':now': fields.now.toISOString(),
          ...allowed,
        },
      }),
    );
    return result.written;
  }

  noteManualFailure(ref: DeliveryRef, guard: AttemptGuard, fields: { now: Date; statusCode: number; error: string }): Promise<boolean> {
    return this.transition(ref, guard, undefined, { now: fields.now, lastStatusCode: fields.statusCode, lastError: fields.error });
  }

  /** One guarded update: `to` becomes the status (undefined keeps it), `fields` are set or (null) removed. */
  private async transition(ref: DeliveryRef, guard: AttemptGuard, to: DeliveryStatus | undefined, fields: TransitionFields): Promise<boolean> {
    const allowed = statusValues(guard.from);
    const set = ['updatedAt = :now', ...(to ? ['#status = :to'] : [])];
    const remove: string[] = [];
    const values: Record<string, unknown> = { ':now': fields.now.toISOString(), ':attempt': guard.attempt, ...allowed, ...(to ? { ':to': to } : {}) };
    for (const field of ['lastStatusCode', 'lastError', 'nextAttemptAt', 'succeededAt'] as const) {
      const value = fields[field];
      if (value === null) remove.push(field);
      else if (value !== undefined) {
        set.push(`${field} = :${field}`);
        values[`:${field}`] = value;
      }
    }
    const result = await conditionalWrite(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: deliveryKey(ref.messageId, ref.endpointId),
        UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
        ConditionExpression: `attribute_exists(pk) AND attempts = :attempt AND #status IN (${Object.keys(allowed).join(', ')})`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: values,
      }),
    );
    return result.written;
  }
}

/** `{ ':s0': 'pending', ':s1': 'retrying' }` for an `IN (…)` condition. */
function statusValues(statuses: readonly DeliveryStatus[]): Record<string, DeliveryStatus> {
  return Object.fromEntries(statuses.map((status, index) => [`:s${index}`, status]));
}
