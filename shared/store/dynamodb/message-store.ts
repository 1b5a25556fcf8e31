/**
 * Messages and idempotency keys in DynamoDB, the adapter behind `MessageStore`
 * (shared/outbound/message-store.ts).
 *
 * Items: message pk `MESSAGE#<id>`, sk `MESSAGE`, index gsi1 `MESSAGES` / `<createdAt>#<id>`;
 * idempotency key pk `IDEMPOTENCY#<tenant>#<key>`, sk `IDEMPOTENCY` (TTL).
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { MessageStore } from '../../outbound/message-store';
import type { Message } from '../../outbound/model';
import { TABLE } from '../table';
import { epochSeconds, expiresAfter } from '../ttl';
import { conditionalWrite } from './conditional-write';
import { queryIndex } from './index-query';
import { withoutKeys } from './items';
import { fitsPartitionKey } from '../dynamodb-limits';
import { TableAdapter } from './table-adapter';

function messageKey(id: string): { pk: string; sk: string } {
  return { pk: `MESSAGE#${id}`, sk: 'MESSAGE' };
}

function idempotencyKey(tenantId: string | undefined, key: string): { pk: string; sk: string } {
  return { pk: `IDEMPOTENCY#${tenantId ?? '-'}#${key}`, sk: 'IDEMPOTENCY' };
}

export class DynamoDbMessageStore extends TableAdapter implements MessageStore {
  async claimIdempotencyKey(tenantId: string | undefined, key: string, messageId: string, now: Date, ttlSeconds: number): Promise<string> {
    const result = await conditionalWrite(
      this.db,
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...idempotencyKey(tenantId, key),
          kind: 'idempotency-key',
          messageId,
          claimedAt: now.toISOString(),
          [TABLE.timeToLiveAttribute]: expiresAfter(now, { seconds: ttlSeconds }),
        },
        // TTL deletion lags: an expired claim is treated as absent.
        ConditionExpression: 'attribute_not_exists(pk) OR #ttl < :now',
        ExpressionAttributeNames: { '#ttl': TABLE.timeToLiveAttribute },
        ExpressionAttributeValues: { ':now': epochSeconds(now) },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    if (result.written) return messageId;
    const claimed =
      result.current ?? (await this.db.send(new GetCommand({ TableName: this.tableName, Key: idempotencyKey(tenantId, key), ConsistentRead: true }))).Item;
    if (!claimed?.messageId) throw new Error('idempotency key is claimed but could not be read');
    return String(claimed.messageId);
  }

  async putMessage(message: Message, expiresAt: number): Promise<boolean> {
    const result = await conditionalWrite(
      this.db,
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
    return result.written;
  }

  async getMessage(id: string): Promise<Message | undefined> {
    if (!fitsPartitionKey(messageKey(id).pk)) return undefined;
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: messageKey(id), ConsistentRead: true }));
    return Item ? withoutKeys<Message>(Item) : undefined;
  }

  async listMessages(options: {
    limit: number;
    since?: string;
    cursor?: Record<string, unknown>;
  }): Promise<{ messages: Message[]; next?: Record<string, unknown> }> {
    const page = await queryIndex(this.db, this.tableName, 'MESSAGES', { newestFirst: true, ...options });
    return { messages: page.items.map((item) => withoutKeys<Message>(item)), ...(page.next ? { next: page.next } : {}) };
  }
}
