/**
 * Body digests held for a source's replay window, the adapter behind `ReplayDigestStore`
 * (shared/inbound/replay-window.ts). Item: pk `REPLAY#<source>#<sha256 hex>`, sk `DIGEST`; taken
 * with one conditional put (absent, or its window over); DynamoDB's TTL removes it later.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ReplayDigestStore } from '../../inbound/replay-window';
import { TABLE } from '../table';
import { conditionalWrite } from './conditional-write';
import { TableAdapter } from './table-adapter';

export class DynamoDbReplayDigestStore extends TableAdapter implements ReplayDigestStore {
  async claim(source: string, digest: string, eventId: string, options: { readonly nowMs: number; readonly untilMs: number }): Promise<string> {
    const result = await conditionalWrite(
      this.db,
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `REPLAY#${source}#${digest}`,
          sk: 'DIGEST',
          kind: 'replay-digest',
          eventId,
          untilMs: options.untilMs,
          [TABLE.timeToLiveAttribute]: Math.ceil(options.untilMs / 1000) + 3600,
        },
        ConditionExpression: 'attribute_not_exists(pk) OR untilMs < :now OR eventId = :id',
        ExpressionAttributeValues: { ':now': options.nowMs, ':id': eventId },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return result.written ? eventId : String(result.current?.eventId ?? eventId);
  }
}
