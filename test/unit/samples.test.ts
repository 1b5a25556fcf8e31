/**
 * `local/samples.ts` builds what each provider really sends, signed as the provider signs: every
 * sample is checked with the provider's own verifier where one exists (Stripe, Octokit, Slack's
 * Bolt, Standard Webhooks, Twilio, Square), otherwise with `node:crypto` computed here, and the
 * same request with one byte changed must be refused. Also: `.env.local` reading and writing,
 * and `npm run send` against a stand-in gateway.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import HmacValidatorModule from '@adyen/api-library/lib/src/utils/hmacValidator.js';
import { Signature as HubSpotSignature } from '@hubspot/api-client';
import { LinearWebhookClient } from '@linear/sdk/webhooks';
import { validateSignature as validateLineSignature } from '@line/bot-sdk';
import Mux from '@mux/mux-node';
import { verify as verifyGithub } from '@octokit/webhooks-methods';
import { Paddle } from '@paddle/paddle-node-sdk';
import { EventWebhook } from '@sendgrid/eventwebhook';
import { WorkOS } from '@workos-inc/node';
import { verifyKey as verifyDiscord } from 'discord-interactions';
import Razorpay from 'razorpay';
import { TelnyxWebhook } from 'telnyx/lib/webhooks';
import { verifySlackRequest } from '@slack/bolt';
import { WebhooksHelper } from 'square';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import twilioLib from 'twilio';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../shared/config/load';
import { hmacOptionsSchema, type SourceConfig } from '../../shared/config/schema';
import { appendEnvFile, readEnvFile } from '../../local/env-file';
import { sampleWebhook, type SampleOptions, type SampleWebhook } from '../../local/samples';
import { generateSigningKeys } from '../../local/secrets-bootstrap';
import { main as send } from '../../local/send';

const configPath = fileURLToPath(new URL('../../webhooks.config.json', import.meta.url));
const config = loadConfigFile(configPath, { target: 'local' });
const sourceNamed = (name: string): SourceConfig => {
  const source = config.sources.find((candidate) => candidate.name === name);
  if (!source) throw new Error(`webhooks.config.json has no source ${name}`);
  return source;
};

const SECRETS: Record<SourceConfig['provider'], string> = {
  stripe: 'whsec_test_5f0c9a1e2b3d4c5e6f708192a3b4c5d6',
  github: "It's a Secret to Everybody",
  shopify: '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',
  slack: '8f742231b10e8888abcd99yyyzzz85a5',
  standard: `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`,
  twilio: '12345abcdef67890abcdef1234567890',
  square: 'asdf1234qwer5678zxcv9012',
  gitlab: 'gitlab-token-4a8c2e6f',
  hmac: 'wss-shared-secret-9d1b7f3a',
  paddle: 'pdl_ntfset_01gkpjp8bkh3ags9wxd6s2shrd_6M0YfmL4s6kXd1vyfRN3dgkHhcrDlJM3',
  linear: 'lin_wh_4f1a8c2e9b7d6e5f4a3b2c1d0e9f8a7b',
  line: '8c570fa6dd201bb328f1c1eac23a96d8',
  // Adyen's HMAC key is hex.
  adyen: '44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056',
  mux: 'mux_whsec_b2d6c9e1f0a3',
  razorpay: 'rzp_webhook_secret_8e1d',
  workos: 'wos_whsec_3dV1c2f7Q9',
  intercom: 'intercom-client-secret-1f2e',
  mailgun: 'key-3ax6xnjp29jd6fds4gc373sgvjxteol0',
  hubspot: 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy',
  pagerduty: 'pd-webhook-secret-7c1b',
  typeform: 'typeform-secret-5e2a',
  zoom: 'zm_secret_token_6f1d0a',
  dropbox: 'dbx_app_secret_5k2m',
  calendly: 'calendly-signing-key-3d9f',
  x: 'z3ZX4v7mAAUGykl3EcmkqbartmuW8VFOOzCloLx9Q45P0hLrFu',
  msgraph: 'secretClientValue-9f8e7d6c',
  asana: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
  // Public-key providers: replaced by generated key pairs below.
  discord: '',
  telnyx: '',
  sendgrid: '',
};
/** The private keys of the public-key providers; their SECRETS entry is the public key. */
const SIGNING_KEYS: Partial<Record<SourceConfig['provider'], string>> = {};
const OTHERS: Partial<Record<SourceConfig['provider'], string>> = {
  standard: `whsec_${Buffer.from('fedcba9876543210fedcba9876543210').toString('base64')}`,
  adyen: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
};
for (const provider of ['discord', 'telnyx', 'sendgrid'] as const) {
  const keys = generateSigningKeys(provider)!;
  SECRETS[provider] = keys.publicKey;
  SIGNING_KEYS[provider] = keys.privateKey;
  OTHERS[provider] = generateSigningKeys(provider)!.publicKey;
}
const OTHER = 'not-the-secret-0000000000000000';
/** Another key of the same kind as the provider's (a wrong secret, or another public key). */
const otherOf = (provider: SourceConfig['provider']) => OTHERS[provider] ?? OTHER;
/** Sample options with the private key a public-key provider signs with. */
const withKey = (provider: SourceConfig['provider'], options: SampleOptions): SampleOptions =>
  SIGNING_KEYS[provider] ? { ...options, signingKey: SIGNING_KEYS[provider] } : options;
const AdyenHmac = (HmacValidatorModule as unknown as { default?: typeof HmacValidatorModule }).default ?? HmacValidatorModule;
const adyenItem = (body: Buffer) =>
  (JSON.parse(body.toString()) as { notificationItems: Array<{ NotificationRequestItem: Record<string, unknown> }> }).notificationItems[0]!
    .NotificationRequestItem;
const attempt = async (run: () => unknown): Promise<boolean> => {
  try {
    return (await run()) !== false;
  } catch {
    return false;
  }
};
const hmacOf = (algorithm: string, secret: string, ...parts: Array<string | Buffer>) => {
  const mac = createHmac(algorithm, secret);
  for (const part of parts) mac.update(part);
  return mac;
};

const urlOf = (name: string) => `https://abc123.execute-api.eu-west-1.amazonaws.com/webhooks/${name}?region=eu`;
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The body with one byte changed (a digit bumped, else the last byte flipped). */
function oneByteChanged(body: Buffer): Buffer {
  const copy = Buffer.from(body);
  const at = copy.findIndex((byte) => byte >= 0x30 && byte <= 0x38);
  if (at >= 0) copy[at] = copy[at]! + 1;
  else copy[copy.length - 1] = copy[copy.length - 1]! ^ 1;
  return copy;
}

/**
 * The sample with one signed byte changed: the body, except where the provider signs something
 * else (Adyen: the item's listed fields; Mailgun: the token; Microsoft Graph: the clientState).
 */
const TAMPER: Partial<Record<SourceConfig['provider'], (body: Buffer) => Buffer>> = {
  adyen: (body) => Buffer.from(body.toString().replace('"value":1130', '"value":1131')),
  mailgun: (body) => Buffer.from(body.toString().replace(/"token":"(.)/, (_, c: string) => `"token":"${c === 'a' ? 'b' : 'a'}`)),
  msgraph: (body) => Buffer.from(body.toString().replace(`"clientState":"${SECRETS.msgraph}"`, `"clientState":"X${SECRETS.msgraph.slice(1)}"`)),
};
const tampered = (provider: SourceConfig['provider'], body: Buffer) => (TAMPER[provider] ?? oneByteChanged)(body);

const jsonOf = (sample: SampleWebhook) => JSON.parse(sample.body.toString('utf8')) as Record<string, unknown>;
const formOf = (body: Buffer) => Object.fromEntries(new URLSearchParams(body.toString('utf8')));

/** Accepted by the provider's verifier (or, without one, by node:crypto here)? */
type Check = (sample: SampleWebhook, body: Buffer, secret: string, url: string) => boolean | Promise<boolean>;

const CHECKS: Record<SourceConfig['provider'], Check> = {
  stripe: (sample, body, secret) => {
    try {
      Stripe.webhooks.constructEvent(body, sample.headers['stripe-signature']!, secret);
      return true;
    } catch {
      return false;
    }
  },
  github: (sample, body, secret) => verifyGithub(secret, body.toString('utf8'), sample.headers['x-hub-signature-256']!),
  shopify: (sample, body, secret) => sample.headers['x-shopify-hmac-sha256'] === createHmac('sha256', secret).update(body).digest('base64'),
  slack: (sample, body, secret) => {
    const timestamp = sample.headers['x-slack-request-timestamp']!;
    const independent = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest('hex')}`;
    let bolt = true;
    try {
      verifySlackRequest({
        signingSecret: secret,
        body: body.toString('utf8'),
        headers: { 'x-slack-signature': sample.headers['x-slack-signature']!, 'x-slack-request-timestamp': Number(timestamp) },
      });
    } catch {
      bolt = false;
    }
    return bolt && sample.headers['x-slack-signature'] === independent;
  },
  standard: (sample, body, secret) => {
    try {
      new Webhook(secret).verify(body.toString('utf8'), sample.headers);
      return true;
    } catch {
      return false;
    }
  },
  twilio: (sample, body, secret, url) => twilioLib.validateRequest(secret, sample.headers['x-twilio-signature']!, url, formOf(body)),
  square: (sample, body, secret, url) =>
    WebhooksHelper.verifySignature({
      requestBody: body.toString('utf8'),
      signatureHeader: sample.headers['x-square-hmacsha256-signature']!,
      signatureKey: secret,
      notificationUrl: url,
    }),
  // No HMAC: the token itself is the proof, and the body is not covered by it.
  gitlab: (sample, _body, secret) => sample.headers['x-gitlab-token'] === secret,
  // The shipped X-WSS-Signature: hex HMAC-SHA256 over <X-WSS-Timestamp><body>.
  hmac: (sample, body, secret) =>
    sample.headers['x-wss-signature'] === createHmac('sha256', secret).update(sample.headers['x-wss-timestamp']!).update(body).digest('hex'),
  paddle: (sample, body, secret) =>
    new Paddle('pdl_sdbx_apikey_unused').webhooks.isSignatureValid(body.toString(), secret, sample.headers['paddle-signature']!),
  linear: (sample, body, secret) => attempt(() => new LinearWebhookClient(secret).verify(body, sample.headers['linear-signature']!)),
  line: (sample, body, secret) => validateLineSignature(body, secret, sample.headers['x-line-signature']!),
  adyen: (_sample, body, secret) => attempt(() => new AdyenHmac().validateHMAC(adyenItem(body) as never, secret)),
  mux: (sample, body, secret) =>
    attempt(() => new Mux({ tokenId: 'unused', tokenSecret: 'unused' }).webhooks.verifySignature(body.toString(), sample.headers, secret)),
  razorpay: (sample, body, secret) => Razorpay.validateWebhookSignature(body.toString(), sample.headers['x-razorpay-signature']!, secret),
  workos: (sample, body, secret) =>
    attempt(() => new WorkOS('sk_test_unused').webhooks.verifyHeader({ payload: body.toString(), sigHeader: sample.headers['workos-signature']!, secret })),
  intercom: (sample, body, secret) => sample.headers['x-hub-signature'] === `sha1=${hmacOf('sha1', secret, body).digest('hex')}`,
  mailgun: (_sample, body, secret) => {
    const { signature } = JSON.parse(body.toString()) as { signature: { timestamp: string; token: string; signature: string } };
    return signature.signature === hmacOf('sha256', secret, signature.timestamp + signature.token).digest('hex');
  },
  hubspot: (sample, body, secret, url) =>
    attempt(() =>
      HubSpotSignature.isValid({
        signatureVersion: 'v3',
        signature: sample.headers['x-hubspot-signature-v3']!,
        clientSecret: secret,
        requestBody: body.toString(),
        url,
        timestamp: Number(sample.headers['x-hubspot-request-timestamp']),
      }),
    ),
  pagerduty: (sample, body, secret) => sample.headers['x-pagerduty-signature'] === `v1=${hmacOf('sha256', secret, body).digest('hex')}`,
  typeform: (sample, body, secret) => sample.headers['typeform-signature'] === `sha256=${hmacOf('sha256', secret, body).digest('base64')}`,
  zoom: (sample, body, secret) =>
    sample.headers['x-zm-signature'] === `v0=${hmacOf('sha256', secret, `v0:${sample.headers['x-zm-request-timestamp']}:`, body).digest('hex')}`,
  dropbox: (sample, body, secret) => sample.headers['x-dropbox-signature'] === hmacOf('sha256', secret, body).digest('hex'),
  calendly: (sample, body, secret) => {
    const [t, v1] = sample.headers['calendly-webhook-signature']!.split(',').map((entry) => entry.split('=')[1]!);
    return v1 === hmacOf('sha256', secret, `${t}.`, body).digest('hex');
  },
  discord: (sample, body, publicKey) => verifyDiscord(body, sample.headers['x-signature-ed25519']!, sample.headers['x-signature-timestamp']!, publicKey),
  telnyx: (sample, body, publicKey) => attempt(async () => new TelnyxWebhook(publicKey).verify(body.toString(), sample.headers)),
  sendgrid: (sample, body, publicKey) => {
    const webhook = new EventWebhook();
    return webhook.verifySignature(
      webhook.convertPublicKeyToECDSA(publicKey),
      body,
      sample.headers['x-twilio-email-event-webhook-signature']!,
      sample.headers['x-twilio-email-event-webhook-timestamp']!,
    );
  },
  x: (sample, body, secret) => sample.headers['x-twitter-webhooks-signature'] === `sha256=${hmacOf('sha256', secret, body).digest('base64')}`,
  // Graph signs nothing: every notification must carry the subscription's clientState.
  msgraph: (_sample, body, secret) =>
    (JSON.parse(body.toString()) as { value: Array<{ clientState?: string }> }).value.every((item) => item.clientState === secret),
  asana: (sample, body, secret) =>
    sample.headers['x-hook-signature'] === hmacOf('sha256', secret, body).digest('hex') && sample.handshake?.headers['x-hook-secret'] === secret,
};

/** The id and type as the provider carries them, read independently of the sample's report. */
const IDENTITY: Record<SourceConfig['provider'], (sample: SampleWebhook) => { id: unknown; type: unknown }> = {
  stripe: (sample) => ({ id: jsonOf(sample).id, type: jsonOf(sample).type }),
  github: (sample) => ({ id: sample.headers['x-github-delivery'], type: sample.headers['x-github-event'] }),
  shopify: (sample) => ({ id: sample.headers['x-shopify-webhook-id'], type: sample.headers['x-shopify-topic'] }),
  slack: (sample) => ({ id: jsonOf(sample).event_id, type: (jsonOf(sample).event as { type?: unknown }).type }),
  standard: (sample) => ({ id: sample.headers['webhook-id'], type: jsonOf(sample).type }),
  twilio: (sample) => {
    const form = formOf(sample.body);
    const type = form.MessageStatus ?? form.CallStatus;
    return { id: `${form.MessageSid ?? form.CallSid}:${type}`, type };
  },
  square: (sample) => ({ id: jsonOf(sample).event_id, type: jsonOf(sample).type }),
  gitlab: (sample) => ({ id: sample.headers['idempotency-key'], type: sample.headers['x-gitlab-event'] }),
  hmac: (sample) => ({ id: jsonOf(sample).id, type: jsonOf(sample).type }),
  paddle: (sample) => ({ id: jsonOf(sample).event_id, type: jsonOf(sample).event_type }),
  linear: (sample) => ({ id: sample.headers['linear-delivery'], type: `${jsonOf(sample).type}.${jsonOf(sample).action}` }),
  line: (sample) => ({ id: at(sample, 'events', 0, 'webhookEventId'), type: at(sample, 'events', 0, 'type') }),
  adyen: (sample) => {
    const item = adyenItem(sample.body);
    return { id: `${item.eventCode}:${item.pspReference}:${item.success}`, type: item.eventCode };
  },
  mux: (sample) => ({ id: jsonOf(sample).id, type: jsonOf(sample).type }),
  razorpay: (sample) => ({ id: sample.headers['x-razorpay-event-id'], type: jsonOf(sample).event }),
  workos: (sample) => ({ id: jsonOf(sample).id, type: jsonOf(sample).event }),
  intercom: (sample) => ({ id: jsonOf(sample).id, type: jsonOf(sample).topic }),
  mailgun: (sample) => ({ id: at(sample, 'event-data', 'id'), type: at(sample, 'event-data', 'event') }),
  hubspot: (sample) => ({ id: String(at(sample, 0, 'eventId')), type: at(sample, 0, 'subscriptionType') }),
  pagerduty: (sample) => ({ id: at(sample, 'event', 'id'), type: at(sample, 'event', 'event_type') }),
  typeform: (sample) => ({ id: jsonOf(sample).event_id, type: jsonOf(sample).event_type }),
  zoom: (sample) => ({ id: `${jsonOf(sample).event}:${jsonOf(sample).event_ts}:${at(sample, 'payload', 'object', 'uuid')}`, type: jsonOf(sample).event }),
  // No id in a Dropbox notification: the gateway assigns one.
  dropbox: (sample) => ({ id: '', type: Object.keys(jsonOf(sample))[0] }),
  calendly: (sample) => ({ id: `${jsonOf(sample).event}:${at(sample, 'payload', 'uri')}`, type: jsonOf(sample).event }),
  discord: (sample) => ({
    id: jsonOf(sample).id,
    type: { 2: 'APPLICATION_COMMAND', 3: 'MESSAGE_COMPONENT', 4: 'APPLICATION_COMMAND_AUTOCOMPLETE', 5: 'MODAL_SUBMIT' }[jsonOf(sample).type as number],
  }),
  telnyx: (sample) => ({ id: at(sample, 'data', 'id'), type: at(sample, 'data', 'event_type') }),
  sendgrid: (sample) => ({ id: at(sample, 0, 'sg_event_id'), type: at(sample, 0, 'event') }),
  x: (sample) => {
    const kind = Object.keys(jsonOf(sample)).find((key) => key.endsWith('_events'))!;
    return { id: `${jsonOf(sample).for_user_id}:${kind}:${at(sample, kind, 0, 'id_str') ?? at(sample, kind, 0, 'id')}`, type: kind };
  },
  msgraph: (sample) => {
    const item = at(sample, 'value', 0) as Record<string, any>;
    return { id: `${item.subscriptionId}:${item.changeType}:${item.resource}:${item.resourceData['@odata.etag']}`, type: item.changeType };
  },
  asana: (sample) => {
    const event = at(sample, 'events', 0) as Record<string, any>;
    return {
      id: [event.created_at, event.action, event.resource.gid, event.parent?.gid ?? '', event.change.field, event.user.gid].join(':'),
      type: `${event.resource.resource_type}.${event.action}`,
    };
  },
};

/** A value inside the sample's JSON body by keys and indexes. */
function at(sample: SampleWebhook, ...path: Array<string | number>): unknown {
  let node: any = JSON.parse(sample.body.toString('utf8'));
  for (const key of path) node = node?.[key];
  return node;
}

/** Another event type of each provider, to check the sample takes the one asked for. */
const OTHER_TYPES: Record<SourceConfig['provider'], string> = {
  stripe: 'customer.subscription.updated',
  github: 'ping',
  shopify: 'orders/paid',
  slack: 'message',
  standard: 'user.created',
  twilio: 'sent',
  square: 'payment.created',
  gitlab: 'Merge Request Hook',
  hmac: 'order.refunded',
  paddle: 'subscription.created',
  linear: 'Comment.update',
  line: 'follow',
  adyen: 'CAPTURE',
  mux: 'video.asset.created',
  razorpay: 'order.paid',
  workos: 'dsync.user.created',
  intercom: 'contact.user.created',
  mailgun: 'failed',
  hubspot: 'deal.creation',
  pagerduty: 'incident.resolved',
  typeform: 'form_response',
  zoom: 'meeting.ended',
  dropbox: 'list_folder',
  calendly: 'invitee.canceled',
  discord: 'MESSAGE_COMPONENT',
  telnyx: 'call.hangup',
  sendgrid: 'open',
  x: 'favorite_events',
  msgraph: 'updated',
  asana: 'task.added',
};

describe('sample webhooks for every shipped source', () => {
  it('covers every source of webhooks.config.json', () => {
    expect(config.sources.map((source) => source.provider).sort()).toEqual(Object.keys(CHECKS).sort());
  });

  describe.each(config.sources.map((source) => [source.name, source] as const))('%s', (name, source) => {
    const secret = SECRETS[source.provider];
    const url = urlOf(name);

    it("is accepted by the provider's verifier and refused with one byte changed or another secret", async () => {
      const sample = await sampleWebhook(source, secret, withKey(source.provider, { url }));
      const check = CHECKS[source.provider];
      expect(await check(sample, sample.body, secret, url)).toBe(true);
      if (source.provider !== 'gitlab') expect(await check(sample, tampered(source.provider, sample.body), secret, url)).toBe(false);
      expect(await check(sample, sample.body, otherOf(source.provider), url)).toBe(false);
    });

    it('carries the id and type it reports, where the provider puts them', async () => {
      const sample = await sampleWebhook(source, secret, withKey(source.provider, { url }));
      if (source.provider !== 'dropbox') expect(sample.eventId).not.toBe('');
      expect(sample.eventType).not.toBe('');
      expect(IDENTITY[source.provider](sample)).toEqual({ id: sample.eventId, type: sample.eventType });
    });

    it('takes the event type and the id it is given, and makes a new id otherwise', async () => {
      const type = OTHER_TYPES[source.provider];
      const first = await sampleWebhook(source, secret, withKey(source.provider, { url, eventType: type }));
      const again = await sampleWebhook(source, secret, withKey(source.provider, { url, eventType: type, eventId: first.eventId }));
      const other = await sampleWebhook(source, secret, withKey(source.provider, { url }));
      expect(first.eventType).toBe(type);
      expect(IDENTITY[source.provider](again)).toEqual({ id: first.eventId, type });
      expect(await CHECKS[source.provider](again, again.body, secret, url)).toBe(true);
      // Dropbox's notifications carry no id (the gateway assigns one).
      if (source.provider !== 'dropbox') expect(other.eventId).not.toBe(first.eventId);
    });

    it('signs with the first of several comma-separated secrets', async () => {
      const second = otherOf(source.provider);
      const sample = await sampleWebhook(source, ` ${secret} , ${second}`, withKey(source.provider, { url }));
      expect(await CHECKS[source.provider](sample, sample.body, secret, url)).toBe(true);
    });
  });
});

describe('sample payloads look like the real ones', () => {
  const build = (name: string, options: { eventType?: string; nowSeconds?: number } = {}) =>
    sampleWebhook(sourceNamed(name), SECRETS[sourceNamed(name).provider], { url: urlOf(name), ...options });

  it('stripe: a customer.subscription.created event with a subscription, signed at the given time', async () => {
    const now = nowSeconds() - 60;
    const sample = await build('stripe', { nowSeconds: now });
    const event = Stripe.webhooks.constructEvent(sample.body, sample.headers['stripe-signature']!, SECRETS.stripe);
    expect(sample.headers['stripe-signature']).toMatch(new RegExp(`^t=${now},v1=[0-9a-f]{64}$`));
    expect(event).toMatchObject({ object: 'event', type: 'customer.subscription.created', created: now, livemode: false });
    expect(event.id).toMatch(/^evt_[A-Za-z0-9]+$/);
    const subscription = event.data.object as unknown as Record<string, unknown>;
    expect(subscription).toMatchObject({ object: 'subscription', status: 'active' });
    expect(subscription.id).toMatch(/^sub_/);
    expect(subscription.customer).toMatch(/^cus_/);
  });

  it('stripe: an old timestamp is refused by constructEvent (the timestamp really is signed)', async () => {
    const sample = await build('stripe', { nowSeconds: nowSeconds() - 3600 });
    expect(() => Stripe.webhooks.constructEvent(sample.body, sample.headers['stripe-signature']!, SECRETS.stripe)).toThrow(/tolerance/i);
  });

  it('github: push by default, a GUID delivery id, ping on demand', async () => {
    const push = await build('github');
    expect(push.headers['x-github-event']).toBe('push');
    expect(push.headers['x-github-delivery']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(push.headers['x-hub-signature-256']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(jsonOf(push)).toMatchObject({ ref: 'refs/heads/main', repository: { full_name: 'octo-org/hello-world' } });
    const ping = await build('github', { eventType: 'ping' });
    expect(jsonOf(ping)).toHaveProperty('zen');
    expect(jsonOf(ping)).toHaveProperty('hook_id');
  });

  it('shopify: orders/create with the X-Shopify-* headers', async () => {
    const sample = await build('shopify');
    expect(sample.headers).toMatchObject({ 'x-shopify-topic': 'orders/create', 'x-shopify-shop-domain': 'example.myshopify.com' });
    for (const header of ['x-shopify-webhook-id', 'x-shopify-event-id', 'x-shopify-triggered-at', 'x-shopify-api-version'])
      expect(sample.headers[header]).toBeTruthy();
    expect(Number.isSafeInteger(jsonOf(sample).id)).toBe(true);
    expect(jsonOf(sample).line_items).toHaveLength(1);
  });

  it('slack: an event_callback for app_mention with an Ev… id', async () => {
    const sample = await build('slack');
    expect(jsonOf(sample)).toMatchObject({ type: 'event_callback', event: { type: 'app_mention' } });
    expect(sample.eventId).toMatch(/^Ev[0-9A-Z]{8,}$/);
  });

  it('slack: a stale timestamp is refused by Bolt (the timestamp really is signed)', async () => {
    const sample = await build('slack', { nowSeconds: nowSeconds() - 3600 });
    expect(CHECKS.slack(sample, sample.body, SECRETS.slack, '')).toBe(false);
  });

  it('standard: msg_ id, {type, timestamp, data} body, v1 signature', async () => {
    const sample = await build('standard');
    expect(sample.headers['webhook-id']).toMatch(/^msg_[A-Za-z0-9]+$/);
    expect(sample.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(Object.keys(jsonOf(sample))).toEqual(['type', 'timestamp', 'data']);
  });

  it('standard: matches the specification test vector when given its inputs', async () => {
    // The library computes the signature; check it against the vector independently.
    const signature = new Webhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw').sign(
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      new Date(1614265330 * 1000),
      '{"test": 2432232314}',
    );
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('twilio: a form-encoded message status callback, signed over the exact URL', async () => {
    const sample = await build('twilio');
    const params = formOf(sample.body);
    expect(sample.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(params.MessageSid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(params.SmsSid).toBe(params.MessageSid);
    expect(params.AccountSid).toMatch(/^AC[0-9a-f]{32}$/);
    expect(params).toMatchObject({ MessageStatus: 'delivered', SmsStatus: 'delivered', From: '+15017122661' });
    // Another path, or the query left out, is refused (validateRequest tolerates a :443 only).
    expect(twilioLib.validateRequest(SECRETS.twilio, sample.headers['x-twilio-signature']!, urlOf('other'), params)).toBe(false);
    expect(twilioLib.validateRequest(SECRETS.twilio, sample.headers['x-twilio-signature']!, urlOf('twilio').split('?')[0]!, params)).toBe(false);
  });

  it('twilio: a call status gives a voice status callback', async () => {
    const sample = await build('twilio', { eventType: 'completed' });
    const params = formOf(sample.body);
    expect(params.CallSid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(params.CallStatus).toBe('completed');
    expect(params.MessageSid).toBeUndefined();
    expect(await CHECKS.twilio(sample, sample.body, SECRETS.twilio, urlOf('twilio'))).toBe(true);
  });

  it('square: payment.updated with event_id, merchant_id, created_at and data; another URL is refused', async () => {
    const sample = await build('square');
    const body = jsonOf(sample);
    expect(body).toMatchObject({ type: 'payment.updated', data: { type: 'payment' } });
    expect(body.event_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof body.merchant_id).toBe('string');
    expect(new Date(body.created_at as string).getTime()).not.toBeNaN();
    expect(await CHECKS.square(sample, sample.body, SECRETS.square, urlOf('other'))).toBe(false);
  });

  it('gitlab: a Push Hook with the X-Gitlab-* headers and an Idempotency-Key', async () => {
    const sample = await build('gitlab');
    expect(sample.headers['x-gitlab-event']).toBe('Push Hook');
    expect(sample.headers['x-gitlab-event-uuid']).toBeTruthy();
    expect(sample.headers['idempotency-key']).toBe(sample.eventId);
    expect(jsonOf(sample)).toMatchObject({ object_kind: 'push', event_name: 'push' });
  });

  it('hmac (shipped X-WSS-Signature): unix-seconds timestamp header, id and type in the body', async () => {
    const now = nowSeconds();
    const sample = await build('hmac', { nowSeconds: now });
    expect(sample.headers['x-wss-timestamp']).toBe(String(now));
    expect(sample.headers['x-wss-signature']).toMatch(/^[0-9a-f]{64}$/);
    expect(jsonOf(sample)).toMatchObject({ id: sample.eventId, type: 'order.created' });
  });
});

describe('samples of the providers with a handshake or a private key', () => {
  const build = (name: string, options: Partial<SampleOptions> = {}) => {
    const source = sourceNamed(name);
    return sampleWebhook(source, SECRETS[source.provider], withKey(source.provider, { url: urlOf(name), ...options }));
  };

  it('asana: the X-Hook-Secret handshake comes first, and the answer must echo it', async () => {
    const sample = await build('asana');
    expect(sample.handshake).toMatchObject({
      method: 'POST',
      headers: { 'x-hook-secret': SECRETS.asana },
      expectHeader: { name: 'x-hook-secret', value: SECRETS.asana },
    });
    expect(sample.handshake!.body.length).toBe(0);
  });

  it('discord, telnyx, sendgrid: cannot sign without the private key, and say where it comes from', async () => {
    for (const name of ['discord', 'telnyx', 'sendgrid']) {
      await expect(sampleWebhook(sourceNamed(name), SECRETS[sourceNamed(name).provider], { url: urlOf(name) })).rejects.toThrow(/WEBHOOK_SIGNING_KEY_/);
    }
  });

  it('dropbox: a notification names accounts and no id', async () => {
    const sample = await build('dropbox');
    expect(jsonOf(sample)).toMatchObject({ list_folder: { accounts: [expect.stringMatching(/^dbid:/)] } });
    expect(sample.eventId).toBe('');
  });

  it('zoom, msgraph, x: the composite ids are built from what the provider sends', async () => {
    expect((await build('zoom')).eventId).toMatch(/^meeting\.started:\d{13}:[A-Za-z0-9+/=]+$/);
    expect((await build('x')).eventId).toMatch(/^\d{10}:tweet_create_events:\d{19}$/);
    expect((await build('msgraph')).eventId).toMatch(/^[0-9a-f-]{36}:created:Users\//);
  });
});

describe('generic hmac samples follow the options', () => {
  const secret = 'generic-secret';
  const url = 'https://hooks.example.com/webhooks/custom';
  const now = 1_750_000_000;
  const source = (hmac: Record<string, unknown>): SourceConfig => ({
    name: 'custom',
    provider: 'hmac',
    toleranceSeconds: 300,
    hmac: hmacOptionsSchema.parse(hmac),
  });

  it('keyValue t=…,v1=… over "<t>.<body>", id in a header', async () => {
    const sample = await sampleWebhook(
      source({
        signatureHeader: 'X-Webhook-Signature',
        signatureFormat: 'keyValue',
        signatureKey: 'v1',
        timestamp: { key: 't', format: 'unix' },
        signedContent: '{timestamp}.{body}',
        eventId: { header: 'X-Webhook-Id' },
        eventType: { header: 'X-Webhook-Event' },
      }),
      secret,
      { url, nowSeconds: now, eventType: 'thing.done' },
    );
    const expected = createHmac('sha256', secret).update(`${now}.`).update(sample.body).digest('hex');
    expect(sample.headers['x-webhook-signature']).toBe(`t=${now},v1=${expected}`);
    expect(sample.headers['x-webhook-id']).toBe(sample.eventId);
    expect(sample.headers['x-webhook-event']).toBe('thing.done');
    expect(jsonOf(sample)).not.toHaveProperty('id');
  });

  it('base64 sha512 with a prefix, ISO 8601 timestamp header, {id} signed, nested JSON type', async () => {
    const sample = await sampleWebhook(
      source({
        signatureHeader: 'x-sig',
        algorithm: 'sha512',
        encoding: 'base64',
        signaturePrefix: 'sha512=',
        timestamp: { header: 'x-ts', format: 'iso8601' },
        signedContent: '{id}:{timestamp}:{body}',
        eventId: { header: 'x-delivery' },
        eventType: { jsonPath: 'meta.event.name' },
      }),
      secret,
      { url, nowSeconds: now, eventType: 'a.b', eventId: 'delivery-1' },
    );
    const timestamp = new Date(now * 1000).toISOString();
    expect(sample.headers['x-ts']).toBe(timestamp);
    const expected = createHmac('sha512', secret).update(`delivery-1:${timestamp}:`).update(sample.body).digest('base64');
    expect(sample.headers['x-sig']).toBe(`sha512=${expected}`);
    expect(sample.eventId).toBe('delivery-1');
    expect(jsonOf(sample)).toMatchObject({ meta: { event: { name: 'a.b' } } });
  });

  it('sha1 over the body alone, id at a nested JSON path, no type location reported as unknown', async () => {
    const sample = await sampleWebhook(
      source({ signatureHeader: 'x-hub-signature', algorithm: 'sha1', signaturePrefix: 'sha1=', eventId: { jsonPath: 'data.object.id' } }),
      secret,
      {
        url,
        eventType: 'ignored.here',
      },
    );
    expect(sample.headers['x-hub-signature']).toBe(`sha1=${createHmac('sha1', secret).update(sample.body).digest('hex')}`);
    expect(jsonOf(sample)).toMatchObject({ data: { object: { id: sample.eventId } } });
    expect(sample.eventType).toBe('unknown');
  });

  it('an event type that looks like a template placeholder or a replacement pattern is signed as is', async () => {
    const options = {
      signatureHeader: 'x-sig',
      timestamp: { header: 'x-ts' },
      signedContent: '{timestamp}{body}',
      eventId: { jsonPath: 'id' },
      eventType: { jsonPath: 'type' },
    };
    const sample = await sampleWebhook(source(options), secret, { url, nowSeconds: now, eventType: "{id}$&$'{timestamp}" });
    expect(jsonOf(sample).type).toBe("{id}$&$'{timestamp}");
    expect(sample.headers['x-sig']).toBe(createHmac('sha256', secret).update(String(now)).update(sample.body).digest('hex'));
  });
});

describe('.env.local', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'env-file-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a missing file as empty', () => {
    expect(readEnvFile(join(dir, 'missing.env'))).toEqual({});
  });

  it('round-trips values holding =, +, / and , and creates the file for its owner only', () => {
    const path = join(dir, 'round-trip.env');
    const entries = {
      WEBHOOK_SECRET_STANDARD: `whsec_${randomBytes(32).toString('base64')}`,
      WEBHOOK_SECRET_STRIPE: 'whsec_a+b/c==,whsec_d=e',
      WEBHOOK_SECRET_MY_SHOP_EU: 'x=y=z',
    };
    appendEnvFile(path, { WEBHOOK_SECRET_STANDARD: entries.WEBHOOK_SECRET_STANDARD });
    appendEnvFile(path, { WEBHOOK_SECRET_STRIPE: entries.WEBHOOK_SECRET_STRIPE, WEBHOOK_SECRET_MY_SHOP_EU: entries.WEBHOOK_SECRET_MY_SHOP_EU });
    expect(readEnvFile(path)).toEqual(entries);
    expect(readFileSync(path, 'utf8').startsWith('#')).toBe(true);
    if (process.platform !== 'win32') expect(statSync(path).mode & 0o077).toBe(0);
  });

  it('skips comments and blank lines, strips matching quotes, and appends after a last line without newline', () => {
    const path = join(dir, 'hand-written.env');
    writeFileSync(path, '# a comment\n\n  A=1  \r\nnot a line\nB="quoted value"\nC=\'x\'\n#D=2\nE=last');
    appendEnvFile(path, { F: 'appended' });
    expect(readEnvFile(path)).toEqual({ A: '1', B: 'quoted value', C: 'x', E: 'last', F: 'appended' });
  });

  it('refuses what would corrupt the file', () => {
    const path = join(dir, 'refused.env');
    expect(() => appendEnvFile(path, { 'BAD NAME': 'x' })).toThrow();
    expect(() => appendEnvFile(path, { GOOD: 'two\nlines' })).toThrow();
    expect(readEnvFile(path)).toEqual({});
  });
});

describe('npm run send', () => {
  /** A stand-in gateway: verifies nothing, records POSTs, answers the status API. */
  let server: Server;
  let base: string;
  const posts: Array<{ path: string; headers: Record<string, string | string[] | undefined>; body: string }> = [];
  const statuses = new Map<string, string>();
  let postStatus = 200;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'send-'));
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '/';
        if (request.method === 'POST') {
          const body = Buffer.concat(chunks).toString('utf8');
          posts.push({ path, headers: request.headers, body });
          const id = (request.headers['x-github-delivery'] as string | undefined) ?? (JSON.parse(body) as { id?: string }).id ?? '';
          const duplicate = statuses.has(id);
          if (postStatus < 300 && !duplicate) statuses.set(id, 'processed');
          response.writeHead(postStatus, { 'content-type': 'application/json' }).end(JSON.stringify({ received: postStatus < 300, id, duplicate }));
          return;
        }
        const match = /^\/api\/v1\/sources\/([^/]+)\/events\/([^/]+)$/.exec(path);
        const status = match && statuses.get(decodeURIComponent(match[2]!));
        if (!status) response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
        else response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    posts.length = 0;
    statuses.clear();
    postStatus = 200;
  });

  const run = async (argv: string[], env: Record<string, string | undefined> = {}) => {
    const lines: string[] = [];
    const code = await send(argv, (line) => lines.push(line), {
      env: { WEBHOOKS_CONFIG: configPath, WEBHOOKS_ENV_FILE: join(dir, 'none.env'), PORT: base.split(':').at(-1), ...env },
      pollIntervalMs: 10,
      pollTimeoutMs: 500,
      giveUpAfterMs: 100,
    });
    return { code, output: lines.join('\n') };
  };

  it('posts a signed sample to the local gateway and follows it to processed', async () => {
    const { code, output } = await run(['stripe'], { WEBHOOK_SECRET_STRIPE: SECRETS.stripe });
    expect(code).toBe(0);
    expect(posts).toHaveLength(1);
    const post = posts[0]!;
    expect(post.path).toBe('/webhooks/stripe');
    const event = Stripe.webhooks.constructEvent(post.body, post.headers['stripe-signature'] as string, SECRETS.stripe);
    expect(output).toContain('→ 200');
    expect(output).toContain(`stripe ${event.id} → processed`);
  });

  it('reads the secret from the env file, sends --count distinct events, each twice with --duplicate', async () => {
    const envFile = join(dir, 'secrets.env');
    appendEnvFile(envFile, { WEBHOOK_SECRET_GITHUB: SECRETS.github });
    const { code } = await run(['github', 'ping', '--count', '2', '--duplicate', '--url', `${base}/webhooks/github`], { WEBHOOKS_ENV_FILE: envFile });
    expect(code).toBe(0);
    expect(posts).toHaveLength(4);
    expect(posts[0]).toEqual(posts[1]);
    expect(posts[2]).toEqual(posts[3]);
    expect(posts[0]!.headers['x-github-delivery']).not.toBe(posts[2]!.headers['x-github-delivery']);
    expect(posts.every((post) => post.headers['x-github-event'] === 'ping')).toBe(true);
    expect(await verifyGithub(SECRETS.github, posts[0]!.body, posts[0]!.headers['x-hub-signature-256'] as string)).toBe(true);
  });

  it('exits 1 when the gateway refuses the request', async () => {
    postStatus = 401;
    const { code, output } = await run(['stripe'], { WEBHOOK_SECRET_STRIPE: SECRETS.stripe });
    expect(code).toBe(1);
    expect(output).toContain('→ 401');
  });

  it('says so when the API does not know the accepted event', async () => {
    // The stand-in records ids from X-GitHub-Delivery or the body's "id"; GitLab's is in Idempotency-Key.
    const { code, output } = await run(['gitlab'], { WEBHOOK_SECRET_GITLAB: SECRETS.gitlab });
    expect(posts[0]!.headers['x-gitlab-token']).toBe(SECRETS.gitlab);
    expect(code).toBe(1);
    expect(output).toMatch(/gitlab \S+ → not found: GET .*answers 404/);
  });

  it('explains an unknown source, a missing secret and an unreachable gateway', async () => {
    const unknown = await run(['nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.output).toMatch(/Unknown source "nope".*stripe, github/);

    const noSecret = await run(['stripe']);
    expect(noSecret.code).toBe(2);
    expect(noSecret.output).toContain('npm start');
    expect(noSecret.output).toContain('WEBHOOK_SECRET_STRIPE');

    const down = await run(['stripe', '--url', 'http://127.0.0.1:9/webhooks/stripe'], { WEBHOOK_SECRET_STRIPE: SECRETS.stripe });
    expect(down.code).toBe(1);
    expect(down.output).toContain('Cannot reach');
    expect(down.output).toContain('npm start');

    const usage = await run([]);
    expect(usage.code).toBe(2);
    expect(usage.output).toContain('usage');
  });
});
