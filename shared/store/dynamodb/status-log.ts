/**
 * The status log in DynamoDB, the adapter behind `StatusLog` (shared/status/status-log.ts).
 *
 * Items: pk `STATUS#<minute>` (e.g. `STATUS#2026-11-23T06:49`), sk `<ISO time>#<random>`. An
 * entry's id is `<minute>|<sk>`, so a reader resuming from `Last-Event-ID` knows where to start
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

function minuteOf(iso: string): string {
  return iso.slice(0, 16);
}

export class DynamoDbStatusLog extends TableAdapter implements StatusLog {
  async append(change: StatusChange, now = new Date()): Promise<string> {
    const at = now.toISOString();
    const sk = `${at}#${randomBytes(4).toString('hex')}`;
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `STATUS#${minuteOf(at)}`,
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
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': `STATUS#${minute}`, ':from': from, ':to': to },
          ConsistentRead: true,
          Limit: limit - entries.length,
        }),
      );
      for (const item of result.Items ?? []) {
        if (String(item.sk) > until) break;
        const entry = entryOf(minute, item);
        entries.push(entry);
        position = entry.id;
      }
      if (entries.length >= limit) break;
    }
    return { entries, position };
  }

  async readMinute(minute: string): Promise<StatusEntry[]> {
    return (await queryPartition(this.db, this.tableName, `STATUS#${minute}`)).map((item) => entryOf(minute, item));
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
