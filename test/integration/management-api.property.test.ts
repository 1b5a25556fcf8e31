/**
 * No input earns a 5xx from the management API. Requests are generated from `openapi.yaml`: every
 * operation the API router serves, its path parameters (ids of any length and alphabet, and real
 * ones), its query parameters (valid by their schema, of the wrong type, and forged or truncated
 * cursors) and its request body (valid by its schema, of the wrong type, nested 10,000 deep,
 * over a megabyte), with and without a portal token. Every answer must be one the spec documents
 * for that operation (status, media type and body schema); every 4xx carries the JSON error body.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { handleIngress } from '../../functions/ingress/handler';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulators';
import { MessageMoveProxy } from '../../local/message-move';
import { sampleWebhook } from '../../local/samples';
import { signPortalToken } from '../../shared/api/portal-token';
import type { Router } from '../../shared/http/router';
import { createApiRouter } from '../support/api-router';
import { createHarness, httpEvent, type Harness } from '../support/harness';
import { loadContract } from '../support/openapi';

type Json = Record<string, any>;

const contract = loadContract();
const spec = contract.spec as Json;
/**
 * Served by other functions than the api router: ingress, the status stream, the health check, and
 * the local runtime's own view of its destination stand-ins (test/e2e/destinations.test.ts).
 */
const ELSEWHERE = [/^\/webhooks\//, /^\/api\/v1\/stream$/, /^\/health$/, /^\/local\//];
const RUNS = 1000;
/** A path segment sent as it stands: percent-encoding that does not decode to UTF-8. */
const RAW_INVALID = '%E0%A4%A';
const DEPTH = 10_000;

let h: Harness;
let router: Router;
let portalKey: string;
let messageMove: MessageMoveProxy;
let redriveSqs: SQSClient;
/** Real values to mix in: ids and cursors the API handed out. */
const known = { eventIds: [] as string[], endpointIds: [] as string[], messageIds: [] as string[], cursors: [] as string[] };

beforeAll(async () => {
  h = await createHarness();
  messageMove = new MessageMoveProxy({ upstream: inject('sqsEndpoint'), sqs: h.clients.sqs, queues: [h.resources.inbound, h.resources.outbound] });
  redriveSqs = new SQSClient({ endpoint: await messageMove.listen(), region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  ({ router, portalKey } = createApiRouter(h, { sqs: redriveSqs }));
  const github = h.config.sources.find((source) => source.name === 'github')!;
  for (let i = 0; i < 3; i++) {
    const sample = await sampleWebhook(github, h.secrets.github!, { url: 'https://hooks.example.test/webhooks/github' });
    const response = await handleIngress(
      httpEvent({
        path: '/webhooks/github',
        pathParameters: { source: 'github' },
        headers: sample.headers,
        body: sample.body,
        domainName: 'hooks.example.test',
      }),
      h.receiveDeps(),
    );
    known.eventIds.push((JSON.parse(response.body) as { id: string }).id);
  }
  for (const tenantId of ['acme', 'globex']) {
    const created = await call('POST', '/api/v1/endpoints', { body: JSON.stringify({ url: 'https://example.test/hook', tenantId }) });
    known.endpointIds.push((JSON.parse(created.body) as { id: string }).id);
  }
  for (let i = 0; i < 3; i++) {
    const published = await call('POST', '/api/v1/messages', { body: JSON.stringify({ eventType: 'order.created', payload: { n: i }, tenantId: 'acme' }) });
    known.messageIds.push((JSON.parse(published.body) as { id: string }).id);
  }
  for (const path of ['/api/v1/sources/github/events', '/api/v1/messages']) {
    const page = JSON.parse((await call('GET', path, { query: 'limit=1' })).body) as { nextCursor?: string };
    if (page.nextCursor) known.cursors.push(page.nextCursor);
  }
  expect(known.cursors).toHaveLength(2);
});

afterAll(async () => {
  redriveSqs?.destroy();
  await messageMove?.stop();
});

function call(method: string, path: string, options: { query?: string; body?: string | Buffer; headers?: Record<string, string> } = {}) {
  return router.handle(
    httpEvent({
      method,
      path,
      headers: { 'content-type': 'application/json', ...options.headers },
      ...(options.query ? { query: options.query } : {}),
      ...(options.body === undefined ? {} : { body: options.body }),
    }),
  );
}

/** `#/components/...` followed. */
function resolve(node: Json | undefined): Json | undefined {
  let current = node;
  for (let hops = 0; current && typeof current.$ref === 'string' && hops < 10; hops++) {
    current = current.$ref
      .slice(2)
      .split('/')
      .reduce((at: Json | undefined, part: string) => at?.[part], spec);
  }
  return current;
}

/** Values valid by a JSON schema (the subset openapi.yaml uses), shallowly. */
function fromSchema(node: Json | undefined, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(node) ?? {};
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...(schema.enum as unknown[]));
  const variants = (schema.oneOf ?? schema.anyOf) as Json[] | undefined;
  if (variants) return fc.oneof(...variants.map((variant) => fromSchema(variant, depth)));
  if (schema.allOf) return fromSchema({ ...Object.assign({}, ...(schema.allOf as Json[]).map((part) => resolve(part))), allOf: undefined }, depth);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (depth > 3) return fc.constant(null);
  switch (type) {
    case 'string':
      if (schema.format === 'uri' || /url/i.test(String(schema.description ?? ''))) {
        return fc.constantFrom('https://example.test/hook', 'http://127.0.0.1:9/x', 'https://example.test/a?b=c');
      }
      if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((date) => date.toISOString());
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) });
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 100_000 });
    case 'number':
      return fc.double({ noNaN: true, min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6 });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(fromSchema(schema.items, depth + 1), { maxLength: 3 });
    case 'object': {
      const properties = Object.entries((schema.properties ?? {}) as Record<string, Json>);
      if (properties.length === 0) return fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });
      const required = new Set((schema.required ?? []) as string[]);
      return fc.record(Object.fromEntries(properties.map(([name, property]) => [name, fromSchema(property, depth + 1)])), {
        requiredKeys: properties.map(([name]) => name).filter((name) => required.has(name)),
      });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** A JSON text nested `depth` deep (arrays or objects), at a place a valid body would carry a payload. */
function deepJson(kind: 'array' | 'object', depth: number): string {
  return kind === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** Ids of any length and alphabet, and the real ones. */
const anyId = (real: () => string[]) =>
  fc.oneof(
    fc.constant(null).map(() => fc.sample(fc.constantFrom(...real()), 1)[0]!),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 64 }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
    fc.integer({ min: 1, max: 4000 }).map((length) => 'x'.repeat(length)),
    fc.integer({ min: 300, max: 1200 }).map((length) => '☃'.repeat(length)),
    fc.constant(RAW_INVALID),
    fc.constantFrom(' ', '.', '..', '%', '#', 'a#b', 'ep_x#EVENT', 'msg_\u0000', 'é', '\uFFFF', 'ep_../../x', 'EVENT#github#x'),
  );

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** Cursors forged, truncated, of other listings, or not base64url at all. */
const anyCursor = fc.oneof(
  fc.constant(null).map(() => known.cursors[0]!),
  fc.constant(null).map(() => known.cursors[1]!),
  fc.tuple(fc.constantFrom(0, 1), fc.nat()).map(([which, at]) => known.cursors[which]!.slice(0, at % known.cursors[which]!.length)),
  fc.jsonValue({ maxDepth: 3 }).map(base64url),
  fc
    .record({
      pk: fc.string({ maxLength: 3000 }),
      sk: fc.string(),
      gsi1pk: fc.constantFrom('SOURCE#github', 'SOURCE#stripe', 'MESSAGES', 'ENDPOINTS', ''),
      gsi1sk: fc.string(),
    })
    .map(base64url),
  fc.record({ pk: fc.integer(), sk: fc.constant({ nested: true }) }).map(base64url),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.constantFrom('%%%', 'eyJ4Ijo', 'e30', 'W10', 'bnVsbA', '!!!', '*'.repeat(2048)),
);

interface Operation {
  readonly method: string;
  readonly template: string;
  readonly parameters: Json[];
  readonly body?: Json;
  readonly portal: boolean;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const operations: Operation[] = Object.entries(spec.paths as Record<string, Json>).flatMap(([template, item]) =>
  ELSEWHERE.some((pattern) => pattern.test(template))
    ? []
    : METHODS.filter((method) => item[method]).map((method) => {
        const operation = item[method] as Json;
        const parameters = [...((item.parameters ?? []) as Json[]), ...((operation.parameters ?? []) as Json[])].map((p) => resolve(p)!);
        const body = resolve(operation.requestBody)?.content?.['application/json']?.schema as Json | undefined;
        return { method: method.toUpperCase(), template, parameters, ...(body ? { body } : {}), portal: template.startsWith('/portal/api') };
      }),
);

function pathValue(name: string, template: string): fc.Arbitrary<string> {
  if (name === 'source')
    return fc.oneof(
      fc.constantFrom('github', 'stripe', 'hmac'),
      anyId(() => ['github']),
    );
  if (name === 'eventId') return anyId(() => known.eventIds);
  if (name === 'queue')
    return fc.oneof(
      fc.constantFrom('inbound', 'outbound'),
      anyId(() => ['inbound']),
    );
  if (name === 'tenantId') return anyId(() => ['acme']);
  if (name === 'id') return template.includes('/messages/') ? anyId(() => known.messageIds) : anyId(() => known.endpointIds);
  return anyId(() => ['x']);
}

/** A query parameter: absent, valid by its schema, or not (and, for cursors, forged). */
function queryValue(parameter: Json): fc.Arbitrary<string | undefined> {
  const valid =
    parameter.name === 'endpointId'
      ? anyId(() => known.endpointIds)
      : fromSchema(parameter.schema).map((value) => (typeof value === 'string' ? value : JSON.stringify(value)));
  const invalid =
    parameter.name === 'cursor'
      ? anyCursor
      : fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom('', '-1', '0', '1e309', 'NaN', 'true', '[]', '{}', 'x'.repeat(5000)));
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: parameter.name === 'cursor' ? 0 : 2, arbitrary: valid },
    { weight: parameter.name === 'cursor' ? 3 : 1, arbitrary: invalid },
  );
}

function bodyValue(operation: Operation): fc.Arbitrary<string | Buffer | undefined> {
  const valid = operation.body ? fromSchema(operation.body).map((value) => JSON.stringify(value)) : fc.constant(undefined);
  const deep = fc.constantFrom('array', 'object').map((kind) => deepJson(kind as 'array' | 'object', DEPTH));
  return fc.oneof(
    { weight: 4, arbitrary: valid },
    // A valid shape with every value replaced by one nested 10,000 deep, where a payload would go.
    {
      weight: 2,
      arbitrary: fc.tuple(valid, deep).map(([text, nested]) => {
        const parsed = text === undefined ? {} : (JSON.parse(text) as unknown);
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return nested;
        const keys = Object.keys(parsed);
        return `{${[...keys.map((key) => `${JSON.stringify(key)}:${nested}`), `"payload":${nested}`].filter((_, i, all) => all.indexOf(_) === i).join(',')}}`;
      }),
    },
    { weight: 1, arbitrary: deep },
    { weight: 1, arbitrary: fc.constant(null).map(() => JSON.stringify({ eventType: 'big.one', payload: { blob: 'x'.repeat(1_200_000) } })) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)) },
    { weight: 1, arbitrary: fc.constantFrom('{', '[1,', '{"a":1}}', 'null', '"', '\u0000') },
  );
}

const request = fc.constantFrom(...operations).chain((operation) =>
  fc.record({
    operation: fc.constant(operation),
    path: fc.tuple(...[...operation.template.matchAll(/\{(\w+)\}/g)].map((match) => pathValue(match[1]!, operation.template)), fc.constant('')),
    query: fc.tuple(
      ...operation.parameters
        .filter((parameter) => parameter.in === 'query')
        .map((parameter) => queryValue(parameter).map((value) => [parameter.name as string, value] as const)),
      fc.constant(['', undefined] as const),
    ),
    body: bodyValue(operation),
    token: fc.constantFrom('valid', 'valid', 'valid', 'none', 'garbage'),
  }),
);

/** Percent-encodes a path segment as a client would; a lone surrogate becomes an invalid UTF-8 sequence. */
function encodeSegment(value: string): string {
  if (value === RAW_INVALID) return value;
  try {
    return encodeURIComponent(value);
  } catch {
    return `${encodeURIComponent(value.replace(/[\uD800-\uDFFF]/g, ''))}%ED%A0%80`;
  }
}

describe('the management API under generated requests', () => {
  it(`answers ${RUNS} requests drawn from openapi.yaml only with documented 2xx and 4xx, the JSON error body on every 4xx`, async () => {
    const statuses = new Map<number, number>();
    const byOperation = new Map<string, number>();
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(request, async ({ operation, path, query, body, token }) => {
        runs++;
        let index = 0;
        const url = operation.template.replace(/\{(\w+)\}/g, () => encodeSegment(path[index++] as string));
        const search = new URLSearchParams(
          query.filter((entry): entry is readonly [string, string] => entry[1] !== undefined && entry[0] !== '') as [string, string][],
        );
        const headers: Record<string, string> = {};
        if (operation.portal && token !== 'none') {
          headers.authorization = token === 'valid' ? `Bearer ${signPortalToken([portalKey], 'acme', new Date(Date.now() + 600_000))}` : 'Bearer v1.garbage.x';
        }
        const response = await call(operation.method, url, {
          headers,
          ...(search.size ? { query: search.toString() } : {}),
          ...(body === undefined || operation.method === 'GET' || operation.method === 'DELETE' ? {} : { body }),
        });
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        const seen = `${operation.method} ${operation.template} ${response.statusCode}${search.has('cursor') ? ' cursor' : ''}`;
        byOperation.set(seen, (byOperation.get(seen) ?? 0) + 1);
        const where = `${operation.method} ${url.slice(0, 200)}${search.size ? `?${search.toString().slice(0, 200)}` : ''}`;
        expect(response.statusCode, `${where}: ${response.body.slice(0, 300)}`).toBeLessThan(500);
        contract.check(operation.method, operation.template, response);
        if (response.statusCode >= 400) {
          const parsed = JSON.parse(response.body) as { error?: { code?: unknown; message?: unknown } };
          expect(Object.keys(parsed), where).toEqual(['error']);
          expect(typeof parsed.error?.code, where).toBe('string');
          expect(typeof parsed.error?.message, where).toBe('string');
        }
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    expect(runs).toBeGreaterThanOrEqual(RUNS);
    // The generator reaches both sides: accepted requests and refused ones.
    expect([...statuses.keys()].some((status) => status < 300)).toBe(true);
    expect([...statuses.keys()].some((status) => status >= 400)).toBe(true);
    // Every operation the router serves was called.
    const called = new Set([...byOperation.keys()].map((key) => key.split(' ').slice(0, 2).join(' ')));
    expect(operations.filter((operation) => !called.has(`${operation.method} ${operation.template}`))).toEqual([]);
  });

  it('pages on with a cursor it returned, and answers a forged, truncated or foreign one with 400 invalid_cursor', async () => {
    const listings = ['/api/v1/sources/github/events', '/api/v1/messages'];
    for (const [index, path] of listings.entries()) {
      const cursor = known.cursors[index]!;
      expect((await call('GET', path, { query: new URLSearchParams({ limit: '1', cursor }).toString() })).statusCode, path).toBe(200);
      const foreign = known.cursors[1 - index]!;
      const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, string>;
      for (const forged of [
        cursor.slice(0, -3),
        foreign,
        base64url({ ...decoded, gsi1pk: 'SOURCE#stripe' }),
        base64url({ ...decoded, extra: 'x' }),
        base64url({ ...decoded, gsi1sk: '☃'.repeat(400) }),
        base64url({ ...decoded, sk: 7 }),
      ]) {
        const response = await call('GET', path, { query: new URLSearchParams({ cursor: forged }).toString() });
        expect(response.statusCode, `${path} ${forged}`).toBe(400);
        expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'invalid_cursor' } });
      }
    }
  });
});
