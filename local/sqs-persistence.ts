/**
 * Keeping queued messages across restarts of the local runtime (`--persist`). fauxqs keeps its
 * queues in memory on Node.js 20 (its SQLite persistence needs Node.js 22.5), so at shutdown,
 * after in-flight batches have drained, every message still in a queue (ready, delayed or in
 * flight) is written to a file, and re-sent at the next start. Receive counts restart at zero.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { FauxqsServer } from 'fauxqs';

interface Snapshot {
  readonly savedAt: string;
  readonly queues: Record<string, string[]>;
}

/** Writes the bodies of every message in the named queues to `file`. */
export function saveQueues(server: FauxqsServer, queueNames: readonly string[], file: string): number {
  const queues: Record<string, string[]> = {};
  let count = 0;
  for (const name of queueNames) {
    const state = server.inspectQueue(name);
    if (!state) continue;
    const bodies = [
      ...state.messages.ready.map((message) => message.body),
      ...state.messages.delayed.map((message) => message.body),
      ...state.messages.inflight.map((entry) => entry.message.body),
    ];
    queues[name] = bodies;
    count += bodies.length;
  }
  const snapshot: Snapshot = { savedAt: new Date().toISOString(), queues };
  writeFileSync(`${file}.tmp`, JSON.stringify(snapshot));
  renameSync(`${file}.tmp`, file);
  return count;
}

/** Re-sends the messages saved by `saveQueues`; `urls` maps queue names to URLs. */
export async function restoreQueues(sqs: SQSClient, urls: Record<string, string>, file: string): Promise<number> {
  if (!existsSync(file)) return 0;
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  let count = 0;
  for (const [name, bodies] of Object.entries(snapshot.queues)) {
    const url = urls[name];
    if (!url) continue;
    for (let i = 0; i < bodies.length; i += 10) {
      const chunk = bodies.slice(i, i + 10);
      await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: chunk.map((body, index) => ({ Id: String(index), MessageBody: body })) }));
      count += chunk.length;
    }
  }
  writeFileSync(file, JSON.stringify({ savedAt: snapshot.savedAt, queues: {} } satisfies Snapshot));
  return count;
}
