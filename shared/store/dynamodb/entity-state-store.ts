/**
 * Entity versions in DynamoDB, the adapter behind `EntityStateStore`
 * (shared/inbound/entity-state.ts): a newer version replaces the state in one conditional put.
 *
 * Item: pk `ENTITY#<kind>#<id>`, sk `STATE`.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { EntityState, EntityStateStore } from '../../inbound/entity-state';
import { conditionalWrite } from './conditional-write';
import { TableAdapter } from './table-adapter';

function entityKey(kind: string, id: string): { pk: string; sk: string } {
  return { pk: `ENTITY#${kind}#${id}`, sk: 'STATE' };
}

export class DynamoDbEntityStateStore extends TableAdapter implements EntityStateStore {
  async applyIfNewer<T extends Record<string, unknown>>(kind: string, id: string, version: number, state: T, now = new Date()): Promise<boolean> {
    const result = await conditionalWrite(
      this.db,
      new PutCommand({
        TableName: this.tableName,
        Item: { ...entityKey(kind, id), kind: 'entity-state', entityKind: kind, entityId: id, version, state, updatedAt: now.toISOString() },
        ConditionExpression: 'attribute_not_exists(pk) OR version < :version',
        ExpressionAttributeValues: { ':version': version },
      }),
    );
    return result.written;
  }

  async get<T = Record<string, unknown>>(kind: string, id: string): Promise<EntityState<T> | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: entityKey(kind, id), ConsistentRead: true }));
    if (!result.Item) return undefined;
    return { kind, id, version: Number(result.Item.version), state: result.Item.state as T, updatedAt: String(result.Item.updatedAt) };
  }
}
