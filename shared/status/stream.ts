/**
 * Server-Sent Events over the status log: each entry is sent with its `id:`, a client that
 * reconnects with `Last-Event-ID` receives what it missed in order, and a comment line keeps
 * idle connections open. The same function serves the Lambda response stream (function URL) and
 * the local gateway.
 */
import type { StatusEntry, StatusLog } from './status-log';

export interface StreamOptions {
  readonly lastEventId?: string;
  /** Writes a chunk to the client. */
  readonly write: (chunk: string) => void | Promise<void>;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
  readonly pollMs?: number;
  readonly keepAliveMs?: number;
  /** Ends the stream after this long (a Lambda response stream lasts at most 15 minutes); the client reconnects. */
  readonly maxDurationMs?: number;
  readonly settleMs?: number;
}

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-store, no-transform',
  'x-accel-buffering': 'no',
} as const;

export function formatEvent(entry: StatusEntry): string {
  return `id: ${entry.id}\nevent: ${entry.type}\ndata: ${JSON.stringify({ type: entry.type, at: entry.at, ...entry.data })}\n\n`;
}

export async function streamStatus(log: StatusLog, options: StreamOptions): Promise<void> {
  const pollMs = options.pollMs ?? 1000;
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const endAt = Date.now() + (options.maxDurationMs ?? 14 * 60_000);
  let position = options.lastEventId;
  let lastWrite = Date.now();
  await options.write(`retry: 2000\n: connected\n\n`);
  while (!options.signal.aborted && Date.now() < endAt) {
    const { entries, position: next } = await log.readAfter(position, options.settleMs === undefined ? {} : { settleMs: options.settleMs });
    for (const entry of entries) {
      if (options.signal.aborted) return;
      await options.write(formatEvent(entry));
      lastWrite = Date.now();
    }
    position = next ?? position ?? startingPoint();
    if (Date.now() - lastWrite >= keepAliveMs) {
      await options.write(': keep-alive\n\n');
      lastWrite = Date.now();
    }
    await sleep(pollMs, options.signal);
  }
}

/** A client without Last-Event-ID gets what happens from now on. */
function startingPoint(): string {
  const now = new Date(Date.now() - 2000).toISOString();
  return `${now.slice(0, 16)}|${now}#00000000`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    // Removed when the timer fires: one listener per poll would pile up on a long stream.
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
