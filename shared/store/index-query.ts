/**
 * Reading one partition of the table's index (`gsi1`): the listings of events per source,
 * endpoints, messages and deliveries per endpoint all use it, sorted by time.
 */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE } from './table';

export interface IndexPage {
  readonly items: Record<string, unknown>[];
  /** The key to pass as `cursor` for the next page, when there is one. */
  readonly next?: Record<string, unknown>;
}

export async function queryIndex(
  db: DynamoDBDocumentClient,
  tableName: string,
  partition: string,
  options: { newestFirst?: boolean; since?: string; status?: string; limit?: number; cursor?: Record<string, unknown> } = {},
): Promise<IndexPage> {
  const index = TABLE.indexes[0];
  const result = await db.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: index.indexName,
      KeyConditionExpression: options.since ? '#pk = :pk AND #sk >= :since' : '#pk = :pk',
      ...(options.status ? { FilterExpression: '#status = :status' } : {}),
      ExpressionAttributeNames: {
        '#pk': index.partitionKey,
        ...(options.since ? { '#sk': index.sortKey } : {}),
        ...(options.status ? { '#status': 'status' } : {}),
      },
      ExpressionAttributeValues: {
        ':pk': partition,
        ...(options.since ? { ':since': options.since } : {}),
        ...(options.status ? { ':status': options.status } : {}),
      },
      ScanIndexForward: !options.newestFirst,
      ...(options.limit ? { Limit: options.limit } : {}),
      ...(options.cursor ? { ExclusiveStartKey: options.cursor } : {}),
    }),
  );
  return { items: result.Items ?? [], ...(result.LastEvaluatedKey ? { next: result.LastEvaluatedKey } : {}) };
}
