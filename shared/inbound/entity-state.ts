/**
 * Out-of-order safety for handlers. Providers deliver at least once and in no particular
 * order, so a handler must not let an older event overwrite newer state. `applyIfNewer` writes an
 * entity's state only when its version (the provider's own timestamp or sequence) is newer than
 * what is stored, as one conditional write.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface EntityState<T = Record<string, unknown>> {
  readonly kind: string;
  readonly id: string;
  readonly version: number;
  readonly state: T;
  readonly updatedAt: string;
}

function entityKey(kind: string, id: string): { pk: string; sk: string } {
  return { pk: `ENTITY#${kind}#${id}`, sk: 'STATE' };
}

export class EntityStateStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Stores `state` as the entity's state if `version` is greater than the stored version (or
   * nothing is stored). Returns whether it was applied; an older or equal version is ignored.
   *
   * @example
   * await entities.applyIfNewer('stripe.subscription', sub.id, event.created, { status: sub.status });
   */
  async applyIfNewer<T extends Record<string, unknown>>(kind: string, id: string, version: number, state: T, now = new Date()): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...entityKey(kind, id), kind: 'entity-state', entityKind: kind, entityId: id, version, state, updatedAt: now.toISOString() },
          ConditionExpression: 'attribute_not_exists(pk) OR version < :version',
          ExpressionAttributeValues: { ':version': version },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async get<T = Record<string, unknown>>(kind: string, id: string): Promise<EntityState<T> | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: entityKey(kind, id), ConsistentRead: true }));
    if (!result.Item) return undefined;
    return { kind, id, version: Number(result.Item.version), state: result.Item.state as T, updatedAt: String(result.Item.updatedAt) };
  }
}
