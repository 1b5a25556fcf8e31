/** The nesting bound of parsed JSON: counted without recursion, at any depth. */
import { describe, expect, it } from 'vitest';
import { nestedDeeperThan } from '../../shared/json';
import { Router } from '../../shared/http/router';
import { jsonResponse } from '../../shared/http/responses';
import * as z from 'zod';
import { httpEvent } from '../support/http-event';

describe('JSON nesting depth', () => {
  it('counts objects and arrays, not scalars, and never overflows the stack', () => {
    expect(nestedDeeperThan(1, 0)).toBe(false);
    expect(nestedDeeperThan({}, 0)).toBe(true);
    expect(nestedDeeperThan({ a: [1, { b: 2 }] }, 3)).toBe(false);
    expect(nestedDeeperThan({ a: [1, { b: 2 }] }, 2)).toBe(true);
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown;
    expect(nestedDeeperThan(deep)).toBe(true);
    expect(nestedDeeperThan(JSON.parse(`${'['.repeat(64)}${']'.repeat(64)}`))).toBe(false);
  });

  it('refuses a management API body nested past the bound with 400 too_deep', async () => {
    const router = new Router().add('POST', '/echo', async (request) => jsonResponse(200, request.json(z.unknown())));
    const response = await router.handle(
      httpEvent({
        method: 'POST',
        path: '/echo',
        headers: { 'content-type': 'application/json' },
        body: `{"payload":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
      }),
    );
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'too_deep' } });
    expect(
      (await router.handle(httpEvent({ method: 'POST', path: '/echo', headers: { 'content-type': 'application/json' }, body: '{"a":[[1]]}' }))).statusCode,
    ).toBe(200);
  });
});
