/**
 * Whatever arrives, `verify` refuses with a `SignatureError` (never another exception) and
 * `identify` answers or refuses with a `MalformedEventError`.
 */
import fc from 'fast-check';
import Stripe from 'stripe';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { GatewayError, MalformedEventError, SignatureError } from '../../../shared/errors';
import { MODULE_PROVIDERS, PRESET_PROVIDERS, hmacOptionsSchema, sourceSchema } from '../../../shared/config/schema';
import { statusFor } from '../../../shared/http/responses';
import { providerFor } from '../../../shared/signatures';
import { MAX_EVENT_ID_LENGTH } from '../../../shared/signatures/event';
import { github } from '../../../shared/signatures/github';
import { gitlab } from '../../../shared/signatures/gitlab';
import { createHmacProvider } from '../../../shared/signatures/hmac';
import { shopify } from '../../../shared/signatures/shopify';
import { slack } from '../../../shared/signatures/slack';
import { square } from '../../../shared/signatures/square';
import { standard } from '../../../shared/signatures/standard';
import { stripe } from '../../../shared/signatures/stripe';
import { twilio } from '../../../shared/signatures/twilio';
import type { Provider, SignedRequest } from '../../../shared/signatures/types';
import { nowSeconds, outcome, signedRequest, verifyContext } from './support';

const providers: Record<string, Provider> = {
  stripe,
  github,
  shopify,
  slack,
  standard,
  twilio,
  square,
  gitlab,
  'hmac (x-wss)': createHmacProvider(
    hmacOptionsSchema.parse({
      signatureHeader: 'x-wss-signature',
      timestamp: { header: 'x-wss-timestamp' },
      signedContent: '{timestamp}{body}',
      eventId: { jsonPath: 'id' },
      eventType: { jsonPath: 'type' },
    }),
  ),
  'hmac (x-webhook)': createHmacProvider(
    hmacOptionsSchema.parse({
      signatureHeader: 'x-webhook-signature',
      signatureFormat: 'keyValue',
      timestamp: { key: 't', format: 'unix' },
      signedContent: '{timestamp}.{id}.{body}',
      eventId: { header: 'x-webhook-id' },
      eventType: { header: 'x-webhook-type' },
    }),
  ),
  // Every other shipped provider, module or preset.
  ...Object.fromEntries(
    [...MODULE_PROVIDERS, ...PRESET_PROVIDERS]
      .filter((name) => !['stripe', 'github', 'shopify', 'slack', 'standard', 'twilio', 'square', 'gitlab'].includes(name))
      .map((name) => [name, providerFor(sourceSchema.parse({ name, provider: name }))]),
  ),
};

const HEADER_NAMES = [
  'stripe-signature',
  'x-hub-signature-256',
  'x-github-delivery',
  'x-github-event',
  'x-shopify-hmac-sha256',
  'x-shopify-webhook-id',
  'x-shopify-topic',
  'x-slack-signature',
  'x-slack-request-timestamp',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'svix-id',
  'svix-timestamp',
  'svix-signature',
  'x-twilio-signature',
  'i-twilio-idempotency-token',
  'x-square-hmacsha256-signature',
  'x-gitlab-token',
  'idempotency-key',
  'x-gitlab-event-uuid',
  'x-gitlab-event',
  'x-wss-signature',
  'x-wss-timestamp',
  'x-webhook-signature',
  'x-webhook-id',
  'x-webhook-type',
  'content-type',
  '__proto__',
  'constructor',
  'paddle-signature',
  'linear-signature',
  'linear-delivery',
  'x-line-signature',
  'mux-signature',
  'x-razorpay-signature',
  'x-razorpay-event-id',
  'workos-signature',
  'x-hub-signature',
  'x-hubspot-signature-v3',
  'x-hubspot-request-timestamp',
  'x-pagerduty-signature',
  'typeform-signature',
  'x-zm-signature',
  'x-zm-request-timestamp',
  'x-dropbox-signature',
  'calendly-webhook-signature',
  'x-signature-ed25519',
  'x-signature-timestamp',
  'telnyx-signature-ed25519',
  'telnyx-timestamp',
  'x-twilio-email-event-webhook-signature',
  'x-twilio-email-event-webhook-timestamp',
  'x-twitter-webhooks-signature',
  'x-hook-secret',
  'x-hook-signature',
];

const hex = fc.uint8Array({ minLength: 0, maxLength: 70 }).map((bytes) => Buffer.from(bytes).toString('hex'));
const base64 = fc.uint8Array({ minLength: 0, maxLength: 70 }).map((bytes) => Buffer.from(bytes).toString('base64'));
const timestamp = fc.oneof(
  fc.integer({ min: -1, max: 4_000_000_000 }).map(String),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('', ' ', '1e3', '0x10', '99999999999999999999', '2024-02-30T25:61:61Z'),
);
const headerValue = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 80 }),
  timestamp,
  hex.map((h) => `sha256=${h}`),
  fc.tuple(timestamp, fc.array(hex, { maxLength: 3 })).map(([t, sigs]) => [`t=${t}`, ...sigs.map((sig) => `v1=${sig}`), 'v0=00', '=', 'x'].join(',')),
  fc.array(fc.tuple(fc.constantFrom('v1', 'v1a', 'v2', ''), base64), { maxLength: 3 }).map((entries) => entries.map(([v, sig]) => `${v},${sig}`).join(' ')),
  hex.map((h) => `v0=${h}`),
  base64,
  fc.string({ minLength: 500, maxLength: 600 }),
);
const headers = fc
  .tuple(
    fc.record(Object.fromEntries(HEADER_NAMES.map((name) => [name, headerValue])), { requiredKeys: [] }),
    fc.dictionary(
      fc.string().map((name) => name.toLowerCase()),
      headerValue,
      { maxKeys: 3 },
    ),
  )
  .map(([known, other]) => ({ ...other, ...known }) as Record<string, string | undefined>);

const KEYS = [
  'id',
  'type',
  'event_id',
  'event',
  'challenge',
  'eventType',
  'MessageSid',
  'CallSid',
  'MessageStatus',
  'CallStatus',
  'SmsStatus',
  'events',
  'notificationItems',
  'signature',
  'event-data',
  'event_ts',
  'payload',
  'value',
  'for_user_id',
  'tweet_create_events',
  'data',
  'webhookTimestamp',
  'event_type',
];
const body = fc
  .oneof(
    fc.uint8Array({ maxLength: 300 }),
    fc.json().map((text) => Buffer.from(text)),
    fc.dictionary(fc.constantFrom(...KEYS), fc.oneof(fc.jsonValue(), fc.string(), fc.constant('url_verification'))).map((o) => Buffer.from(JSON.stringify(o))),
    fc.dictionary(fc.constantFrom(...KEYS), fc.string()).map((o) => Buffer.from(new URLSearchParams(o).toString())),
    fc.string({ unit: 'binary' }).map((s) => Buffer.from(s)),
  )
  .map((bytes) => Buffer.from(bytes));
const url = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.string(),
  fc.tuple(fc.webUrl(), hex).map(([u, h]) => `${u}?bodySHA256=${h}`),
  fc.string().map((s) => `https://[::1]:${s}/?${s}`),
  fc.constantFrom('https://u:p@h:8443/p?a=%ZZ&b=%ED%A0%80', 'http://h:/', 'https://h?', 'mailto:x', ''),
);
const request = fc.record(
  { body, headers, url, method: fc.constantFrom('POST', 'GET', 'PUT') },
  { requiredKeys: ['body', 'headers', 'url'] },
) as fc.Arbitrary<SignedRequest>;
const secrets = fc.oneof(
  {
    weight: 9,
    arbitrary: fc.array(fc.oneof(fc.string(), fc.constantFrom('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_', 'whsec_=', '')), {
      minLength: 1,
      maxLength: 3,
    }),
  },
  { weight: 1, arbitrary: fc.constant([]) },
);
const context = fc.record({
  secrets,
  nowSeconds: fc.oneof(fc.integer({ min: 0, max: 4_000_000_000 }), fc.constant(nowSeconds())),
  toleranceSeconds: fc.integer({ min: 1, max: 3600 }),
});

describe.each(Object.entries(providers))('%s, on arbitrary input', (_name, provider) => {
  it('verify refuses with a SignatureError and nothing else', () => {
    fc.assert(
      fc.property(request, context, (req, ctx) => {
        try {
          provider.verify(req, ctx);
        } catch (error) {
          if (!(error instanceof SignatureError)) throw error;
        }
      }),
      { numRuns: 200 },
    );
  });

  if (provider.handshake) {
    it('handshake answers, passes, or refuses with a 4xx error, and nothing else', async () => {
      await fc.assert(
        fc.asyncProperty(request, context, async (req, ctx) => {
          try {
            await provider.handshake!(req, { ...ctx, sourceName: 's', now: new Date(ctx.nowSeconds * 1000) });
          } catch (error) {
            if (!(error instanceof GatewayError) || statusFor(error) >= 500) throw error;
          }
        }),
        { numRuns: 150 },
      );
    });
  }

  it('identify answers with a usable id or a MalformedEventError, and nothing else', () => {
    fc.assert(
      fc.property(request, context, (req, ctx) => {
        try {
          const identified = provider.identify(req, ctx);
          if (identified.kind === 'event') {
            expect(identified.eventId.length).toBeGreaterThan(0);
            expect(identified.eventId.length).toBeLessThanOrEqual(MAX_EVENT_ID_LENGTH);
            expect(identified.eventType).not.toBe('');
          }
        } catch (error) {
          if (!(error instanceof MalformedEventError)) throw error;
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('library-signed requests, for arbitrary bodies', () => {
  it('are accepted, and refused with any one byte of the body changed (stripe, standard webhooks)', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }), fc.nat(), fc.integer({ min: 0, max: 7 }), (payload, at, bit) => {
        const now = nowSeconds();
        const signedRequests: Array<[Provider, SignedRequest]> = [
          [stripe, signedRequest(payload, { 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: now }) })],
          [
            standard,
            signedRequest(payload, {
              'webhook-id': 'msg_1',
              'webhook-timestamp': String(now),
              'webhook-signature': new Webhook(secret).sign('msg_1', new Date(now * 1000), payload),
            }),
          ],
        ];
        for (const [provider, req] of signedRequests) {
          expect(outcome(provider, req, verifyContext([secret], now))).toBe('accepted');
          const changed = Buffer.from(req.body);
          const index = at % changed.length;
          changed[index] = changed[index]! ^ (1 << bit);
          expect(outcome(provider, { ...req, body: changed }, verifyContext([secret], now))).toBe('mismatch');
        }
      }),
      { numRuns: 200 },
    );
  });
});
