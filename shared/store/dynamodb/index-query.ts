/**
 * Reading one partition of the table's index (`gsi1`, keys only): the listings of events per
 * source, endpoints, messages and deliveries per endpoint all use it, sorted by time. The page's
 * items are then read with one BatchGetItem; a status filter applies to the items of the page.
 */
import { BatchGetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../../errors';
import { fitsPartitionKey, fitsSortKey } from '../dynamodb-limits';
import { TABLE } from '../table';

export interface IndexPage {
  readonly items: Record<string, unknown>[];
  /** The key to pass as `cursor` for the next page, when there is one. */
  readonly next?: Record<string, unknown>;
}

export async function queryIndex(
  db: DynamoDBDocumentClient,
  tableName: string,
  partition: string,
  options: { newestFirst?: boolean; since?: string; until?: string; status?: string; limit?: number; cursor?: Record<string, unknown> } = {},
): Promise<IndexPage> {
  const index = TABLE.indexes[0];
  if (options.cursor) checkCursor(options.cursor, partition);
  // No item has a key DynamoDB would refuse (an id of any length may be asked for).
  if (!fitsPartitionKey(partition)) return { items: [] };
  const result = await db.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: index.indexName,
      KeyConditionExpression: keyCondition(options),
      ExpressionAttributeNames: { '#pk': index.partitionKey, ...(options.since || options.until ? { '#sk': index.sortKey } : {}) },
      ExpressionAttributeValues: {
        ':pk': partition,
        ...(options.since ? { ':since': options.since } : {}),
        ...(options.until ? { ':until': options.until } : {}),
      },
      ScanIndexForward: !options.newestFirst,
      ...(options.limit ? { Limit: options.limit } : {}),
      ...(options.cursor ? { ExclusiveStartKey: options.cursor } : {}),
    }),
  );
  const keys = (result.Items ?? []).map((item) => ({ [TABLE.partitionKey]: item[TABLE.partitionKey], [TABLE.sortKey]: item[TABLE.sortKey] }));
  const items = (await batchGet(db, tableName, keys)).filter((item) => !options.status || item.status === options.status);
  return { items, ...(result.LastEvaluatedKey ? { next: result.LastEvaluatedKey } : {}) };
}

/** The partition, and the sort key's range when bounded (`since` and `until` both inclusive). */
function keyCondition(options: { since?: string; until?: string }): string {
  if (options.since && options.until) return '#pk = :pk AND #sk BETWEEN :since AND :until';
  if (options.since) return '#pk = :pk AND #sk >= :since';
  if (options.until) return '#pk = :pk AND #sk <= :until';
  return '#pk = :pk';
}

/**
 * A cursor must be a start key this listing could have returned: exactly the table's and the
 * index's key attributes, strings DynamoDB would take as keys, in the partition being read. A
 * cursor forged, truncated or taken from another listing is a 400 (`invalid_cursor`), never a
 * request DynamoDB refuses.
 */
function checkCursor(cursor: Record<string, unknown>, partition: string): void {
  const index = TABLE.indexes[0];
  const names = [TABLE.partitionKey, TABLE.sortKey, index.partitionKey, index.sortKey];
  const valid =
    Object.keys(cursor).length === names.length &&
    names.every((name) => typeof cursor[name] === 'string') &&
    cursor[index.partitionKey] === partition &&
    fitsPartitionKey(cursor[TABLE.partitionKey] as string) &&
    fitsSortKey(cursor[TABLE.sortKey] as string) &&
    fitsSortKey(cursor[index.sortKey] as string);
  if (!valid) throw new ValidationError('cursor is not one this API returned for this listing', 'invalid_cursor');
}

/** The items for `keys`, in the same order (items deleted meanwhile are left out). */
export async function batchGet(db: DynamoDBDocumentClient, tableName: string, keys: Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  const found = new Map<string, Record<string, unknown>>();
  const id = (item: Record<string, unknown>) => `${String(item[TABLE.partitionKey])}\u0000${String(item[TABLE.sortKey])}`;
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Record<string, unknown>[] | undefined = keys.slice(i, i + 100);
    for (let round = 0; pending?.length && round < 5; round++) {
      const result = await db.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending } } }));
      for (const item of result.Responses?.[tableName] ?? []) found.set(id(item), item);
      pending = result.UnprocessedKeys?.[tableName]?.Keys as Record<string, unknown>[] | undefined;
    }
  }
  return keys.map((key) => found.get(id(key))).filter((item): item is Record<string, unknown> => item !== undefined);
}
