import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../shared/config/load';
import { maxAttempts, secondsUntilNextAttempt } from '../../../shared/outbound/retry-schedule';
import { scheduleOverride } from '../../../local/config';

const schedule = parseConfig({ sources: [{ name: 'a', provider: 'github' }] }).outbound.retrySchedule;

describe('retry schedule', () => {
  it('defaults to 5s, 5m, 30m, 2h, 5h, 10h, 14h, 20h, 24h: ten attempts over about three days', () => {
    expect(schedule).toEqual([5, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000, 86_400]);
    expect(maxAttempts(schedule)).toBe(10);
    const totalHours = schedule.reduce((sum, s) => sum + s, 0) / 3600;
    expect(totalHours).toBeGreaterThan(70);
    expect(totalHours).toBeLessThan(80);
  });

  it('waits the scheduled time after each failed attempt and ends after the last', () => {
    const options = { schedule, jitter: 0, maxRetryAfterSeconds: 3600 };
    expect(secondsUntilNextAttempt(1, options)).toBe(5);
    expect(secondsUntilNextAttempt(2, options)).toBe(300);
    expect(secondsUntilNextAttempt(9, options)).toBe(86_400);
    expect(secondsUntilNextAttempt(10, options)).toBeUndefined();
  });

  it('applies jitter within ±20%', () => {
    const low = secondsUntilNextAttempt(2, { schedule, jitter: 0.2, maxRetryAfterSeconds: 3600, random: () => 0 });
    const high = secondsUntilNextAttempt(2, { schedule, jitter: 0.2, maxRetryAfterSeconds: 3600, random: () => 0.999999 });
    expect(low).toBe(240);
    expect(high).toBe(360);
  });

  it('honours a longer Retry-After, bounded by the maximum', () => {
    const options = { schedule, jitter: 0, maxRetryAfterSeconds: 600 };
    expect(secondsUntilNextAttempt(1, { ...options, retryAfterSeconds: 120 })).toBe(120);
    expect(secondsUntilNextAttempt(1, { ...options, retryAfterSeconds: 99_999 })).toBe(600);
    expect(secondsUntilNextAttempt(2, { ...options, retryAfterSeconds: 1 })).toBe(300);
  });

  it('DELIVERY_RETRY_SCHEDULE overrides it with comma-separated seconds and refuses anything else', () => {
    expect(scheduleOverride('1, 2,3')).toEqual([1, 2, 3]);
    expect(scheduleOverride(undefined)).toBeUndefined();
    expect(scheduleOverride('')).toBeUndefined();
    expect(() => scheduleOverride('1,x')).toThrow(/DELIVERY_RETRY_SCHEDULE/);
    expect(() => scheduleOverride('-1')).toThrow();
  });
});
