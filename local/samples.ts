/**
 * Realistic sample webhooks for every provider, signed exactly as the provider signs them —
 * with the provider's own library where it has a signer (Stripe, GitHub's Octokit, Standard
 * Webhooks, Twilio), with `node:crypto` per the provider's documentation otherwise (Shopify,
 * Slack, Square, GitLab's token, the generic HMAC). Used by `npm run send` and by the tests.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { sign as signGithub } from '@octokit/webhooks-methods';
import Stripe from 'stripe';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import twilioWebhooks from 'twilio/lib/webhooks/webhooks.js';
import type { HmacOptions, SourceConfig } from '../shared/config/schema';
import { splitSecretValue } from '../shared/inbound/secrets';

export interface SampleWebhook {
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  readonly eventId: string;
  readonly eventType: string;
}

export interface SampleOptions {
  /** The URL the request is sent to (Twilio and Square sign it). */
  readonly url: string;
  readonly eventType?: string;
  /** Signing time in Unix seconds (default: now). */
  readonly nowSeconds?: number;
  /** Reuse an id (to send the same event again). */
  readonly eventId?: string;
}

const DEFAULT_TYPES: Record<SourceConfig['provider'], string> = {
  stripe: 'customer.subscription.created',
  github: 'push',
  shopify: 'orders/create',
  slack: 'app_mention',
  standard: 'invoice.paid',
  twilio: 'delivered',
  square: 'payment.updated',
  gitlab: 'Push Hook',
  hmac: 'order.created',
};

const JSON_TYPE = { 'content-type': 'application/json' };

function token(prefix: string, length = 24): string {
  return `${prefix}${randomBytes(length).toString('base64url').replace(/[-_]/g, '').slice(0, length)}`;
}

/** Builds and signs a sample event for `source` with `secret` (the first, if several are given). */
export async function sampleWebhook(source: SourceConfig, secretValue: string, options: SampleOptions): Promise<SampleWebhook> {
  const secret = splitSecretValue(secretValue)[0] ?? secretValue;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const eventType = options.eventType ?? DEFAULT_TYPES[source.provider];
  switch (source.provider) {
    case 'stripe': {
      const eventId = options.eventId ?? token('evt_');
      const body = JSON.stringify({
        id: eventId,
        object: 'event',
        api_version: '2024-06-20',
        created: now,
        type: eventType,
        livemode: false,
        pending_webhooks: 1,
        request: { id: token('req_', 14), idempotency_key: randomUUID() },
        data: {
          object: {
            id: token('sub_'),
            object: 'subscription',
            customer: token('cus_', 14),
            status: 'active',
            cancel_at_period_end: false,
            current_period_end: now + 30 * 86_400,
            items: { object: 'list', data: [{ id: token('si_', 14), price: { id: token('price_', 14), unit_amount: 2000, currency: 'usd' } }] },
          },
        },
      });
      const header = Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: now });
      return { headers: { ...JSON_TYPE, 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)', 'stripe-signature': header }, body: Buffer.from(body), eventId, eventType };
    }
    case 'github': {
      const eventId = options.eventId ?? randomUUID();
      const body = JSON.stringify(
        eventType === 'ping'
          ? { zen: 'Keep it logically awesome.', hook_id: 123456, hook: { type: 'Repository', active: true, events: ['push'] } }
          : {
              ref: 'refs/heads/main',
              before: randomBytes(20).toString('hex'),
              after: randomBytes(20).toString('hex'),
              repository: { id: 1296269, full_name: 'octo-org/hello-world', private: false },
              pusher: { name: 'octocat', email: 'octocat@example.com' },
              commits: [{ id: randomBytes(20).toString('hex'), message: 'Fix the thing', author: { name: 'Octo Cat' } }],
            },
      );
      return {
        headers: {
          ...JSON_TYPE,
          'user-agent': 'GitHub-Hookshot/abc1234',
          'x-github-event': eventType,
          'x-github-delivery': eventId,
          'x-github-hook-id': '123456',
          'x-hub-signature-256': await signGithub(secret, body),
        },
        body: Buffer.from(body),
        eventId,
        eventType,
      };
    }
    case 'shopify': {
      const eventId = options.eventId ?? randomUUID();
      const body = JSON.stringify({
        id: 820982911946154500 + Math.floor(Math.random() * 1000),
        email: 'jon@example.com',
        created_at: new Date(now * 1000).toISOString(),
        total_price: '199.00',
        currency: 'USD',
        line_items: [{ id: 866550311766439000, title: 'IPod Nano - 8GB', quantity: 1, price: '199.00' }],
      });
      return {
        headers: {
          ...JSON_TYPE,
          'x-shopify-topic': eventType,
          'x-shopify-webhook-id': eventId,
          'x-shopify-event-id': randomUUID(),
          'x-shopify-shop-domain': 'example.myshopify.com',
          'x-shopify-api-version': '2025-07',
          'x-shopify-triggered-at': new Date(now * 1000).toISOString(),
          'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body).digest('base64'),
        },
        body: Buffer.from(body),
        eventId,
        eventType,
      };
    }
    case 'slack': {
      const eventId = options.eventId ?? token('Ev', 10).toUpperCase();
      const body = JSON.stringify({
        token: 'XXYYZZ',
        team_id: 'T0001',
        api_app_id: 'A0001',
        type: 'event_callback',
        event_id: eventId,
        event_time: now,
        event: { type: eventType, user: 'U0001', text: '<@U0002> hello', ts: `${now}.000100`, channel: 'C0001' },
      });
      const signature = `v0=${createHmac('sha256', secret).update(`v0:${now}:${body}`).digest('hex')}`;
      return {
        headers: { ...JSON_TYPE, 'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)', 'x-slack-request-timestamp': String(now), 'x-slack-signature': signature },
        body: Buffer.from(body),
        eventId,
        eventType,
      };
    }
    case 'standard': {
      const eventId = options.eventId ?? token('msg_', 27);
      const body = JSON.stringify({ type: eventType, timestamp: new Date(now * 1000).toISOString(), data: { id: token('in_', 14), amount: 1200, currency: 'usd' } });
      const signature = new StandardWebhook(secret).sign(eventId, new Date(now * 1000), body);
      return {
        headers: { ...JSON_TYPE, 'webhook-id': eventId, 'webhook-timestamp': String(now), 'webhook-signature': signature },
        body: Buffer.from(body),
        eventId,
        eventType,
      };
    }
    case 'twilio': {
      const eventId = options.eventId ?? randomUUID();
      const params: Record<string, string> = {
        AccountSid: token('AC', 32),
        ApiVersion: '2010-04-01',
        From: '+15017122661',
        To: '+15558675310',
        MessageSid: token('SM', 32),
        SmsSid: token('SM', 32),
        MessageStatus: eventType,
        SmsStatus: eventType,
      };
      const body = new URLSearchParams(params).toString();
      return {
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'user-agent': 'TwilioProxy/1.1',
          'i-twilio-idempotency-token': eventId,
          'x-twilio-signature': twilioWebhooks.getExpectedTwilioSignature(secret, options.url, params),
        },
        body: Buffer.from(body),
        eventId,
        eventType,
      };
    }
    case 'square': {
      const eventId = options.eventId ?? randomUUID();
      const body = JSON.stringify({
        merchant_id: token('M', 13).toUpperCase(),
        type: eventType,
        event_id: eventId,
        created_at: new Date(now * 1000).toISOString(),
        data: { type: 'payment', id: token('', 22), object: { payment: { id: token('', 22), amount_money: { amount: 1000, currency: 'USD' }, status: 'COMPLETED' } } },
      });
      return {
        headers: { ...JSON_TYPE, 'x-square-hmacsha256-signature': createHmac('sha256', secret).update(options.url + body).digest('base64') },
        body: Buffer.from(body),
        eventId,
        eventType,
      };
    }
    case 'gitlab': {
      const eventId = options.eventId ?? randomUUID();
      const body = JSON.stringify({
        object_kind: 'push',
        event_name: 'push',
        ref: 'refs/heads/main',
        checkout_sha: randomBytes(20).toString('hex'),
        project: { id: 15, name: 'Diaspora', path_with_namespace: 'mike/diaspora' },
        total_commits_count: 1,
      });
      return {
        headers: { ...JSON_TYPE, 'x-gitlab-event': eventType, 'x-gitlab-event-uuid': randomUUID(), 'idempotency-key': eventId, 'x-gitlab-token': secret },
        body: Buffer.from(body),
        eventId,
        eventType,
      };
    }
    case 'hmac':
      return genericSample(source.hmac, secret, { ...options, eventType, nowSeconds: now });
  }
}

/** A sample for a generic HMAC source, following its options wherever they put things. */
function genericSample(options: HmacOptions, secret: string, sample: SampleOptions & { eventType: string; nowSeconds: number }): SampleWebhook {
  const eventId = sample.eventId ?? token('evt_');
  const document: Record<string, unknown> = { created: sample.nowSeconds, data: { id: token('obj_', 14), amount: 4200 } };
  const headers: Record<string, string> = { ...JSON_TYPE };
  place(options.eventId, eventId, document, headers);
  if (options.eventType) place(options.eventType, sample.eventType, document, headers);
  const body = JSON.stringify(document);

  const timestamp = options.timestamp?.format === 'iso8601' ? new Date(sample.nowSeconds * 1000).toISOString() : String(sample.nowSeconds);
  const signed = options.signedContent.replaceAll('{timestamp}', timestamp).replaceAll('{id}', eventId).replaceAll('{body}', body);
  const signature = options.signaturePrefix + createHmac(options.algorithm, secret).update(signed).digest(options.encoding);
  if (options.signatureFormat === 'keyValue') {
    const timestampKey = options.timestamp && 'key' in options.timestamp ? `${options.timestamp.key}=${timestamp},` : '';
    headers[options.signatureHeader] = `${timestampKey}${options.signatureKey}=${signature}`;
  } else {
    headers[options.signatureHeader] = signature;
  }
  if (options.timestamp && 'header' in options.timestamp) headers[options.timestamp.header] = timestamp;
  return { headers, body: Buffer.from(body), eventId, eventType: sample.eventType };
}

function place(location: HmacOptions['eventId'], value: string, document: Record<string, unknown>, headers: Record<string, string>): void {
  if ('header' in location) {
    headers[location.header] = value;
    return;
  }
  const keys = location.jsonPath.split('.');
  let node = document;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[keys.at(-1)!] = value;
}
