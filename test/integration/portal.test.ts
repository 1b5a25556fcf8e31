/**
 * The tenant portal's API against the emulators: a link from the operator API gives a token
 * that opens `/portal/api/...` for one tenant. With tenant A's token, every tenant route called
 * on a resource of tenant B answers 404 or 403 and never shows or changes it; on A's own
 * resources each works. Every response is validated against openapi.yaml, and every `/portal`
 * operation of the spec is checked (and every portal route is in the spec).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpResponse } from '../../shared/http/responses';
import { tenantRoutes } from '../../shared/api/routes';
import { PORTAL_API_PREFIX } from '../../shared/api/portal';
import { signPortalToken } from '../../shared/api/portal-token';
import type { Router } from '../../shared/http/router';
import { createApiRouter, type ApiUnderTest } from '../support/api-router';
import { createHarness, httpEvent, type Harness } from '../support/harness';
import { loadContract } from '../support/openapi';
import { createOutboundHarness, type OutboundHarness } from '../support/outbound-harness';
import { eventually, Receiver } from '../support/receiver';

const contract = loadContract();
const receiver = new Receiver();
let h: Harness;
let o: OutboundHarness;
let api: ApiUnderTest;
let router: Router;

/** Tenant A's and tenant B's endpoint, and a delivered message of each. */
const ids = { endpointA: '', endpointB: '', messageA: '', messageB: '', secretB: '', urlB: '' };
let tokenA = '';

interface Called {
  readonly status: number;
  readonly body: any;
  readonly raw: string;
}

function fill(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? `missing-${name}`));
}

async function call(
  method: string,
  template: string,
  options: { params?: Record<string, string>; query?: string; body?: unknown; token?: string | null } = {},
): Promise<Called> {
  const token = options.token === undefined ? tokenA : options.token;
  const response: HttpResponse = await router.handle(
    httpEvent({
      method,
      path: fill(template, options.params ?? {}),
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(options.query ? { query: options.query } : {}),
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    }),
  );
  return { status: response.statusCode, body: contract.check(method, template, response), raw: response.body };
}

/** The spec's path template of a router pattern: `/endpoints/:id` → `/portal/api/endpoints/{id}`. */
function template(path: string): string {
  return `${PORTAL_API_PREFIX}${path.replace(/:(\w+)/g, '{$1}')}`;
}

beforeAll(async () => {
  h = await createHarness();
  o = await createOutboundHarness(h, { schedule: [1] });
  await receiver.start();
  api = createApiRouter(h);
  router = api.router;

  const operator = async (method: string, path: string, body?: unknown) => {
    const response = await router.handle(
      httpEvent({ method, path, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }),
    );
    return JSON.parse(response.body || 'null');
  };
  const a = await operator('POST', '/api/v1/endpoints', { url: receiver.url('/tenant-a'), tenantId: 'tenant-a', eventTypes: ['order.*'] });
  const b = await operator('POST', '/api/v1/endpoints', { url: receiver.url('/tenant-b'), tenantId: 'tenant-b', eventTypes: ['order.*'] });
  Object.assign(ids, { endpointA: a.id, endpointB: b.id, secretB: b.secret, urlB: b.url });
  ids.messageA = (await operator('POST', '/api/v1/messages', { eventType: 'order.created', tenantId: 'tenant-a', payload: { order: 'A-1' } })).id;
  ids.messageB = (await operator('POST', '/api/v1/messages', { eventType: 'order.created', tenantId: 'tenant-b', payload: { order: 'B-1' } })).id;
  await eventually(async () => receiver.received('/tenant-a').length === 1 && receiver.received('/tenant-b').length === 1, 20_000, 'both deliveries');
  await eventually(async () => (await o.deliveries.listAttempts(ids.messageB)).length === 1, 10_000, "B's attempt record");

  const link = await router.handle(
    httpEvent({
      method: 'POST',
      path: '/api/v1/tenants/tenant-a/portal-link',
      headers: { 'content-type': 'application/json' },
      body: '{"expiresInSeconds":3600}',
    }),
  );
  tokenA = /#token=(.+)$/.exec(JSON.parse(link.body).url)![1]!;
});

afterAll(async () => {
  await o?.stop();
  await receiver.stop();
});

describe('tenant portal API', () => {
  it('opens with the link’s token only: none, a forged one and an expired one are 401', async () => {
    expect((await call('GET', '/portal/api/session')).body).toEqual({ tenantId: 'tenant-a', expiresAt: expect.any(String) });
    expect((await call('GET', '/portal/api/endpoints', { token: null })).body.error.code).toBe('portal_token_missing');
    expect((await call('GET', '/portal/api/endpoints', { token: `${tokenA.slice(0, -3)}abc` })).body.error.code).toBe('portal_token_invalid');
    const otherKey = signPortalToken(['x'.repeat(40)], 'tenant-a', new Date(Date.now() + 60_000));
    expect((await call('GET', '/portal/api/endpoints', { token: otherKey })).status).toBe(401);
    const expired = signPortalToken([api.portalKey], 'tenant-a', new Date(Date.now() - 1000));
    expect((await call('GET', '/portal/api/session', { token: expired })).body.error.code).toBe('portal_token_expired');
    // A token is no credential on the operator API: that is IAM's (and locally, loopback's).
    expect((await call('GET', '/portal/api/messages/{id}', { params: { id: ids.messageB }, token: null })).status).toBe(401);
  });

  it('answers every tenant route called with tenant A’s token on tenant B’s resources with 404 or 403, never the resource', async () => {
    const since = new Date(Date.now() - 3600_000).toISOString();
    const bodies: Record<string, unknown> = {
      'PATCH /endpoints/:id': { description: 'taken over', enabled: false },
      'POST /endpoints/:id/replay': { since },
      'POST /endpoints/:id/test': {},
      'POST /messages/:id/retry': { endpointId: ids.endpointB },
    };
    const routes = tenantRoutes(api.deps).filter((route) => route.portal);
    const checked: string[] = [];
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      let response: Called | undefined;
      if (route.path.startsWith('/endpoints/:id')) {
        response = await call(route.method, template(route.path), { params: { id: ids.endpointB }, body: bodies[key] });
      } else if (route.path.startsWith('/messages/:id')) {
        response = await call(route.method, template(route.path), { params: { id: ids.messageB }, query: `endpointId=${ids.endpointB}`, body: bodies[key] });
      } else if (key === 'GET /messages') {
        response = await call('GET', template(route.path), { query: `endpointId=${ids.endpointB}` });
      } else if (key === 'POST /endpoints') {
        response = await call('POST', template(route.path), { body: { url: receiver.url('/planted'), tenantId: 'tenant-b' } });
      }
      if (!response) continue;
      expect([403, 404], `${key}: ${response.raw}`).toContain(response.status);
      for (const secret of [ids.endpointB, ids.messageB, ids.secretB, ids.urlB, 'B-1']) expect(response.raw, key).not.toContain(secret);
      checked.push(key);
    }
    // Every route that names a resource, plus the list and create routes, was called.
    const named = routes.filter((route) => route.path.includes(':') || ['GET /messages', 'POST /endpoints'].includes(`${route.method} ${route.path}`));
    expect(checked.sort()).toEqual(named.map((route) => `${route.method} ${route.path}`).sort());

    // The routes without a resource only ever show A's own.
    const listed = await call('GET', '/portal/api/endpoints');
    expect(listed.body.endpoints.map((e: { id: string }) => e.id)).toEqual([ids.endpointA]);
    for (const q of [ids.endpointB, ids.messageB, 'tenant-b', 'tenant']) {
      const found = await call('GET', '/portal/api/search', { query: `q=${encodeURIComponent(q)}` });
      const results = JSON.stringify([found.body.events, found.body.messages, found.body.endpoints]);
      expect(results, q).not.toContain(ids.endpointB);
      expect(results, q).not.toContain(ids.messageB);
      expect(found.body.events).toEqual([]);
    }
    expect((await call('GET', '/portal/api/messages')).status).toBe(400);

    // And B's resources are as they were: nothing changed, sent, retried or planted.
    const b = await o.endpoints.get(ids.endpointB);
    expect(b).toMatchObject({ enabled: true, tenantId: 'tenant-b' });
    expect(b).not.toHaveProperty('description');
    expect(b!.secrets).toHaveLength(1);
    expect(b!.secrets[0]!.secret).toBe(ids.secretB);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(receiver.received('/tenant-b')).toHaveLength(1);
    expect(receiver.received('/planted')).toHaveLength(0);
    expect((await o.endpoints.listAll()).filter((endpoint) => endpoint.tenantId === 'tenant-b').map((endpoint) => endpoint.id)).toEqual([ids.endpointB]);
  });

  it('manages tenant A’s own endpoint, deliveries and attempts', async () => {
    const endpoint = await call('GET', '/portal/api/endpoints/{id}', { params: { id: ids.endpointA } });
    expect(endpoint.body).toMatchObject({ id: ids.endpointA, tenantId: 'tenant-a' });

    const created = await call('POST', '/portal/api/endpoints', {
      body: { url: receiver.url('/tenant-a-2'), eventTypes: ['order.*'], headers: { 'X-Tenant-Key': 'k1' } },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ tenantId: 'tenant-a', headers: { 'x-tenant-key': 'k1' } });
    expect((await call('POST', '/portal/api/endpoints', { body: { url: 'ftp://nope' } })).status).toBe(400);
    const patched = await call('PATCH', '/portal/api/endpoints/{id}', {
      params: { id: created.body.id },
      body: { description: 'second', filter: 'order = "A-2"' },
    });
    expect(patched.body).toMatchObject({ description: 'second', filter: 'order = "A-2"' });
    expect((await call('PATCH', '/portal/api/endpoints/{id}', { params: { id: created.body.id }, body: {} })).status).toBe(400);
    expect((await call('GET', '/portal/api/endpoints/{id}/secret', { params: { id: created.body.id } })).body.secret).toBe(created.body.secret);
    const rotated = await call('POST', '/portal/api/endpoints/{id}/rotate-secret', { params: { id: created.body.id } });
    expect(rotated.body.secret).not.toBe(created.body.secret);

    const test = await call('POST', '/portal/api/endpoints/{id}/test', { params: { id: ids.endpointA } });
    expect(test.status).toBe(202);
    expect(test.body).toMatchObject({ tenantId: 'tenant-a', endpointId: ids.endpointA });
    await eventually(async () => receiver.received('/tenant-a').some((request) => request.headers['webhook-id'] === test.body.id), 20_000, 'the test message');
    expect((await call('POST', '/portal/api/endpoints/{id}/test', { params: { id: ids.endpointA }, body: { eventType: 'bad type' } })).status).toBe(400);

    const deliveries = await call('GET', '/portal/api/messages', { query: `endpointId=${ids.endpointA}` });
    expect(deliveries.body.deliveries.map((d: { messageId: string }) => d.messageId)).toContain(ids.messageA);
    expect((await call('GET', '/portal/api/messages', { query: `endpointId=${ids.endpointA}&limit=0` })).status).toBe(400);
    const message = await call('GET', '/portal/api/messages/{id}', { params: { id: ids.messageA } });
    expect(message.body.deliveries).toEqual([expect.objectContaining({ endpointId: ids.endpointA, status: 'succeeded' })]);
    expect((await call('GET', '/portal/api/messages/{id}/payload', { params: { id: ids.messageA } })).body.payload).toEqual({ order: 'A-1' });
    const attempts = await call('GET', '/portal/api/messages/{id}/attempts', { params: { id: ids.messageA } });
    expect(attempts.body.attempts).toEqual([expect.objectContaining({ endpointId: ids.endpointA, statusCode: 200 })]);
    expect((await call('POST', '/portal/api/messages/{id}/retry', { params: { id: ids.messageA }, body: { endpointId: ids.endpointA } })).body).toEqual({
      queued: 1,
    });
    expect((await call('POST', '/portal/api/messages/{id}/retry', { params: { id: ids.messageA }, body: { endpointId: '' } })).status).toBe(400);
    const replay = await call('POST', '/portal/api/endpoints/{id}/replay', {
      params: { id: ids.endpointA },
      body: { since: new Date(Date.now() - 3600_000).toISOString() },
    });
    expect(replay.body).toEqual({ queued: 0 });
    expect((await call('POST', '/portal/api/endpoints/{id}/replay', { params: { id: ids.endpointA }, body: { since: 'soon' } })).status).toBe(400);

    const evaluated = await call('POST', '/portal/api/expressions/evaluate', { body: { payload: { order: 'A-2' }, filter: 'order = "A-2"' } });
    expect(evaluated.body).toMatchObject({ outcome: 'sent', filter: { ok: true, passed: true } });
    expect((await call('POST', '/portal/api/expressions/evaluate', { body: {} })).status).toBe(400);
    const found = await call('GET', '/portal/api/search', { query: `q=${ids.messageA}` });
    expect(found.body.messages).toEqual([expect.objectContaining({ id: ids.messageA })]);
    expect((await call('GET', '/portal/api/search', { query: 'q=' })).status).toBe(400);

    expect((await call('DELETE', '/portal/api/endpoints/{id}', { params: { id: created.body.id } })).status).toBe(204);
    expect((await call('DELETE', '/portal/api/endpoints/{id}', { params: { id: created.body.id } })).status).toBe(404);
  });

  it('serves the portal page with the strict CSP and no credential', async () => {
    const response = await router.handle(httpEvent({ method: 'GET', path: '/portal' }));
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-security-policy']).toMatch(/script-src 'self' 'sha256-[^']+'; style-src 'self' 'sha256-[^']+'/);
    expect(response.headers['content-security-policy']).not.toContain('unsafe-inline');
    contract.check('GET', '/portal', response);
  });

  it('checked a response of every /portal operation in the spec, and the spec has every portal route', () => {
    const portalOperations = contract.operations.filter((operation) => operation.includes(' /portal'));
    expect(contract.unchecked().filter((operation) => portalOperations.includes(operation))).toEqual([]);
    const routes = tenantRoutes(api.deps)
      .filter((route) => route.portal)
      .map((route) => `${route.method} ${template(route.path)}`);
    expect(routes.filter((route) => !portalOperations.includes(route))).toEqual([]);
  });
});
