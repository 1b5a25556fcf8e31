/** What every adapter of the one table holds: the document client and the table's name. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export abstract class TableAdapter {
  /**
   * @example
   * const store = new DynamoDbEventStore(documentClient, 'webhooks-table');
   */
  constructor(
    protected readonly db: DynamoDBDocumentClient,
    protected readonly tableName: string,
  ) {}
}
