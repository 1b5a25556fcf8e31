import { describe, expect, it } from 'vitest';
import { judge } from '../../../shared/outbound/judge';
import { liveSecrets } from '../../../shared/outbound/signing';
import type { Endpoint } from '../../../shared/outbound/model';
import { checkExpression, matchingEndpoints, shapePayload, subscribesTo } from '../../../shared/outbound/routing';

function endpoint(overrides: Partial<Endpoint>): Endpoint {
  return {
    id: 'ep_1',
    url: 'https://example.com/hook',
    eventTypes: [],
    signatureScheme: 'standard',
    enabled: true,
    secrets: [],
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}

describe('event type subscriptions', () => {
  it('matches everything when empty, exact names, prefix.* at any depth, and *', () => {
    expect(subscribesTo([], 'a.b')).toBe(true);
    expect(subscribesTo(['a.b'], 'a.b')).toBe(true);
    expect(subscribesTo(['a.b'], 'a.bc')).toBe(false);
    expect(subscribesTo(['a.*'], 'a.b')).toBe(true);
    expect(subscribesTo(['a.*'], 'a.b.c')).toBe(true);
    expect(subscribesTo(['a.*'], 'ab.c')).toBe(false);
    expect(subscribesTo(['a.*'], 'a')).toBe(false);
    expect(subscribesTo(['*'], 'anything')).toBe(true);
  });

  it('selects enabled endpoints of the same tenant only', () => {
    const endpoints = [
      endpoint({ id: 'on' }),
      endpoint({ id: 'off', enabled: false }),
      endpoint({ id: 'acme', tenantId: 'acme' }),
      endpoint({ id: 'typed', eventTypes: ['x.*'] }),
    ];
    expect(matchingEndpoints(endpoints, { eventType: 'y.z' }).map((e) => e.id)).toEqual(['on']);
    expect(matchingEndpoints(endpoints, { eventType: 'y.z', tenantId: 'acme' }).map((e) => e.id)).toEqual(['acme']);
    expect(matchingEndpoints(endpoints, { eventType: 'x.1' }).map((e) => e.id)).toEqual(['on', 'typed']);
  });
});

describe('filter and transform', () => {
  it('sends only when the filter is truthy and replaces the payload with the transform', async () => {
    const shaped = endpoint({ filter: 'status = "paid"', transform: '{"id": id}' });
    expect(await shapePayload(shaped, { id: 1, status: 'open' })).toBeUndefined();
    expect(await shapePayload(shaped, { id: 2, status: 'paid' })).toEqual({ payload: { id: 2 } });
    expect(await shapePayload(endpoint({}), { id: 3 })).toEqual({ payload: { id: 3 } });
  });

  it('reports a syntax error at creation and a run-time error as an ExpressionError', async () => {
    expect(() => checkExpression('filter', 'a >')).toThrow(/filter: not a valid JSONata expression/);
    await expect(shapePayload(endpoint({ transform: '$error("x")' }), {})).rejects.toThrow(/transform failed/);
  });
});

describe('response judgement', () => {
  it('2xx succeeds, 410 is gone, 408/429/5xx/3xx/network errors retry, other 4xx retry unless configured', () => {
    const retrying = { retryClientErrors: true };
    const strict = { retryClientErrors: false };
    expect(judge(200, retrying)).toBe('success');
    expect(judge(204, retrying)).toBe('success');
    expect(judge(410, retrying)).toBe('gone');
    for (const status of [0, 301, 302, 408, 429, 500, 502, 503]) expect(judge(status, strict)).toBe('retry');
    expect(judge(400, retrying)).toBe('retry');
    expect(judge(400, strict)).toBe('permanent');
    expect(judge(404, strict)).toBe('permanent');
  });

  it('signs with the current secret and a previous one only inside its rotation window', () => {
    const secrets = [
      { secret: 'new', createdAt: '2026-01-02T00:00:00Z' },
      { secret: 'old', createdAt: '2026-01-01T00:00:00Z', expiresAt: '2026-01-03T00:00:00Z' },
    ];
    expect(liveSecrets({ secrets }, new Date('2026-01-02T12:00:00Z'))).toEqual(['new', 'old']);
    expect(liveSecrets({ secrets }, new Date('2026-01-03T00:00:01Z'))).toEqual(['new']);
  });
});
