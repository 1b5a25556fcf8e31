import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { NotFoundError } from '../../../shared/errors';
import { jsonResponse } from '../../../shared/http/responses';
import { Router } from '../../../shared/http/router';
import { httpEvent } from '../../support/harness';

const router = new Router()
  .add('GET', '/api/v1/things/:id', async ({ params }) => {
    if (params.id === 'missing') throw new NotFoundError('no such thing', 'thing_not_found');
    return jsonResponse(200, { id: params.id });
  })
  .add('POST', '/api/v1/things', async (request) => jsonResponse(201, request.json(z.strictObject({ name: z.string().min(1) }))))
  .add('GET', '/api/v1/boom', async () => {
    throw new Error('secret internals');
  });

describe('management API router', () => {
  it('routes with decoded path parameters', async () => {
    const response = await router.handle(httpEvent({ method: 'GET', path: '/api/v1/things/a%20b' }));
    expect(JSON.parse(response.body)).toEqual({ id: 'a b' });
  });

  it('answers 404, 405, 400 and 500 with the JSON error body', async () => {
    const cases: Array<[Parameters<typeof httpEvent>[0], number, string]> = [
      [{ method: 'GET', path: '/api/v1/nope' }, 404, 'route_not_found'],
      [{ method: 'GET', path: '/api/v1/things/missing' }, 404, 'thing_not_found'],
      [{ method: 'DELETE', path: '/api/v1/things/1' }, 405, 'method_not_allowed'],
      [{ method: 'POST', path: '/api/v1/things', headers: { 'content-type': 'application/json' }, body: '{bad' }, 400, 'invalid_json'],
      [{ method: 'POST', path: '/api/v1/things', headers: { 'content-type': 'application/json' }, body: '{"name":""}' }, 400, 'invalid_request'],
      [{ method: 'POST', path: '/api/v1/things', headers: { 'content-type': 'application/json' }, body: '{"name":"x","y":1}' }, 400, 'invalid_request'],
      [{ method: 'GET', path: '/api/v1/things/%E0%A4%A' }, 400, 'invalid_path'],
      [{ method: 'GET', path: '/api/v1/boom' }, 500, 'internal_error'],
    ];
    for (const [event, status, code] of cases) {
      const response = await router.handle(httpEvent(event));
      expect(response.statusCode, `${event.method} ${event.path}`).toBe(status);
      expect(response.headers['content-type']).toBe('application/json');
      expect(JSON.parse(response.body)).toEqual({ error: { code, message: expect.any(String) } });
    }
    const boom = await router.handle(httpEvent({ method: 'GET', path: '/api/v1/boom' }));
    expect(boom.body).not.toContain('secret internals');
  });
});
