import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketValue, latencyBucket, percentile, rollUp, trafficStats, windowBuckets, type MinuteRollup, type RollupStore } from '../../../shared/status/stats';
import type { StatusEntry } from '../../../shared/status/status-log';

function exactPercentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

/** Rollups kept in a map, counting the reads and writes the stats make. */
class MemoryRollups implements RollupStore {
  readonly items = new Map<string, MinuteRollup>();
  writes = 0;
  async getMany(keys: readonly string[]): Promise<Map<string, MinuteRollup>> {
    return new Map(keys.filter((key) => this.items.has(key)).map((key) => [key, structuredClone(this.items.get(key)!)]));
  }
  async putMany(entries: ReadonlyArray<readonly [string, MinuteRollup]>): Promise<void> {
    for (const [key, rollup] of entries) this.items.set(key, structuredClone(rollup));
    this.writes += entries.length;
  }
}

function entry(at: string, type: StatusEntry['type'], data: StatusEntry['data']): StatusEntry {
  return { id: `${at.slice(0, 16)}|${at}#0`, at, type, data };
}

describe('latency histogram', () => {
  it('stands for every duration within 5% (or 1 ms for the smallest)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 3_600_000, noNaN: true }), (ms) => {
        expect(Math.abs(bucketValue(latencyBucket(ms)) - ms)).toBeLessThanOrEqual(Math.max(0.05 * ms, 1));
      }),
    );
  });

  it('gives p50 and p99 within 5% of the exact nearest-rank percentiles', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 120_000 }), { minLength: 1, maxLength: 400 }), (durations) => {
        const histogram: Record<string, number> = {};
        for (const ms of durations) histogram[latencyBucket(ms)] = (histogram[latencyBucket(ms)] ?? 0) + 1;
        for (const q of [0.5, 0.99]) {
          const exact = exactPercentile(durations, q);
          expect(Math.abs(percentile(histogram, q)! - exact)).toBeLessThanOrEqual(Math.max(0.05 * exact, 1));
        }
      }),
    );
    expect(percentile({}, 0.5)).toBeUndefined();
  });
});

describe('rollUp', () => {
  it('counts inbound changes per source and each attempt once per endpoint', () => {
    const at = '2026-11-23T06:49:10.000Z';
    const rollup = rollUp([
      entry(at, 'event.received', { source: 'stripe', eventId: 'e1', eventType: 't' }),
      entry(at, 'event.received', { source: 'stripe', eventId: 'e2', eventType: 't' }),
      entry(at, 'event.processed', { source: 'stripe', eventId: 'e1', eventType: 't', attempts: 1 }),
      entry(at, 'event.failed', { source: 'stripe', eventId: 'e2', eventType: 't', reason: 'boom', deadLettered: false }),
      entry(at, 'event.failed', { source: 'github', eventId: 'g1', eventType: 't', reason: 'malformed', deadLettered: true }),
      entry(at, 'delivery.attempted', {
        messageId: 'm1',
        endpointId: 'ep_a',
        attempt: 1,
        statusCode: 500,
        outcome: 'failed',
        trigger: 'scheduled',
        durationMs: 40,
      }),
      entry(at, 'delivery.succeeded', { messageId: 'm1', endpointId: 'ep_a', attempts: 2, statusCode: 200, durationMs: 20 }),
      entry(at, 'delivery.exhausted', { messageId: 'm2', endpointId: 'ep_a', attempts: 9 }),
      entry(at, 'endpoint.disabled', { endpointId: 'ep_a', reason: 'gone' }),
    ]);
    expect(rollup.inbound).toEqual({
      stripe: { received: 2, processed: 1, failed: 1, deadLettered: 0 },
      github: { received: 0, processed: 0, failed: 1, deadLettered: 1 },
    });
    expect(rollup.outbound.ep_a).toMatchObject({ succeeded: 1, failed: 1 });
    expect(Object.values(rollup.outbound.ep_a!.latency).reduce((a, b) => a + b, 0)).toBe(2);
  });
});

describe('windowBuckets', () => {
  it('splits the last hour into 60 minutes and the last day into 96 quarter hours, ending now', () => {
    const now = new Date('2026-11-23T06:49:30.000Z');
    const hour = windowBuckets('1h', now);
    expect(hour).toHaveLength(60);
    expect(hour.at(-1)).toEqual({ start: '2026-11-23T06:49:00.000Z', minutes: ['2026-11-23T06:49'] });
    expect(hour[0]!.start).toBe('2026-11-23T05:50:00.000Z');
    const day = windowBuckets('24h', now);
    expect(day).toHaveLength(96);
    expect(day.at(-1)!.start).toBe('2026-11-23T06:45:00.000Z');
    expect(day.at(-1)!.minutes).toEqual(['2026-11-23T06:45', '2026-11-23T06:46', '2026-11-23T06:47', '2026-11-23T06:48', '2026-11-23T06:49']);
    expect(day[0]!.start).toBe('2026-11-22T07:00:00.000Z');
    expect(day.slice(0, -1).every((bucket) => bucket.minutes.length === 15)).toBe(true);
  });
});

describe('trafficStats', () => {
  const now = new Date('2026-11-23T06:49:30.000Z');
  const log = new Map<string, StatusEntry[]>([
    ['2026-11-23T06:10', [entry('2026-11-23T06:10:05.000Z', 'event.received', { source: 'stripe', eventId: 'a', eventType: 't' })]],
    [
      '2026-11-23T06:49',
      [
        entry('2026-11-23T06:49:05.000Z', 'event.received', { source: 'stripe', eventId: 'b', eventType: 't' }),
        entry('2026-11-23T06:49:06.000Z', 'delivery.succeeded', { messageId: 'm', endpointId: 'ep_a', attempts: 1, statusCode: 200, durationMs: 100 }),
      ],
    ],
  ]);

  function deps(rollups: MemoryRollups, reads: string[]) {
    return {
      rollups,
      readMinute: async (minute: string) => {
        reads.push(minute);
        return log.get(minute) ?? [];
      },
    };
  }

  it('reads each closed minute from the log once, then from its rollup; open minutes every time', async () => {
    const rollups = new MemoryRollups();
    const reads: string[] = [];
    const first = await trafficStats(deps(rollups, reads), '1h', now, ['stripe', 'github']);
    expect(reads).toHaveLength(60);
    expect(first.inbound.map((series) => series.source)).toEqual(['stripe', 'github']);
    expect(first.inbound[0]!.received.at(-1)).toBe(1);
    expect(first.inbound[0]!.received[first.buckets.indexOf('2026-11-23T06:10:00.000Z')]).toBe(1);
    expect(first.inbound[0]!.total.received).toBe(2);
    expect(first.outbound).toHaveLength(1);
    expect(first.outbound[0]).toMatchObject({ endpointId: 'ep_a', total: { succeeded: 1, failed: 0, successRate: 1 } });
    expect(Math.abs(first.outbound[0]!.total.p50Ms! - 100)).toBeLessThanOrEqual(5);
    expect(first.outbound[0]!.succeeded.at(-1)).toBe(1);
    // 06:47 to 06:49 end less than the settle allowance (2 minutes) ago: not stored.
    expect(rollups.writes).toBe(57);

    reads.length = 0;
    const second = await trafficStats(deps(rollups, reads), '1h', now, ['stripe', 'github']);
    expect(reads.sort()).toEqual(['2026-11-23T06:47', '2026-11-23T06:48', '2026-11-23T06:49']);
    expect(second).toEqual(first);
  });

  it('keeps each closed quarter hour of the day view as one rollup', async () => {
    const rollups = new MemoryRollups();
    const reads: string[] = [];
    const first = await trafficStats(deps(rollups, reads), '24h', now);
    expect(reads).toHaveLength(95 * 15 + 5);
    expect(rollups.items.has('2026-11-23T06:00+15')).toBe(true);
    reads.length = 0;
    const second = await trafficStats(deps(rollups, reads), '24h', now);
    // Only the open quarter hour's minutes are looked at again; its three newest come from the log.
    expect(reads.sort()).toEqual(['2026-11-23T06:47', '2026-11-23T06:48', '2026-11-23T06:49']);
    expect(second).toEqual(first);
    expect(second.inbound[0]!.received[second.buckets.indexOf('2026-11-23T06:00:00.000Z')]).toBe(1);
  });
});
