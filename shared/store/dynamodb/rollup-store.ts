/**
 * Rollups of the status log in the table, the adapter behind `RollupStore` (shared/status/stats.ts): pk `STATS#<minute>` or
 * `STATS#<quarter start>+15`, sk `ROLLUP`, written (25 to a BatchWriteItem) once their span is
 * closed, and kept a little longer than the log itself.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MinuteRollup, RollupStore } from '../../status/stats';
import { TABLE } from '../table';
import { expiresAfter } from '../ttl';
import { batchGet } from './index-query';

const KEEP_SECONDS = 25 * 3600;
const SK = 'ROLLUP';

function rollupKey(minute: string): { pk: string; sk: string } {
  return { pk: `STATS#${minute}`, sk: SK };
}

export class DynamoDbRollupStore implements RollupStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getMany(keys: readonly string[]): Promise<Map<string, MinuteRollup>> {
    const items = await batchGet(this.db, this.tableName, keys.map(rollupKey));
    const found = new Map<string, MinuteRollup>();
    for (const item of items) {
      const key = String(item.pk).slice('STATS#'.length);
      const rollup = item.rollup as Partial<MinuteRollup> | undefined;
      found.set(key, { inbound: rollup?.inbound ?? {}, outbound: rollup?.outbound ?? {} });
    }
    return found;
  }

  async putMany(entries: ReadonlyArray<readonly [string, MinuteRollup]>): Promise<void> {
    for (let i = 0; i < entries.length; i += 25) {
      let pending: Array<Record<string, unknown>> | undefined = entries.slice(i, i + 25).map(([key, rollup]) => ({
        PutRequest: {
          Item: {
            ...rollupKey(key),
            kind: 'status-rollup',
            rollup,
            [TABLE.timeToLiveAttribute]: expiresAfter(Date.parse(`${key.slice(0, 16)}:00Z`), { seconds: KEEP_SECONDS }),
          },
        },
      }));
      // A rollup not written is computed again next time: a few rounds, then leave the rest.
      for (let round = 0; pending?.length && round < 3; round++) {
        const result = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending as never } }));
        pending = result.UnprocessedItems?.[this.tableName] as Array<Record<string, unknown>> | undefined;
      }
    }
  }
}
