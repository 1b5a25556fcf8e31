import { describe, expect, it } from 'vitest';
import { timeTicks, valueScale } from '../../../console/src/chart-scale';
import { ageText, bodyText, durationText, percentText } from '../../../console/src/format';

describe('chart scales', () => {
  it('ends the value axis at a round number at or above the largest value, from 0', () => {
    expect(valueScale(0)).toEqual({ top: 1, ticks: [0, 1] });
    expect(valueScale(3)).toEqual({ top: 3, ticks: [0, 1, 2, 3] });
    expect(valueScale(12)).toEqual({ top: 15, ticks: [0, 5, 10, 15] });
    expect(valueScale(135, { integer: false })).toEqual({ top: 150, ticks: [0, 50, 100, 150] });
    for (const max of [1, 7, 19, 101, 999, 12_345]) {
      const { top, ticks } = valueScale(max);
      expect(top).toBeGreaterThanOrEqual(max);
      expect(ticks[0]).toBe(0);
      expect(ticks.at(-1)).toBe(top);
      expect(ticks.every(Number.isInteger)).toBe(true);
    }
  });

  it('labels every 10 minutes of the hour view and every 3 hours of the day view', () => {
    const minutes = Array.from({ length: 60 }, (_, i) => new Date(Date.UTC(2026, 10, 23, 5, 50 + i)).toISOString());
    expect(timeTicks(minutes, 60).map((i) => minutes[i]!.slice(11, 16))).toEqual(['05:50', '06:00', '06:10', '06:20', '06:30', '06:40']);
    const quarters = Array.from({ length: 96 }, (_, i) => new Date(Date.UTC(2026, 10, 22, 7, 0) + i * 900_000).toISOString());
    expect(timeTicks(quarters, 900)).toHaveLength(8);
  });
});

describe('text', () => {
  it('says ages, durations and rates plainly', () => {
    expect([ageText(42), ageText(185), ageText(5 * 3600 + 600), ageText(2 * 86_400 + 4 * 3600)]).toEqual(['42 s', '3 min', '5 h 10 min', '2 d 4 h']);
    expect([durationText(87), durationText(1400), durationText(null)]).toEqual(['87 ms', '1.40 s', '—']);
    expect([percentText(1), percentText(0.975), percentText(null)]).toEqual(['100%', '97.5%', '—']);
  });

  it('pretty-prints JSON bodies, lists form fields, and shows binary as base64', () => {
    expect(bodyText({ contentType: 'application/json', encoding: 'utf8', body: '{"a":{"b":1}}', bytes: 13 })).toBe('{\n  "a": {\n    "b": 1\n  }\n}');
    expect(bodyText({ contentType: 'application/x-www-form-urlencoded', encoding: 'utf8', body: 'From=%2B1555&Body=hi+there', bytes: 26 })).toBe(
      'From = +1555\nBody = hi there',
    );
    expect(
      bodyText({ contentType: 'application/x-www-form-urlencoded', encoding: 'utf8', body: `payload=${encodeURIComponent('{"zen":"x"}')}`, bytes: 30 }),
    ).toBe('{\n  "zen": "x"\n}');
    expect(bodyText({ contentType: 'text/xml', encoding: 'utf8', body: '<a/>', bytes: 4 })).toBe('<a/>');
    expect(bodyText({ encoding: 'base64', body: 'AAE=', bytes: 2 })).toBe('(binary, 2 bytes, base64)\nAAE=');
  });
});
