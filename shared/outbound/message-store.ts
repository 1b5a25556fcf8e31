/**
 * Messages, their deliveries and attempts in DynamoDB. Every write that may be repeated (a
 * redelivered queue message, a retried publish) is conditional, so repeating it changes nothing.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryIndex } from '../store/index-query';
import { TABLE } from '../store/table';
import type { Attempt, Delivery, DeliveryStatus, Message } from './model';

export function messageKey(id: string): { pk: string; sk: string } {
  return { pk: `MESSAGE#${id}`, sk: 'MESSAGE' };
}

function deliveryKey(messageId: string, endpointId: string): { pk: string; sk: string } {
  return { pk: `MESSAGE#${messageId}`, sk: `DELIVERY#${endpointId}` };
}

function idempotencyKey(tenantId: string | undefined, key: string): { pk: string; sk: string } {
  return { pk: `IDEMPOTENCY#${tenantId ?? '-'}#${key}`, sk: 'IDEMPOTENCY' };
}

export class MessageStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Claims an idempotency key for `messageId` for `ttlSeconds`. Returns the message id the key
   * belongs to: `messageId` when the claim is new, the earlier message's id otherwise.
   */
  async claimIdempotencyKey(tenantId: string | undefined, key: string, messageId: string, now: Date, ttlSeconds: number): Promise<string> {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...idempotencyKey(tenantId, key), kind: 'idempotency-key', messageId, claimedAt: now.toISOString(), [TABLE.timeToLiveAttribute]: nowSeconds + ttlSeconds },
          // TTL deletion lags: an expired claim is treated as absent.
          ConditionExpression: 'attribute_not_exists(pk) OR #ttl < :now',
          ExpressionAttributeNames: { '#ttl': TABLE.timeToLiveAttribute },
          ExpressionAttributeValues: { ':now': nowSeconds },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return messageId;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: idempotencyKey(tenantId, key), ConsistentRead: true }));
        if (Item?.messageId) return String(Item.messageId);
      }
      throw error;
    }
  }

  /** Stores a message unless one with its id exists; returns whether it was created. */
  async putMessage(message: Message, expiresAt: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...messageKey(message.id),
            gsi1pk: 'MESSAGES',
            gsi1sk: `${message.createdAt}#${message.id}`,
            kind: 'message',
            ...message,
            [TABLE.timeToLiveAttribute]: expiresAt,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Messages newest first. */
  async listMessages(options: { limit: number; since?: string; cursor?: Record<string, unknown> }): Promise<{ messages: Message[]; next?: Record<string, unknown> }> {
    const page = await queryIndex(this.db, this.tableName, 'MESSAGES', { newestFirst: true, ...options });
    return { messages: page.items.map(toMessage), ...(page.next ? { next: page.next } : {}) };
  }

  async getMessage(id: string): Promise<Message | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: messageKey(id), ConsistentRead: true }));
    return Item ? toMessage(Item) : undefined;
  }

  /** Creates the delivery unless it exists; returns the stored one and whether this call created it. */
  async ensureDelivery(delivery: Delivery, expiresAt: number): Promise<{ delivery: Delivery; created: boolean }> {
    try {
      await this.db.send(
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
        }),
      );
      return { delivery, created: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = await this.getDelivery(delivery.messageId, delivery.endpointId);
      if (!existing) throw error;
      return { delivery: existing, created: false };
    }
  }

  async getDelivery(messageId: string, endpointId: string): Promise<Delivery | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: deliveryKey(messageId, endpointId), ConsistentRead: true }));
    return Item ? toDelivery(Item) : undefined;
  }

  async listDeliveries(messageId: string): Promise<Delivery[]> {
    const items = await this.queryPartition(`MESSAGE#${messageId}`, 'DELIVERY#');
    return items.map(toDelivery);
  }

  /** Deliveries to one endpoint, newest first, optionally since a time and of a status. */
  async listEndpointDeliveries(
    endpointId: string,
    options: { since?: string; status?: DeliveryStatus; limit?: number; cursor?: Record<string, unknown> } = {},
  ): Promise<{ deliveries: Delivery[]; next?: Record<string, unknown> }> {
    const page = await queryIndex(this.db, this.tableName, `DELIVERIES#${endpointId}`, { newestFirst: true, ...options });
    return { deliveries: page.items.map(toDelivery), ...(page.next ? { next: page.next } : {}) };
  }

  /**
   * Takes the next attempt number of a delivery in one of `from` statuses (and, with
   * `onlyIfUpdatedAt`, unchanged since it was read). Returns the number, or undefined when the
   * delivery has moved on.
   */
  async beginAttempt(
    messageId: string,
    endpointId: string,
    from: readonly DeliveryStatus[],
    now: Date,
    options: { onlyIfUpdatedAt?: string } = {},
  ): Promise<number | undefined> {
    const allowed = Object.fromEntries(from.map((status, index) => [`:s${index}`, status]));
    const guard = options.onlyIfUpdatedAt === undefined ? {} : { ':seen': options.onlyIfUpdatedAt };
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: deliveryKey(messageId, endpointId),
          UpdateExpression: 'SET attempts = attempts + :one, updatedAt = :now',
          ConditionExpression: `attribute_exists(pk) AND #status IN (${Object.keys(allowed).join(', ')})${
            options.onlyIfUpdatedAt === undefined ? '' : ' AND updatedAt = :seen'
          }`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':one': 1, ':now': now.toISOString(), ...allowed, ...guard },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(Attributes?.attempts);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
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
    const items = await this.queryPartition(`MESSAGE#${messageId}`, endpointId ? `ATTEMPT#${endpointId}#` : 'ATTEMPT#');
    return items.map((item) => {
      const { pk: _pk, sk: _sk, kind: _k, [TABLE.timeToLiveAttribute]: _ttl, ...attempt } = item;
      return attempt as unknown as Attempt;
    });
  }

  async setDeliveryStatus(
    messageId: string,
    endpointId: string,
    status: DeliveryStatus,
    fields: { now: Date; lastStatusCode?: number; lastError?: string | null; nextAttemptAt?: string | null },
  ): Promise<void> {
    const set = ['#status = :status', 'updatedAt = :now'];
    const remove: string[] = [];
    const values: Record<string, unknown> = { ':status': status, ':now': fields.now.toISOString() };
    if (fields.lastStatusCode !== undefined) {
      set.push('lastStatusCode = :code');
      values[':code'] = fields.lastStatusCode;
    }
    for (const field of ['lastError', 'nextAttemptAt'] as const) {
      const value = fields[field];
      if (value === null) remove.push(field);
      else if (value !== undefined) {
        set.push(`${field} = :${field}`);
        values[`:${field}`] = value;
      }
    }
    if (status === 'succeeded') {
      set.push('succeededAt = :now');
      remove.push('nextAttemptAt', 'lastError');
    }
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: deliveryKey(messageId, endpointId),
        UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${[...new Set(remove)].join(', ')}` : ''}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: values,
      }),
    );
  }

  /**
   * Marks a delivery `failed` with `reason`, only while it is in one of `from` (a delivery that
   * has since succeeded or was finished elsewhere is left alone). Returns whether it changed.
   */
  async failDeliveryIfIn(messageId: string, endpointId: string, from: readonly DeliveryStatus[], reason: string, now: Date): Promise<boolean> {
    const allowed = Object.fromEntries(from.map((status, index) => [`:s${index}`, status]));
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: deliveryKey(messageId, endpointId),
          UpdateExpression: 'SET #status = :failed, updatedAt = :now, lastError = :reason REMOVE nextAttemptAt',
          ConditionExpression: `attribute_exists(pk) AND #status IN (${Object.keys(allowed).join(', ')})`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':failed': 'failed', ':now': now.toISOString(), ':reason': reason, ...allowed },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private async queryPartition(pk: string, skPrefix: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
          ConsistentRead: true,
          ...(cursor ? { ExclusiveStartKey: cursor } : {}),
        }),
      );
      items.push(...(result.Items ?? []));
      cursor = result.LastEvaluatedKey;
    } while (cursor);
    return items;
  }
}

function toMessage(item: Record<string, unknown>): Message {
  const { pk: _pk, sk: _sk, gsi1pk: _a, gsi1sk: _b, kind: _k, [TABLE.timeToLiveAttribute]: _ttl, ...message } = item;
  return message as unknown as Message;
}

function toDelivery(item: Record<string, unknown>): Delivery {
  const { pk: _pk, sk: _sk, gsi1pk: _a, gsi1sk: _b, kind: _k, [TABLE.timeToLiveAttribute]: _ttl, ...delivery } = item;
  return delivery as unknown as Delivery;
}
