/**
 * The status log in DynamoDB, the adapter behind `StatusLog` (shared/status/status-log.ts).
 *
 * Items: pk `STATUS#<hour>#<shard>` (e.g. `STATUS#2026-11-23T06#7`), sk `<ISO time>#<random>`.
 * Each entry goes to one of `STATUS_SHARDS` partitions of its hour, picked by its random suffix,
 * so no one partition key takes every write of a period: DynamoDB serves at most 1,000 write
 * units a second per partition (README, "Throughput ceiling"), and the log's ceiling is that many
 * times `STATUS_SHARDS` (how long a period a key covers does not change it). A reader queries
 * every shard of an hour over the sort-key range it wants and merges them by sort key (time, then
 * the random suffix), which orders entries exactly as one partition did; the traffic stats read
 * a run of minutes with one query per shard (`readMinutes`).
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
import { TableAdapter } from './table-adapter';

const RETENTION_SECONDS = 24 * 3600;

/** Partitions per minute. Writers and readers must agree; a reader with more shards than writers only reads empty ones. */
export const STATUS_SHARDS = 16;

function minuteOf(iso: string): string {
  return iso.slice(0, 16);
}

/** The partition of a minute's (or an hour's) entries in one shard. */
function shardKey(minute: string, shard: number): string {
  return `STATUS#${minute.slice(0, 13)}#${shard}`;
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
      // The hour's partitions hold other minutes too: the range stays within this one.
      const from = `${minute === start.minute ? start.sk : minute}\u0000`;
      const to = `${minute < minuteOf(until) ? minute : until}\uffff`;
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
    return (await this.readMinutes([minute])).get(minute) ?? [];
  }

  /** Every entry of each of `minutes`, oldest first: one query per shard for each hour they fall in. */
  async readMinutes(minutes: readonly string[]): Promise<Map<string, StatusEntry[]>> {
    const byHour = new Map<string, string[]>();
    for (const minute of minutes) byHour.set(minute.slice(0, 13), [...(byHour.get(minute.slice(0, 13)) ?? []), minute]);
    const result = new Map<string, StatusEntry[]>(minutes.map((minute) => [minute, []]));
    await Promise.all(
      [...byHour.values()].map(async (inHour) => {
        const sorted = [...inHour].sort();
        const from = sorted[0]!;
        const to = `${sorted.at(-1)!}\uffff`;
        const shards = await Promise.all(SHARDS.map((shard) => this.queryRange(shardKey(from, shard), from, to)));
        for (const item of shards.flat().sort((a, b) => (String(a.sk) < String(b.sk) ? -1 : 1))) {
          const minute = minuteOf(String(item.sk));
          result.get(minute)?.push(entryOf(minute, item));
        }
      }),
    );
    return result;
  }

  /** Every item of partition `pk` whose sort key is in [from, to], every page, in order. */
  private async queryRange(pk: string, from: string, to: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': pk, ':from': from, ':to': to },
          ConsistentRead: true,
          ...(cursor ? { ExclusiveStartKey: cursor } : {}),
        }),
      );
      items.push(...(page.Items ?? []));
      cursor = page.LastEvaluatedKey;
    } while (cursor);
    return items;
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
