/**
 * What every `EndpointThrottle` must do. Run against the in-memory throttle (unit) and DynamoDB
 * Local (integration).
 */
import { describe, expect, it } from 'vitest';
import type { EndpointThrottle } from '../../shared/outbound/endpoint-throttle';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const unique = (prefix: string) => `${prefix}_${Math.random().toString(36).slice(2, 10)}`;

export function describeEndpointThrottleContract(name: string, makeThrottle: () => Promise<EndpointThrottle> | EndpointThrottle): void {
  describe(`EndpointThrottle contract: ${name}`, () => {
    it('hands out slots one interval apart, starting now when idle, per endpoint', async () => {
      const throttle = await makeThrottle();
      const [a, b] = [unique('ep'), unique('ep')];
      expect(await throttle.reserve(a, 50, T0)).toBe(T0);
      expect(await throttle.reserve(a, 50, T0 + 10)).toBe(T0 + 50);
      expect(await throttle.reserve(a, 50, T0 + 20)).toBe(T0 + 100);
      expect(await throttle.reserve(b, 50, T0 + 20)).toBe(T0 + 20);
      // Idle again once the schedule has fallen behind the clock.
      expect(await throttle.reserve(a, 50, T0 + 1000)).toBe(T0 + 1000);
    });

    it('gives concurrent reservations distinct slots, none closer than the interval', async () => {
      const throttle = await makeThrottle();
      const endpoint = unique('ep');
      const slots = await Promise.all(Array.from({ length: 25 }, () => throttle.reserve(endpoint, 50, T0)));
      const sorted = [...slots].sort((x, y) => x - y);
      expect(sorted[0]).toBe(T0);
      for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBe(50);
    });

    it('grants at most maxInFlight leases; a released or expired one is granted again', async () => {
      const throttle = await makeThrottle();
      const endpoint = unique('ep');
      const first = await throttle.acquire(endpoint, 2, T0, T0 + 30_000);
      const second = await throttle.acquire(endpoint, 2, T0, T0 + 30_000);
      expect(first && second && first.slot !== second.slot).toBe(true);
      expect(await throttle.acquire(endpoint, 2, T0 + 1, T0 + 30_000)).toBeUndefined();
      await throttle.release(endpoint, first!);
      const third = await throttle.acquire(endpoint, 2, T0 + 2, T0 + 30_000);
      expect(third?.slot).toBe(first!.slot);
      expect(await throttle.acquire(endpoint, 2, T0 + 3, T0 + 30_000)).toBeUndefined();
      // Both leases expire at T0 + 30 s; the holder of an expired lease cannot release its successor's.
      const taken = await throttle.acquire(endpoint, 2, T0 + 30_001, T0 + 60_000);
      const stale = [second!, third!].find((lease) => lease.slot === taken?.slot)!;
      await throttle.release(endpoint, stale);
      expect(await throttle.acquire(endpoint, 2, T0 + 30_002, T0 + 60_000)).toBeDefined();
      expect(await throttle.acquire(endpoint, 2, T0 + 30_003, T0 + 60_000)).toBeUndefined();
    });

    it('never grants more leases than maxInFlight to concurrent callers', async () => {
      const throttle = await makeThrottle();
      const endpoint = unique('ep');
      const granted = await Promise.all(Array.from({ length: 10 }, () => throttle.acquire(endpoint, 3, T0, T0 + 30_000)));
      const held = granted.filter((lease) => lease !== undefined);
      expect(held.length).toBeLessThanOrEqual(3);
      expect(new Set(held.map((lease) => lease.slot)).size).toBe(held.length);
    });
  });
}
