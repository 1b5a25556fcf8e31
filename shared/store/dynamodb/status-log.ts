/**
 * The status log in DynamoDB, the adapter behind `StatusLog` (shared/status/status-log.ts).
 *
 * Items: pk `STATUS#<minute>#<shard>` (e.g. `STATUS#2026-11-23T06:49#7`), sk `<ISO time>#<random>`.
 * Each entry goes to one of `STATUS_SHARDS` partitions of its minute, picked by its random
 * suffix, so no one partition key takes every write of a minute: DynamoDB serves at most 1,000
 * write units a second per partition (README, "Throughput ceiling"), and the log's ceiling is
 * that many times `STATUS_SHARDS`. A reader queries every shard of a minute and merges them by
 * sort key (time, then the random suffix), which orders entries exactly as one partition did.
 *
 * An entry's id is `<minute>|<sk>`, so a reader resuming from `Last-Event-ID` knows where to start
 * and reads forward in order. Writers' clocks differ a little: a reader only hands out entries
 * older than `settleMs`, so one written a moment "in the past" is not skipped.
 */
import { randomBytes } from 'node:crypto';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { StatusChange, StatusChangeType, StatusEntry, StatusLog } from '../../status/status-log';
import { TABLE } from '../table';
import { expiresAfter } from '../ttl';
import { queryPartition } from './partition-query';
import { TableAdapter } from './table-adapter';

const RETENTION_SECONDS = 24 * 3600;

/** Partitions per minute. Writers and readers must agree; a reader with more shards than writers only reads empty ones. */
export const STATUS_SHARDS = 16;

function minuteOf(iso: string): string {
  return iso.slice(0, 16);
}

function shardKey(minute: string, shard: number): string {
  return `STATUS#${minute}#${shard}`;
}

const SHARDS = Array.from({ length: STATUS_SHARDS }, (_, shard) => shard);

export class DynamoDbStatusLog extends TableAdapter implements StatusLog {
  async append(change: StatusChange, now = new Date()): Promise<string> {
    const at = now.toISOString();
    const suffix = randomBytes(4);
    const sk = `${at}#${suffix.toString('hex')}`;
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: shardKey(minuteOf(at), suffix.readUInt32BE(0) % STATUS_SHARDS),
          sk,
          kind: 'status-change',
          type: change.type,
          data: change.data,
          at,
          [TABLE.timeToLiveAttribute]: expiresAfter(now, { seconds: RETENTION_SECONDS }),
        },
      }),
    );
    return `${minuteOf(at)}|${sk}`;
  }

  async readAfter(
    lastId: string | undefined,
    options: { now?: Date; settleMs?: number; since?: Date; limit?: number } = {},
  ): Promise<{ entries: StatusEntry[]; position: string | undefined }> {
    const now = options.now ?? new Date();
    const until = new Date(now.getTime() - (options.settleMs ?? 2000)).toISOString();
    const start = parseId(lastId) ?? { minute: minuteOf((options.since ?? now).toISOString()), sk: (options.since ?? now).toISOString() };
    const limit = options.limit ?? 500;
    const entries: StatusEntry[] = [];
    let position = lastId;
    for (const minute of minutesBetween(start.minute, minuteOf(until))) {
      const from = `${minute === start.minute ? start.sk : ''}\u0000`;
      const to = `${until}\uffff`;
      // Starting after the settled horizon (no Last-Event-ID: "now"; or a very recent id):
      // nothing to read yet, and DynamoDB refuses a BETWEEN whose bounds are reversed.
      if (from > to) break;
      const wanted = limit - entries.length;
      const pages = await Promise.all(
        SHARDS.map((shard) =>
          this.db.send(
            new QueryCommand({
              TableName: this.tableName,
              KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
              ExpressionAttributeValues: { ':pk': shardKey(minute, shard), ':from': from, ':to': to },
              ConsistentRead: true,
              Limit: wanted,
            }),
          ),
        ),
      );
      // A shard that has more (its page ended at the limit, or at 1 MB) is read only up to its last
      // item: past it, entries of that shard are unread, and handing out later ones would skip them.
      const horizon = pages
        .filter((page) => page.LastEvaluatedKey)
        .map((page) => String(page.Items?.at(-1)?.sk ?? ''))
        .reduce<string | undefined>((least, sk) => (least === undefined || sk < least ? sk : least), undefined);
      const merged = pages
        .flatMap((page) => page.Items ?? [])
        .filter((item) => String(item.sk) <= until && (horizon === undefined || String(item.sk) <= horizon))
        .sort((a, b) => (String(a.sk) < String(b.sk) ? -1 : 1))
        .slice(0, wanted);
      for (const item of merged) {
        const entry = entryOf(minute, item);
        entries.push(entry);
        position = entry.id;
      }
      if (entries.length >= limit || horizon !== undefined) break;
    }
    return { entries, position };
  }

  async readMinute(minute: string): Promise<StatusEntry[]> {
    const shards = await Promise.all(SHARDS.map((shard) => queryPartition(this.db, this.tableName, shardKey(minute, shard))));
    return shards
      .flat()
      .sort((a, b) => (String(a.sk) < String(b.sk) ? -1 : 1))
      .map((item) => entryOf(minute, item));
  }
}

function entryOf(minute: string, item: Record<string, unknown>): StatusEntry {
  return { id: `${minute}|${String(item.sk)}`, at: String(item.at), type: item.type as StatusChangeType, data: (item.data as StatusChange['data']) ?? {} };
}

function parseId(id: string | undefined): { minute: string; sk: string } | undefined {
  if (!id) return undefined;
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})\|(\d{4}-\d{2}-\d{2}T[\d:.]+Z#[0-9a-f]+)$/.exec(id);
  return match ? { minute: match[1]!, sk: match[2]! } : undefined;
}

/** Minute buckets from `from` to `to` inclusive (at most a day's worth). */
function minutesBetween(from: string, to: string): string[] {
  const minutes: string[] = [];
  let t = Date.parse(`${from}:00Z`);
  const end = Date.parse(`${to}:00Z`);
  const earliest = end - RETENTION_SECONDS * 1000;
  if (t < earliest) t = earliest;
  for (; t <= end && minutes.length < 1441; t += 60_000) minutes.push(new Date(t).toISOString().slice(0, 16));
  return minutes;
}
