/**
 * Bad input, generated: malformed webhook requests and management API calls against the real
 * handlers and emulators. Whatever arrives, the answer is a 4xx with the JSON error body, never
 * a 5xx, and nothing is stored or queued.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleIngress } from '../../functions/ingress/handler';
import { sampleWebhook } from '../../local/samples';
import { createHarness, httpEvent, type Harness } from '../support/harness';
import { createOutboundHarness, type OutboundHarness } from '../support/outbound-harness';

let h: Harness;
let o: OutboundHarness;
beforeAll(async () => {
  h = await createHarness();
  o = await createOutboundHarness(h, { allowPrivateTargets: false });
});
afterAll(async () => o?.stop());

const SIGNATURE_HEADERS = [
  'stripe-signature',
  'x-hub-signature-256',
  'x-shopify-hmac-sha256',
  'x-slack-signature',
  'x-slack-request-timestamp',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'svix-id',
  'svix-timestamp',
  'svix-signature',
  'x-twilio-signature',
  'x-square-hmacsha256-signature',
  'x-gitlab-token',
  'x-wss-signature',
  'x-wss-timestamp',
  'paddle-signature',
  'linear-signature',
  'x-line-signature',
  'mux-signature',
  'x-razorpay-signature',
  'workos-signature',
  'x-hub-signature',
  'x-hubspot-signature-v3',
  'x-pagerduty-signature',
  'typeform-signature',
  'x-zm-signature',
  'x-dropbox-signature',
  'calendly-webhook-signature',
  'x-signature-ed25519',
  'telnyx-signature-ed25519',
  'x-twilio-email-event-webhook-signature',
  'x-twitter-webhooks-signature',
  'x-hook-signature',
];
/** Providers that carry their signature (or clientState) in the body: their unit tests change it there. */
const BODY_SIGNED = ['adyen', 'mailgun', 'msgraph'];

const text = fc.oneof(
  fc.string({ maxLength: 64 }),
  fc.string({ unit: 'grapheme', maxLength: 32 }),
  fc.constantFrom('', ' ', 't=', 'v1=', 'sha256=', 'v0=', 'v1,', 'whsec_', '=', ',,,', 't=1,v1=zz', 'v1,%%%'),
  fc.stringMatching(/^[0-9a-f]{0,130}$/),
  fc.stringMatching(/^[A-Za-z0-9+/=]{0,90}$/),
  fc.integer({ min: -1e12, max: 1e12 }).map(String),
  fc.constant('x'.repeat(9000)),
);

const headerValue = fc.oneof(
  text,
  fc.tuple(text, text).map(([a, b]) => `${a}, ${b}`),
);

const body = fc.oneof(
  fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)),
  fc.json().map((json) => Buffer.from(json)),
  fc.constantFrom('{"id":"evt_1","type":"x"', '{"id":', '\u0000\u0001', '{}', '[]', 'null', 'payload=%7B', 'a=b&c=d').map((s) => Buffer.from(s)),
  fc.constant(Buffer.from([0xff, 0xfe, 0xfd, 0x80, 0x81])),
);

const sourceSegment = fc.oneof(
  fc.constantFrom('stripe', 'github', 'shopify', 'slack', 'standard', 'twilio', 'square', 'gitlab', 'hmac'),
  fc.constantFrom('..', '../stripe', '..%2Fstripe', '%2e%2e', 'stripe/../github', 'STRIPE', 'stripe%00', ' stripe', ''),
  fc.string({ maxLength: 40 }),
);

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/octet-stream',
  'multipart/form-data; boundary=x',
  '',
);

const malformedWebhook = fc.record({
  source: sourceSegment,
  contentType,
  headers: fc.dictionary(
    fc.constantFrom(...SIGNATURE_HEADERS, 'x-github-delivery', 'x-github-event', 'x-shopify-webhook-id', 'i-twilio-idempotency-token', 'idempotency-key'),
    headerValue,
    { maxKeys: 8 },
  ),
  body,
  sourceIp: fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('', 'not-an-ip', '::ffff:10.0.0.1')),
});

async function storedEvents(): Promise<number> {
  const result = await h.clients.documents.send(
    new ScanCommand({
      TableName: h.resources.tableName,
      FilterExpression: 'kind = :kind',
      ExpressionAttributeValues: { ':kind': 'inbound-event' },
      Select: 'COUNT',
    }),
  );
  return result.Count ?? 0;
}

function expectJsonError(response: { statusCode: number; body: string; headers: Record<string, string> }): void {
  expect(response.statusCode).toBeGreaterThanOrEqual(400);
  expect(response.statusCode).toBeLessThan(500);
  expect(response.headers['content-type']).toBe('application/json');
  const parsed = JSON.parse(response.body) as { error?: { code?: unknown; message?: unknown } };
  expect(Object.keys(parsed)).toEqual(['error']);
  expect(typeof parsed.error?.code).toBe('string');
  expect(typeof parsed.error?.message).toBe('string');
}

describe('generated bad input', () => {
  it('1,000 malformed webhook requests: no 5xx, always the JSON error, nothing stored or queued', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(malformedWebhook, async (request) => {
        runs++;
        const event = httpEvent({
          path: `/webhooks/${request.source}`,
          pathParameters: { source: request.source },
          headers: { ...request.headers, ...(request.contentType ? { 'content-type': request.contentType } : {}) },
          body: request.body,
          sourceIp: request.sourceIp,
        });
        expectJsonError(await handleIngress(event, h.receiveDeps()));
      }),
      { numRuns: 1000 },
    );
    expect(runs).toBe(1000);
    expect(await storedEvents()).toBe(0);
    expect(await h.queueDepth(h.resources.inbound.queueUrl)).toBe(0);
  });

  it('authentic requests with far-off timestamps, or one byte of signature changed, are refused and not stored', async () => {
    const sources = h.config.sources.filter((source) => !BODY_SIGNED.includes(source.provider));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...sources),
        fc.oneof(fc.integer({ min: 301, max: 10 ** 9 }), fc.integer({ min: -(10 ** 9), max: -301 })),
        fc.nat(),
        async (source, offset, position) => {
          const timestamped = ['stripe', 'slack', 'standard', 'hmac'].includes(source.name);
          const sample = await sampleWebhook(source, h.secrets[source.name]!, {
            url: `https://hooks.example.test/webhooks/${source.name}`,
            ...(h.signingKeys[source.name] ? { signingKey: h.signingKeys[source.name]! } : {}),
            ...(timestamped ? { nowSeconds: Math.floor(Date.now() / 1000) + offset } : {}),
          });
          const headers = { ...sample.headers };
          if (!timestamped) {
            // Change one character of the signature instead (to a digit: hex is case-insensitive).
            const name = Object.keys(headers).find((key) => SIGNATURE_HEADERS.includes(key) && !key.endsWith('timestamp') && !key.endsWith('-id'))!;
            const value = headers[name]!;
            const at = position % value.length;
            headers[name] = value.slice(0, at) + (value[at] === '0' ? '1' : '0') + value.slice(at + 1);
          }
          const response = await handleIngress(
            httpEvent({
              path: `/webhooks/${source.name}`,
              pathParameters: { source: source.name },
              headers,
              body: sample.body,
              domainName: 'hooks.example.test',
            }),
            h.receiveDeps(),
          );
          expectJsonError(response);
          expect(response.statusCode).toBe(401);
        },
      ),
      { numRuns: 200 },
    );
    expect(await storedEvents()).toBe(0);
  });

  it('1,000 malformed management API calls: no 5xx, always the JSON error', async () => {
    const routes = [
      ['POST', '/api/v1/endpoints'],
      ['PATCH', '/api/v1/endpoints/ep_x'],
      ['POST', '/api/v1/messages'],
      ['POST', '/api/v1/messages/msg_x/retry'],
      ['POST', '/api/v1/endpoints/ep_x/replay'],
      ['GET', '/api/v1/sources/stripe/events'],
      ['GET', '/api/v1/messages'],
    ] as const;
    const malformedBody = fc.oneof(
      fc.constantFrom(
        '{',
        '[',
        'null',
        '"x"',
        '{"url":1}',
        '{"url":"javascript:alert(1)"}',
        '{"url":"http://169.254.169.254/"}',
        '{"eventType":"","payload":1}',
        '{"since":"nope"}',
        '{"endpointId":5}',
        '{"filter":")("}',
      ),
      fc.json().filter((json) => !/^\{/.test(json)),
      fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
    );
    const query = fc.constantFrom('limit=0', 'limit=abc', 'limit=101', 'status=bogus', 'since=yesterday', 'cursor=%%%', 'cursor=eyJ4Ijo', 'unknown=1');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ route: fc.constantFrom(...routes.slice(0, 5)), body: malformedBody, query: fc.constant('') }),
          fc.record({ route: fc.constantFrom(routes[5]!, routes[6]!), body: fc.constant(''), query }),
          fc.record({
            route: fc.tuple(
              fc.constantFrom('GET', 'DELETE', 'PUT'),
              fc.constantFrom('/api/v1/../../etc/passwd', '/api/v1/endpoints/%', '/api/v1/sources/..%2f..%2f/events/x', '/api/v1/nope', '/api/v2/endpoints'),
            ),
            body: fc.constant(''),
            query: fc.constant(''),
          }),
        ),
        async ({ route, body: requestBody, query: queryString }) => {
          const [method, path] = route as readonly [string, string];
          const response = await o.router.handle(
            httpEvent({ method, path, query: queryString, headers: { 'content-type': 'application/json' }, ...(requestBody ? { body: requestBody } : {}) }),
          );
          expectJsonError(response);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
