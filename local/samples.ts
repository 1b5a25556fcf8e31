/**
 * Realistic sample webhooks for every provider, signed exactly as the provider signs them —
 * with the provider's own library where it has a signer (Stripe, GitHub's Octokit, Standard
 * Webhooks, Twilio), with `node:crypto` per the provider's documentation otherwise (Shopify,
 * Slack, Square — whose SDK only verifies —, GitLab's token, the generic HMAC). Used by
 * `npm run send` and by the tests.
 *
 * Asynchronous because Octokit's `sign` is (it uses Web Crypto).
 */
import { createHmac, randomBytes, randomInt, randomUUID } from 'node:crypto';
import { sign as signGithub } from '@octokit/webhooks-methods';
import Stripe from 'stripe';
import { Webhook as StandardWebhook } from 'standardwebhooks';
// The webhooks module alone: the `twilio` entry point loads the whole REST client.
import twilioWebhooks from 'twilio/lib/webhooks/webhooks.js';
import type { HmacOptions, SourceConfig } from '../shared/config/schema';
import { splitSecretValue } from '../shared/inbound/secrets';

export interface SampleWebhook {
  /** Header names lower-cased. */
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  /** The id the gateway dedupes on (what `GET /api/v1/sources/{source}/events/{id}` takes). */
  readonly eventId: string;
  /** The type the gateway reports for this request. */
  readonly eventType: string;
}

export interface SampleOptions {
  /** The URL the request is sent to (Twilio and Square sign it, byte for byte). */
  readonly url: string;
  readonly eventType?: string;
  /** Signing time in Unix seconds (default: now). */
  readonly nowSeconds?: number;
  /** Reuse an id (to send the same event again). */
  readonly eventId?: string;
}

export const DEFAULT_EVENT_TYPES: Readonly<Record<SourceConfig['provider'], string>> = {
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

const JSON_TYPE = { 'content-type': 'application/json' } as const;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const UPPER = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function randomText(length: number, alphabet = BASE62): string {
  let text = '';
  for (let i = 0; i < length; i++) text += alphabet[randomInt(alphabet.length)];
  return text;
}

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
const iso = (seconds: number): string => new Date(seconds * 1000).toISOString();
const json = (document: unknown): Buffer => Buffer.from(JSON.stringify(document));

/**
 * Builds and signs a sample event for `source` with `secretValue` (the first secret, if the
 * value holds several separated by commas).
 */
export async function sampleWebhook(source: SourceConfig, secretValue: string, options: SampleOptions): Promise<SampleWebhook> {
  const secret = splitSecretValue(secretValue)[0] ?? secretValue;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const eventType = options.eventType ?? DEFAULT_EVENT_TYPES[source.provider];
  const sample = { ...options, eventType, nowSeconds: now };
  switch (source.provider) {
    case 'stripe':
      return stripeSample(secret, sample);
    case 'github':
      return githubSample(secret, sample);
    case 'shopify':
      return shopifySample(secret, sample);
    case 'slack':
      return slackSample(secret, sample);
    case 'standard':
      return standardSample(secret, sample);
    case 'twilio':
      return twilioSample(secret, sample);
    case 'square':
      return squareSample(secret, sample);
    case 'gitlab':
      return gitlabSample(secret, sample);
    case 'hmac':
      return hmacSample(source.hmac, secret, sample);
  }
}

type Sample = SampleOptions & { readonly eventType: string; readonly nowSeconds: number };

// Stripe: an `event` object; `Stripe-Signature: t=<ts>,v1=<hex HMAC-SHA256 of "<ts>.<body>">`.
function stripeSample(secret: string, { eventType, nowSeconds: now, eventId: id }: Sample): SampleWebhook {
  const eventId = id ?? `evt_1${randomText(23)}`;
  const object = stripeObject(eventType, now);
  const body = JSON.stringify({
    id: eventId,
    object: 'event',
    api_version: '2024-06-20',
    created: now,
    data: { object, ...(eventType.endsWith('.updated') ? { previous_attributes: { status: 'trialing' } } : {}) },
    livemode: false,
    pending_webhooks: 1,
    request: { id: `req_${randomText(14)}`, idempotency_key: randomUUID() },
    type: eventType,
  });
  const header = Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: now });
  return {
    headers: { ...JSON_TYPE, 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)', 'stripe-signature': header },
    body: Buffer.from(body),
    eventId,
    eventType,
  };
}

/** `data.object` of a Stripe event, by the type's family. */
function stripeObject(eventType: string, now: number): Record<string, unknown> {
  const customer = `cus_${randomText(14)}`;
  if (eventType.startsWith('customer.subscription.')) {
    return {
      id: `sub_1${randomText(23)}`,
      object: 'subscription',
      customer,
      status: eventType === 'customer.subscription.deleted' ? 'canceled' : 'active',
      cancel_at_period_end: false,
      collection_method: 'charge_automatically',
      created: now,
      current_period_start: now,
      current_period_end: now + 30 * 86_400,
      currency: 'usd',
      items: {
        object: 'list',
        data: [
          {
            id: `si_${randomText(14)}`,
            object: 'subscription_item',
            price: { id: `price_1${randomText(23)}`, object: 'price', currency: 'usd', unit_amount: 2000, recurring: { interval: 'month', interval_count: 1 } },
            quantity: 1,
          },
        ],
      },
      livemode: false,
    };
  }
  if (eventType.startsWith('invoice.')) {
    return {
      id: `in_1${randomText(23)}`,
      object: 'invoice',
      customer,
      subscription: `sub_1${randomText(23)}`,
      status: eventType === 'invoice.paid' || eventType === 'invoice.payment_succeeded' ? 'paid' : 'open',
      amount_due: 2000,
      amount_paid: eventType === 'invoice.paid' ? 2000 : 0,
      currency: 'usd',
      created: now,
      livemode: false,
    };
  }
  if (eventType.startsWith('payment_intent.')) {
    return {
      id: `pi_3${randomText(23)}`,
      object: 'payment_intent',
      amount: 2000,
      currency: 'usd',
      customer,
      status: eventType === 'payment_intent.succeeded' ? 'succeeded' : 'requires_payment_method',
      created: now,
      livemode: false,
    };
  }
  if (eventType.startsWith('checkout.session.')) {
    return {
      id: `cs_test_${randomText(58)}`,
      object: 'checkout.session',
      customer,
      mode: 'subscription',
      status: 'complete',
      payment_status: 'paid',
      amount_total: 2000,
      currency: 'usd',
      created: now,
      livemode: false,
    };
  }
  if (eventType.startsWith('customer.')) {
    return { id: customer, object: 'customer', email: 'jenny.rosen@example.com', name: 'Jenny Rosen', created: now, livemode: false };
  }
  const family = eventType.split('.')[0] || 'object';
  return { id: `${family.slice(0, 4)}_${randomText(24)}`, object: family, created: now, livemode: false };
}

// GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`; id in `X-GitHub-Delivery`.
async function githubSample(secret: string, { eventType, eventId: id }: Sample): Promise<SampleWebhook> {
  const eventId = id ?? randomUUID();
  const repository = {
    id: 1296269,
    node_id: 'MDEwOlJlcG9zaXRvcnkxMjk2MjY5',
    name: 'hello-world',
    full_name: 'octo-org/hello-world',
    private: false,
    owner: { login: 'octo-org', id: 6811672, type: 'Organization' },
    html_url: 'https://github.com/octo-org/hello-world',
    default_branch: 'main',
  };
  const sender = { login: 'octocat', id: 583231, type: 'User' };
  const hookId = 123456789;
  let document: Record<string, unknown>;
  if (eventType === 'ping') {
    document = {
      zen: 'Keep it logically awesome.',
      hook_id: hookId,
      hook: { type: 'Repository', id: hookId, name: 'web', active: true, events: ['push', 'pull_request'], config: { content_type: 'json', insecure_ssl: '0' } },
      repository,
      sender,
    };
  } else if (eventType === 'push') {
    const after = hex(20);
    const commit = {
      id: after,
      tree_id: hex(20),
      distinct: true,
      message: 'Fix the flux capacitor',
      timestamp: new Date().toISOString(),
      url: `https://github.com/octo-org/hello-world/commit/${after}`,
      author: { name: 'The Octocat', email: 'octocat@github.com', username: 'octocat' },
      committer: { name: 'GitHub', email: 'noreply@github.com', username: 'web-flow' },
      added: [],
      removed: [],
      modified: ['README.md'],
    };
    document = {
      ref: 'refs/heads/main',
      before: hex(20),
      after,
      repository,
      pusher: { name: 'octocat', email: 'octocat@github.com' },
      sender,
      created: false,
      deleted: false,
      forced: false,
      base_ref: null,
      compare: `https://github.com/octo-org/hello-world/compare/${after.slice(0, 12)}`,
      commits: [commit],
      head_commit: commit,
    };
  } else if (eventType === 'pull_request') {
    document = {
      action: 'opened',
      number: 42,
      pull_request: { id: 1_000_000_000 + randomInt(1_000_000), number: 42, state: 'open', title: 'Add a feature', user: sender, head: { ref: 'feature' }, base: { ref: 'main' } },
      repository,
      sender,
    };
  } else if (eventType === 'issues') {
    document = { action: 'opened', issue: { id: 2_000_000_000 + randomInt(1_000_000), number: 7, state: 'open', title: 'Found a bug', user: sender }, repository, sender };
  } else {
    document = { action: 'created', repository, sender };
  }
  const body = JSON.stringify(document);
  return {
    headers: {
      ...JSON_TYPE,
      'user-agent': `GitHub-Hookshot/${hex(4).slice(0, 7)}`,
      'x-github-event': eventType,
      'x-github-delivery': eventId,
      'x-github-hook-id': String(hookId),
      'x-github-hook-installation-target-type': 'repository',
      'x-github-hook-installation-target-id': String(repository.id),
      'x-hub-signature-256': await signGithub(secret, body),
    },
    body: Buffer.from(body),
    eventId,
    eventType,
  };
}

// Shopify: `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256 of the body>`; id in `X-Shopify-Webhook-Id`.
function shopifySample(secret: string, { eventType, nowSeconds: now, eventId: id }: Sample): SampleWebhook {
  const eventId = id ?? randomUUID();
  const created = iso(now);
  const resourceId = 5_000_000_000_000 + randomInt(1_000_000_000);
  const customer = { id: 6_000_000_000_000 + randomInt(1_000_000_000), email: 'bob.norman@example.com', first_name: 'Bob', last_name: 'Norman' };
  let document: Record<string, unknown>;
  if (eventType.startsWith('products/')) {
    document = {
      id: resourceId,
      admin_graphql_api_id: `gid://shopify/Product/${resourceId}`,
      title: 'Example T-Shirt',
      handle: 'example-t-shirt',
      status: 'active',
      vendor: 'Acme',
      created_at: created,
      updated_at: created,
      variants: [{ id: resourceId + 1, title: 'Small', price: '19.99', sku: 'EX-TS-S' }],
    };
  } else if (eventType.startsWith('customers/')) {
    document = { ...customer, id: resourceId, admin_graphql_api_id: `gid://shopify/Customer/${resourceId}`, created_at: created, updated_at: created, state: 'enabled' };
  } else {
    document = {
      id: resourceId,
      admin_graphql_api_id: `gid://shopify/Order/${resourceId}`,
      name: `#${1000 + randomInt(9000)}`,
      order_number: 1000 + randomInt(9000),
      email: customer.email,
      created_at: created,
      updated_at: created,
      currency: 'USD',
      financial_status: 'paid',
      fulfillment_status: null,
      subtotal_price: '199.00',
      total_price: '199.00',
      total_tax: '0.00',
      customer,
      line_items: [{ id: resourceId + 1, product_id: resourceId + 2, title: 'IPod Nano - 8GB', quantity: 1, price: '199.00', sku: 'IPOD2008PINK' }],
    };
  }
  const body = JSON.stringify(document);
  return {
    headers: {
      ...JSON_TYPE,
      'user-agent': 'Shopify-Captain-Hook',
      'x-shopify-topic': eventType,
      'x-shopify-webhook-id': eventId,
      'x-shopify-event-id': randomUUID(),
      'x-shopify-shop-domain': 'example.myshopify.com',
      'x-shopify-api-version': '2025-07',
      'x-shopify-triggered-at': created,
      'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body).digest('base64'),
    },
    body: Buffer.from(body),
    eventId,
    eventType,
  };
}

// Slack Events API: `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<timestamp>:<body>">`.
function slackSample(secret: string, { eventType, nowSeconds: now, eventId: id }: Sample): SampleWebhook {
  const eventId = id ?? `Ev0${randomText(8, UPPER)}`;
  const team = `T0${randomText(8, UPPER)}`;
  const body = JSON.stringify({
    token: randomText(24),
    team_id: team,
    context_team_id: team,
    api_app_id: `A0${randomText(8, UPPER)}`,
    event: {
      type: eventType,
      user: `U0${randomText(8, UPPER)}`,
      text: '<@U0LAN0Z89> is it everything a river should be?',
      ts: `${now}.${String(randomInt(1_000_000)).padStart(6, '0')}`,
      channel: `C0${randomText(8, UPPER)}`,
      event_ts: `${now}.000100`,
    },
    type: 'event_callback',
    event_id: eventId,
    event_time: now,
    authorizations: [{ enterprise_id: null, team_id: team, user_id: `U0${randomText(8, UPPER)}`, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: `4-${randomText(40)}`,
  });
  const timestamp = String(now);
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return {
    headers: { ...JSON_TYPE, 'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)', 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signature },
    body: Buffer.from(body),
    eventId,
    eventType,
  };
}

// Standard Webhooks: `webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`.
function standardSample(secret: string, { eventType, nowSeconds: now, eventId: id }: Sample): SampleWebhook {
  const eventId = id ?? `msg_${randomText(27)}`;
  const body = JSON.stringify({
    type: eventType,
    timestamp: iso(now),
    data: { id: `in_${randomText(24)}`, customer_id: `cus_${randomText(14)}`, amount: 1200, currency: 'usd', status: 'paid' },
  });
  const signature = new StandardWebhook(secret).sign(eventId, new Date(now * 1000), body);
  return {
    headers: { ...JSON_TYPE, 'webhook-id': eventId, 'webhook-timestamp': String(now), 'webhook-signature': signature },
    body: Buffer.from(body),
    eventId,
    eventType,
  };
}

/** Call statuses that are not also message statuses (`queued`, `failed`, `canceled` are both). */
const CALL_STATUSES = new Set(['initiated', 'ringing', 'answered', 'in-progress', 'completed', 'busy', 'no-answer']);

/**
 * Twilio: a form-encoded status callback; `X-Twilio-Signature` is the base64 HMAC-SHA1, keyed
 * with the auth token, of the URL followed by every parameter's name and (decoded) value in
 * name order. A call status (`completed`, `ringing`, …) gives a voice callback, anything else
 * a messaging one.
 */
function twilioSample(secret: string, { eventType, nowSeconds: now, eventId: id, url }: Sample): SampleWebhook {
  const eventId = id ?? randomUUID();
  const accountSid = `AC${hex(16)}`;
  const params: Record<string, string> = CALL_STATUSES.has(eventType)
    ? {
        AccountSid: accountSid,
        ApiVersion: '2010-04-01',
        CallSid: `CA${hex(16)}`,
        CallStatus: eventType,
        Called: '+15558675310',
        Caller: '+15017122661',
        Direction: 'outbound-api',
        From: '+15017122661',
        To: '+15558675310',
        CallbackSource: 'call-progress-events',
        SequenceNumber: '0',
        Timestamp: new Date(now * 1000).toUTCString().replace('GMT', '+0000'),
        ...(eventType === 'completed' ? { CallDuration: '42', Duration: '1' } : {}),
      }
    : (() => {
        const messageSid = `SM${hex(16)}`;
        return {
          AccountSid: accountSid,
          ApiVersion: '2010-04-01',
          From: '+15017122661',
          To: '+15558675310',
          MessageSid: messageSid,
          MessageStatus: eventType,
          MessagingServiceSid: `MG${hex(16)}`,
          SmsSid: messageSid,
          SmsStatus: eventType,
        };
      })();
  const body = new URLSearchParams(params).toString();
  return {
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': 'TwilioProxy/1.1',
      'i-twilio-idempotency-token': eventId,
      'x-twilio-signature': twilioWebhooks.getExpectedTwilioSignature(secret, url, params),
    },
    body: Buffer.from(body),
    eventId,
    eventType,
  };
}

// Square: `x-square-hmacsha256-signature: <base64 HMAC-SHA256 of "<notification URL><body>">`.
function squareSample(secret: string, { eventType, nowSeconds: now, eventId: id, url }: Sample): SampleWebhook {
  const eventId = id ?? randomUUID();
  const family = eventType.split('.')[0] || 'payment';
  const objectId = randomText(29);
  const created = iso(now);
  const object =
    family === 'payment'
      ? {
          id: objectId,
          created_at: created,
          updated_at: created,
          amount_money: { amount: 1000, currency: 'USD' },
          total_money: { amount: 1000, currency: 'USD' },
          status: eventType === 'payment.created' ? 'APPROVED' : 'COMPLETED',
          source_type: 'CARD',
          location_id: `L${randomText(12, UPPER)}`,
          order_id: randomText(29),
          version: eventType === 'payment.created' ? 0 : 1,
        }
      : { id: objectId, created_at: created, updated_at: created, version: 1 };
  const body = JSON.stringify({
    merchant_id: randomText(13, UPPER),
    type: eventType,
    event_id: eventId,
    created_at: created,
    data: { type: family, id: objectId, object: { [family]: object } },
  });
  return {
    headers: {
      ...JSON_TYPE,
      'user-agent': 'Square Connect v2',
      'square-version': '2025-07-16',
      'x-square-hmacsha256-signature': createHmac('sha256', secret).update(url + body).digest('base64'),
    },
    body: Buffer.from(body),
    eventId,
    eventType,
  };
}

// GitLab: no HMAC, the secret token is sent as is in `X-Gitlab-Token`; id in `Idempotency-Key`.
function gitlabSample(secret: string, { eventType, eventId: id }: Sample): SampleWebhook {
  const eventId = id ?? randomUUID();
  const project = {
    id: 15,
    name: 'Diaspora',
    description: '',
    web_url: 'https://gitlab.example.com/mike/diaspora',
    git_http_url: 'https://gitlab.example.com/mike/diaspora.git',
    namespace: 'Mike',
    path_with_namespace: 'mike/diaspora',
    default_branch: 'main',
  };
  const user = { id: 4, name: 'John Smith', username: 'jsmith', email: 'john@example.com' };
  const after = hex(20);
  const document: Record<string, unknown> =
    eventType === 'Push Hook' || eventType === 'Tag Push Hook'
      ? {
          object_kind: eventType === 'Push Hook' ? 'push' : 'tag_push',
          event_name: eventType === 'Push Hook' ? 'push' : 'tag_push',
          before: hex(20),
          after,
          ref: eventType === 'Push Hook' ? 'refs/heads/main' : 'refs/tags/v1.0.0',
          checkout_sha: after,
          user_id: user.id,
          user_name: user.name,
          user_username: user.username,
          user_email: user.email,
          project_id: project.id,
          project,
          commits: [
            {
              id: after,
              message: 'Update the README\n',
              timestamp: new Date().toISOString(),
              url: `${project.web_url}/-/commit/${after}`,
              author: { name: user.name, email: user.email },
              added: [],
              modified: ['README.md'],
              removed: [],
            },
          ],
          total_commits_count: 1,
          repository: { name: project.name, url: project.git_http_url, homepage: project.web_url },
        }
      : {
          object_kind: eventType.replace(/ Hook$/, '').toLowerCase().replaceAll(' ', '_'),
          event_type: eventType.replace(/ Hook$/, '').toLowerCase().replaceAll(' ', '_'),
          user,
          project,
          object_attributes: { id: 1000 + randomInt(100_000), iid: 1 + randomInt(500), title: 'Sample', state: 'opened', action: 'open' },
        };
  return {
    headers: {
      ...JSON_TYPE,
      'user-agent': 'GitLab/17.11.0',
      'x-gitlab-event': eventType,
      'x-gitlab-event-uuid': randomUUID(),
      'x-gitlab-webhook-uuid': randomUUID(),
      'x-gitlab-instance': 'https://gitlab.example.com',
      'idempotency-key': eventId,
      'x-gitlab-token': secret,
    },
    body: json(document),
    eventId,
    eventType,
  };
}

/**
 * A sample for a generic HMAC source, following its options: the id and type go where
 * `eventId` / `eventType` say (a header, or a JSON path of the body), the timestamp in its
 * header or as the `timestamp.key` entry of a `keyValue` signature header, and the HMAC is
 * computed over `signedContent` with `{timestamp}`, `{id}` and `{body}` substituted in one pass.
 * Without an `eventType` location the body still carries a `type`, but the gateway reports
 * `unknown`, and so does the sample.
 */
function hmacSample(options: HmacOptions, secret: string, sample: Sample): SampleWebhook {
  const eventId = sample.eventId ?? `evt_${randomText(24)}`;
  const document: Record<string, unknown> = {};
  const headers: Record<string, string> = { ...JSON_TYPE, 'user-agent': 'Webhook-Sender/1.0' };
  place(options.eventId, eventId, document, headers);
  if (options.eventType) place(options.eventType, sample.eventType, document, headers);
  else document.type ??= sample.eventType;
  document.created_at ??= iso(sample.nowSeconds);
  document.data ??= { object: 'order', id: `ord_${randomText(14)}`, amount: 4200, currency: 'usd', status: 'paid' };
  const body = json(document);

  const timestamp = options.timestamp?.format === 'iso8601' ? iso(sample.nowSeconds) : String(sample.nowSeconds);
  const mac = createHmac(options.algorithm, secret);
  for (const part of options.signedContent.split(/(\{body\}|\{timestamp\}|\{id\})/)) {
    mac.update(part === '{body}' ? body : part === '{timestamp}' ? timestamp : part === '{id}' ? eventId : part);
  }
  const signature = options.signaturePrefix + mac.digest(options.encoding);

  if (options.signatureFormat === 'keyValue') {
    const entries = options.timestamp && 'key' in options.timestamp ? [`${options.timestamp.key}=${timestamp}`] : [];
    headers[options.signatureHeader] = [...entries, `${options.signatureKey}=${signature}`].join(',');
  } else {
    headers[options.signatureHeader] = signature;
  }
  if (options.timestamp && 'header' in options.timestamp) headers[options.timestamp.header] = timestamp;
  return { headers, body, eventId, eventType: options.eventType ? sample.eventType : 'unknown' };
}

/** Puts `value` in a header, or at a dot-separated path of `document` (creating objects on the way). */
function place(location: HmacOptions['eventId'], value: string, document: Record<string, unknown>, headers: Record<string, string>): void {
  if ('header' in location) {
    headers[location.header] = value;
    return;
  }
  const keys = location.jsonPath.split('.');
  let node = document;
  for (const key of keys.slice(0, -1)) {
    const next = Object.hasOwn(node, key) ? node[key] : undefined;
    if (next && typeof next === 'object' && !Array.isArray(next)) node = next as Record<string, unknown>;
    else {
      const created: Record<string, unknown> = {};
      define(node, key, created);
      node = created;
    }
  }
  define(node, keys.at(-1)!, value);
}

/** An own, enumerable property even for a key such as `__proto__`. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
