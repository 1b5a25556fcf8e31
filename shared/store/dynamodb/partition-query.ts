/** Reading a whole partition of the table (every page), strongly consistent, in sort-key order. */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { fitsPartitionKey, fitsSortKey } from '../dynamodb-limits';

/**
 * Every item of partition `pk`, or only those whose sort key begins with `skPrefix`.
 *
 * @example
 * const attempts = await queryPartition(db, tableName, `MESSAGE#${messageId}`, 'ATTEMPT#');
 */
export async function queryPartition(db: DynamoDBDocumentClient, tableName: string, pk: string, skPrefix?: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  // No item has a key DynamoDB would refuse to read (an id of any length may be asked for).
  if (!fitsPartitionKey(pk) || (skPrefix !== undefined && !fitsSortKey(skPrefix))) return items;
  let cursor: Record<string, unknown> | undefined;
  do {
    const result = await db.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: skPrefix === undefined ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ...(skPrefix === undefined ? {} : { ':prefix': skPrefix }) },
        ConsistentRead: true,
        ...(cursor ? { ExclusiveStartKey: cursor } : {}),
      }),
    );
    items.push(...(result.Items ?? []));
    cursor = result.LastEvaluatedKey;
  } while (cursor);
  return items;
}
