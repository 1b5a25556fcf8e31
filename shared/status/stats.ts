/**
 * Traffic over time, from the status log (the items behind `GET /api/v1/stream`, kept a day):
 * per source, events received, processed, failed and dead-lettered; per endpoint, delivery
 * attempts by outcome, the success rate and the p50/p99 attempt duration.
 *
 * The log is read one minute partition at a time and each minute is folded into a **rollup**
 * (counts, and a histogram of durations in buckets 10% wide). A minute that can no longer
 * change (its end plus the writers' clock allowance has passed) is stored as a rollup item and
 * never read from the log again; so is each closed quarter hour of the 24-hour view. Once warm,
 * the hour view reads 60 small items and the day view 96, plus the few open minutes from the
 * log. Percentiles come from the merged histograms: within 5% of the exact value.
 *
 * @example
 * const stats = await trafficStats(deps, '1h', new Date());
 * stats.inbound[0]; // { source: 'stripe', received: [0, 3, …], processed: […], failed: […], deadLettered: […], total: {…} }
 */
import type { StatusEntry } from './status-log';

/** The windows the API offers: the last hour by minute, the last day by quarter hour. */
export const WINDOWS = {
  '1h': { minutes: 60, bucketMinutes: 1 },
  '24h': { minutes: 1440, bucketMinutes: 15 },
} as const;
export type StatsWindow = keyof typeof WINDOWS;

export interface InboundCounts {
  received: number;
  processed: number;
  /** Processing attempts that failed (retried, or dead-lettered). */
  failed: number;
  /** Events sent to the dead-letter queue. */
  deadLettered: number;
}

export interface OutboundCounts {
  succeeded: number;
  failed: number;
  /** Attempt durations: histogram bucket index → attempts. */
  latency: Record<string, number>;
}

/** One minute of the status log, folded. */
export interface MinuteRollup {
  readonly inbound: Record<string, InboundCounts>;
  readonly outbound: Record<string, OutboundCounts>;
}

/** Ratio of a latency bucket's upper bound to its lower one. */
const BUCKET_RATIO = 1.1;
const LOG_RATIO = Math.log(BUCKET_RATIO);

/** Bucket `i` holds durations in (1.1^(i-1), 1.1^i] ms; bucket 0 everything up to 1 ms. */
export function latencyBucket(durationMs: number): number {
  if (!(durationMs > 1)) return 0;
  return Math.ceil(Math.log(durationMs) / LOG_RATIO - 1e-9);
}

/** The value a bucket stands for: the geometric middle of its bounds (1 ms for bucket 0). */
export function bucketValue(index: number): number {
  if (index <= 0) return 1;
  return Math.round(BUCKET_RATIO ** (index - 0.5));
}

/** The nearest-rank percentile (`q` in 0..1) of a histogram; undefined when it is empty. */
export function percentile(histogram: Readonly<Record<string, number>>, q: number): number | undefined {
  const buckets = Object.entries(histogram)
    .map(([index, count]) => [Number(index), count] as const)
    .filter(([, count]) => count > 0)
    .sort((a, b) => a[0] - b[0]);
  const total = buckets.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return undefined;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const [index, count] of buckets) {
    seen += count;
    if (seen >= rank) return bucketValue(index);
  }
  return bucketValue(buckets.at(-1)![0]);
}

export function emptyRollup(): MinuteRollup {
  return { inbound: {}, outbound: {} };
}

function inboundOf(rollup: MinuteRollup, source: string): InboundCounts {
  rollup.inbound[source] ??= { received: 0, processed: 0, failed: 0, deadLettered: 0 };
  return rollup.inbound[source];
}

function outboundOf(rollup: MinuteRollup, endpointId: string): OutboundCounts {
  rollup.outbound[endpointId] ??= { succeeded: 0, failed: 0, latency: {} };
  return rollup.outbound[endpointId];
}

function addLatency(counts: OutboundCounts, durationMs: unknown): void {
  if (typeof durationMs !== 'number' || !Number.isFinite(durationMs) || durationMs < 0) return;
  const bucket = String(latencyBucket(durationMs));
  counts.latency[bucket] = (counts.latency[bucket] ?? 0) + 1;
}

/**
 * Folds status entries into a rollup. Each attempt is counted once: a failed one by its
 * `delivery.attempted`, a successful one by its delivery's `delivery.succeeded` (which carries
 * the duration of that attempt; successful attempts write no `delivery.attempted`).
 */
export function rollUp(entries: readonly Pick<StatusEntry, 'type' | 'data'>[], into: MinuteRollup = emptyRollup()): MinuteRollup {
  for (const { type, data } of entries) {
    switch (type) {
      case 'event.received':
      case 'event.processed':
      case 'event.failed': {
        if (typeof data.source !== 'string') break;
        const counts = inboundOf(into, data.source);
        if (type === 'event.received') counts.received++;
        else if (type === 'event.processed') counts.processed++;
        else {
          counts.failed++;
          if (data.deadLettered === true) counts.deadLettered++;
        }
        break;
      }
      case 'delivery.attempted':
      case 'delivery.succeeded': {
        if (typeof data.endpointId !== 'string') break;
        const counts = outboundOf(into, data.endpointId);
        const succeeded = type === 'delivery.succeeded' || data.outcome === 'succeeded';
        if (succeeded) counts.succeeded++;
        else counts.failed++;
        addLatency(counts, data.durationMs);
        break;
      }
      default:
        break;
    }
  }
  return into;
}

/** Adds `from` into `into`. */
export function mergeRollup(into: MinuteRollup, from: MinuteRollup): MinuteRollup {
  for (const [source, counts] of Object.entries(from.inbound)) {
    const target = inboundOf(into, source);
    target.received += counts.received;
    target.processed += counts.processed;
    target.failed += counts.failed;
    target.deadLettered += counts.deadLettered;
  }
  for (const [endpointId, counts] of Object.entries(from.outbound)) {
    const target = outboundOf(into, endpointId);
    target.succeeded += counts.succeeded;
    target.failed += counts.failed;
    for (const [bucket, count] of Object.entries(counts.latency)) target.latency[bucket] = (target.latency[bucket] ?? 0) + count;
  }
  return into;
}

/** `2026-11-23T06:49` for the minute containing `at`. */
export function minuteOf(at: Date): string {
  return at.toISOString().slice(0, 16);
}

/** The minutes of a window ending with the one containing `now`, grouped into its buckets (oldest first). */
export function windowBuckets(window: StatsWindow, now: Date): Array<{ start: string; minutes: string[] }> {
  const { minutes, bucketMinutes } = WINDOWS[window];
  const bucketMs = bucketMinutes * 60_000;
  const lastStart = Math.floor(now.getTime() / bucketMs) * bucketMs;
  const count = minutes / bucketMinutes;
  const buckets: Array<{ start: string; minutes: string[] }> = [];
  for (let b = count - 1; b >= 0; b--) {
    const start = lastStart - b * bucketMs;
    const inBucket: string[] = [];
    for (let m = 0; m < bucketMinutes; m++) {
      const minute = start + m * 60_000;
      if (minute <= now.getTime()) inBucket.push(new Date(minute).toISOString().slice(0, 16));
    }
    buckets.push({ start: new Date(start).toISOString(), minutes: inBucket });
  }
  return buckets;
}

export interface InboundSeries {
  readonly source: string;
  readonly received: number[];
  readonly processed: number[];
  readonly failed: number[];
  readonly deadLettered: number[];
  readonly total: InboundCounts;
}

export interface OutboundSeries {
  readonly endpointId: string;
  readonly succeeded: number[];
  readonly failed: number[];
  /** Succeeded / attempts per bucket, null for a bucket without attempts. */
  readonly successRate: Array<number | null>;
  readonly p50Ms: Array<number | null>;
  readonly p99Ms: Array<number | null>;
  readonly total: { succeeded: number; failed: number; successRate: number | null; p50Ms: number | null; p99Ms: number | null };
}

export interface TrafficStats {
  readonly window: StatsWindow;
  readonly bucketSeconds: number;
  readonly from: string;
  readonly to: string;
  /** Bucket start times, oldest first; every series has one value per bucket. */
  readonly buckets: string[];
  readonly inbound: InboundSeries[];
  readonly outbound: OutboundSeries[];
}

function rate(succeeded: number, failed: number): number | null {
  const attempts = succeeded + failed;
  return attempts === 0 ? null : Math.round((succeeded / attempts) * 10_000) / 10_000;
}

/**
 * The series of a window from the rollup of each of its buckets (oldest first). `sources` are
 * listed even when idle (the configured ones); endpoints only when they had attempts.
 */
export function buildStats(window: StatsWindow, now: Date, perBucket: readonly MinuteRollup[], sources: readonly string[] = []): TrafficStats {
  const buckets = windowBuckets(window, now);
  if (perBucket.length !== buckets.length) throw new Error(`expected ${buckets.length} bucket rollups, got ${perBucket.length}`);
  const overall = perBucket.reduce((sum, rollup) => mergeRollup(sum, rollup), emptyRollup());
  const sourceNames = [...new Set([...sources, ...Object.keys(overall.inbound).sort()])];
  const endpointIds = Object.keys(overall.outbound).sort((a, b) => {
    const total = (id: string) => overall.outbound[id]!.succeeded + overall.outbound[id]!.failed;
    return total(b) - total(a) || a.localeCompare(b);
  });
  const zero: InboundCounts = { received: 0, processed: 0, failed: 0, deadLettered: 0 };
  const { bucketMinutes } = WINDOWS[window];
  return {
    window,
    bucketSeconds: bucketMinutes * 60,
    from: buckets[0]!.start,
    to: new Date(Date.parse(buckets.at(-1)!.start) + bucketMinutes * 60_000).toISOString(),
    buckets: buckets.map((bucket) => bucket.start),
    inbound: sourceNames.map((source) => {
      const series = (field: keyof InboundCounts) => perBucket.map((rollup) => rollup.inbound[source]?.[field] ?? 0);
      return {
        source,
        received: series('received'),
        processed: series('processed'),
        failed: series('failed'),
        deadLettered: series('deadLettered'),
        total: { ...zero, ...overall.inbound[source] },
      };
    }),
    outbound: endpointIds.map((endpointId) => {
      const of = (rollup: MinuteRollup) => rollup.outbound[endpointId];
      const total = overall.outbound[endpointId]!;
      return {
        endpointId,
        succeeded: perBucket.map((rollup) => of(rollup)?.succeeded ?? 0),
        failed: perBucket.map((rollup) => of(rollup)?.failed ?? 0),
        successRate: perBucket.map((rollup) => rate(of(rollup)?.succeeded ?? 0, of(rollup)?.failed ?? 0)),
        p50Ms: perBucket.map((rollup) => percentile(of(rollup)?.latency ?? {}, 0.5) ?? null),
        p99Ms: perBucket.map((rollup) => percentile(of(rollup)?.latency ?? {}, 0.99) ?? null),
        total: {
          succeeded: total.succeeded,
          failed: total.failed,
          successRate: rate(total.succeeded, total.failed),
          p50Ms: percentile(total.latency, 0.5) ?? null,
          p99Ms: percentile(total.latency, 0.99) ?? null,
        },
      };
    }),
  };
}

/** Where rollups of closed minutes (`2026-11-23T06:49`) and quarter hours (`2026-11-23T06:45+15`) are kept. */
export interface RollupStore {
  getMany(keys: readonly string[]): Promise<Map<string, MinuteRollup>>;
  putMany(entries: ReadonlyArray<readonly [string, MinuteRollup]>): Promise<void>;
}

export interface TrafficStatsDeps {
  /** Every entry of one minute partition of the status log. */
  readonly readMinute: (minute: string) => Promise<StatusEntry[]>;
  /** Many minutes at once, when the log can read them together (the DynamoDB log: one query per shard and hour). */
  readonly readMinutes?: (minutes: readonly string[]) => Promise<Map<string, StatusEntry[]>>;
  readonly rollups: RollupStore;
  /** How long after a minute ends a late writer may still add to it (clock skew, slow writes). */
  readonly settleMs?: number;
  /** Minute partitions read at once. */
  readonly concurrency?: number;
}

/** A span's rollup is final once its end plus the settle allowance has passed. */
function closedAt(startMs: number, minutes: number, now: Date, settleMs: number): boolean {
  return startMs + minutes * 60_000 + settleMs <= now.getTime();
}

export function isClosed(minute: string, now: Date, settleMs: number): boolean {
  return closedAt(Date.parse(`${minute}:00Z`), 1, now, settleMs);
}

export async function trafficStats(deps: TrafficStatsDeps, window: StatsWindow, now: Date, sources: readonly string[] = []): Promise<TrafficStats> {
  const settleMs = deps.settleMs ?? 120_000;
  const { bucketMinutes } = WINDOWS[window];
  const buckets = windowBuckets(window, now);
  const grouped = bucketMinutes > 1;
  const bucketKey = (bucket: { start: string }) => `${bucket.start.slice(0, 16)}+${bucketMinutes}`;
  const bucketClosed = (bucket: { start: string }) => closedAt(Date.parse(bucket.start), bucketMinutes, now, settleMs);

  const cachedBuckets = grouped ? await deps.rollups.getMany(buckets.filter(bucketClosed).map(bucketKey)) : new Map<string, MinuteRollup>();
  const pending = buckets.filter((bucket) => !cachedBuckets.has(bucketKey(bucket)));
  const minutes = pending.flatMap((bucket) => bucket.minutes);
  const minuteRollups = await deps.rollups.getMany(minutes.filter((minute) => isClosed(minute, now, settleMs)));
  const fresh: Array<readonly [string, MinuteRollup]> = [];
  const unread = minutes.filter((minute) => !minuteRollups.has(minute));
  const fold = (minute: string, entries: StatusEntry[]) => {
    const rollup = rollUp(entries);
    minuteRollups.set(minute, rollup);
    if (isClosed(minute, now, settleMs)) fresh.push([minute, rollup]);
  };
  if (deps.readMinutes) {
    const readMinutes = deps.readMinutes;
    // One read per hour's run of minutes.
    const hours = [...new Set(unread.map((minute) => minute.slice(0, 13)))];
    await mapLimited(hours, deps.concurrency ?? 8, async (hour) => {
      const inHour = unread.filter((minute) => minute.startsWith(hour));
      for (const [minute, entries] of await readMinutes(inHour)) fold(minute, entries);
    });
  } else {
    await mapLimited(unread, deps.concurrency ?? 32, async (minute) => fold(minute, await deps.readMinute(minute)));
  }
  const perBucket = buckets.map((bucket) => {
    const cached = cachedBuckets.get(bucketKey(bucket));
    if (cached) return cached;
    const rollup = bucket.minutes.reduce((sum, minute) => mergeRollup(sum, minuteRollups.get(minute) ?? emptyRollup()), emptyRollup());
    if (grouped && bucketClosed(bucket)) fresh.push([bucketKey(bucket), rollup]);
    return rollup;
  });
  await deps.rollups.putMany(fresh);
  return buildStats(window, now, perBucket, sources);
}
async function mapLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await task(items[next++]!);
    }),
  );
}
