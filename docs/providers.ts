/**
 * The provider catalogue: one row per `provider` value, rendered into docs/providers.md by
 * `npm run docs:providers`. test/unit/docs-providers.test.ts fails when a provider of the schema
 * has no row or the Markdown file is not what this renders, so the table cannot drift.
 *
 * The existing nine follow ../shared/PROVIDERS.md (the team's reference); the others cite each
 * provider's own documentation.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ProviderName } from '../shared/config/schema';

export interface ProviderRow {
  readonly name: string;
  /** Where the signature (or token) travels. */
  readonly header: string;
  readonly signed: string;
  readonly algorithm: string;
  /** The signed timestamp and its window, or none. */
  readonly tolerance: string;
  readonly dedupeKey: string;
  readonly eventType: string;
  /** What is answered without storing anything. */
  readonly handshake: string;
  /** What proves it in the tests: the provider's library (signer or verifier) or the documented algorithm. */
  readonly provenBy: string;
  /** `preset` (configuration over the generic HMAC engine) or the module file. */
  readonly implementation: string;
  /** The provider's own documentation relied on. */
  readonly docs: readonly string[];
}

const REFERENCE = '[shared/PROVIDERS.md](../../shared/PROVIDERS.md)';
const TOLERANCE = 'the source\'s `toleranceSeconds` (300 s by default), both directions';

export const PROVIDERS: Readonly<Record<ProviderName, ProviderRow>> = {
  stripe: {
    name: 'Stripe', header: '`Stripe-Signature: t=…,v1=…[,v1=…]`', signed: '`<t>.<body>`', algorithm: 'HMAC-SHA256, hex', tolerance: `\`t\`, ${TOLERANCE}`,
    dedupeKey: 'body `id`', eventType: 'body `type`', handshake: '—', provenBy: '`stripe` signs (`generateTestHeaderString`) and verifies (`constructEvent`)', implementation: 'stripe.ts', docs: [REFERENCE],
  },
  github: {
    name: 'GitHub', header: '`X-Hub-Signature-256: sha256=…`', signed: 'body', algorithm: 'HMAC-SHA256, hex', tolerance: 'none', dedupeKey: 'header `X-GitHub-Delivery`',
    eventType: 'header `X-GitHub-Event`', handshake: '— (`ping` is an event)', provenBy: '`@octokit/webhooks-methods` signs and verifies', implementation: 'github.ts', docs: [REFERENCE],
  },
  shopify: {
    name: 'Shopify', header: '`X-Shopify-Hmac-Sha256`', signed: 'body', algorithm: 'HMAC-SHA256, base64', tolerance: 'none', dedupeKey: 'header `X-Shopify-Webhook-Id`',
    eventType: 'header `X-Shopify-Topic`', handshake: '—', provenBy: 'documented algorithm (no official verifier)', implementation: 'shopify.ts', docs: [REFERENCE],
  },
  slack: {
    name: 'Slack', header: '`X-Slack-Signature: v0=…`', signed: '`v0:<X-Slack-Request-Timestamp>:<body>`', algorithm: 'HMAC-SHA256, hex', tolerance: `\`X-Slack-Request-Timestamp\`, ${TOLERANCE}`,
    dedupeKey: 'body `event_id`', eventType: 'body `event.type`, else `type`', handshake: '`url_verification` → `{"challenge"}` (signed, verified first)', provenBy: '`@slack/bolt` verifies', implementation: 'slack.ts', docs: [REFERENCE],
  },
  standard: {
    name: 'Standard Webhooks / Svix', header: '`webhook-signature: v1,…` (or `svix-*`)', signed: '`<id>.<timestamp>.<body>`', algorithm: 'HMAC-SHA256, base64; key `whsec_` + base64', tolerance: `\`webhook-timestamp\`, ${TOLERANCE}`,
    dedupeKey: 'header `webhook-id` / `svix-id`', eventType: 'body `type` / `eventType`', handshake: '—', provenBy: '`standardwebhooks` and `svix` sign and verify', implementation: 'standard.ts', docs: [REFERENCE],
  },
  twilio: {
    name: 'Twilio', header: '`X-Twilio-Signature`', signed: 'public URL + sorted form parameters (JSON: URL with `bodySHA256`)', algorithm: 'HMAC-SHA1, base64', tolerance: 'none',
    dedupeKey: 'header `I-Twilio-Idempotency-Token`, else `<Sid>:<status>`', eventType: 'form `MessageStatus`/`CallStatus`', handshake: '—', provenBy: '`twilio` signs and verifies', implementation: 'twilio.ts', docs: [REFERENCE],
  },
  square: {
    name: 'Square', header: '`x-square-hmacsha256-signature`', signed: 'notification URL + body', algorithm: 'HMAC-SHA256, base64', tolerance: 'none', dedupeKey: 'body `event_id`',
    eventType: 'body `type`', handshake: '—', provenBy: '`square` verifies (`WebhooksHelper.verifySignature`)', implementation: 'square.ts', docs: [REFERENCE],
  },
  gitlab: {
    name: 'GitLab', header: '`X-Gitlab-Token`', signed: '— (a shared token)', algorithm: 'constant-time equality', tolerance: 'none', dedupeKey: 'header `Idempotency-Key`, else `X-Gitlab-Event-UUID`',
    eventType: 'header `X-Gitlab-Event`', handshake: '—', provenBy: 'the documented header', implementation: 'gitlab.ts', docs: [REFERENCE],
  },
  hmac: {
    name: 'generic HMAC', header: 'configured (`hmac.signatureHeader`)', signed: 'configured template over `{id}`, `{timestamp}`, `{body}`', algorithm: 'sha1 / sha256 / sha512, hex / base64', tolerance: 'optional, header, `keyValue` entry or body path; seconds, ms or ISO 8601',
    dedupeKey: 'configured: header, JSON path or joined paths', eventType: 'configured', handshake: '—', provenBy: '`node:crypto` in the test', implementation: 'hmac.ts', docs: [REFERENCE],
  },
  paddle: {
    name: 'Paddle Billing', header: '`Paddle-Signature: ts=…;h1=…[;h1=…]`', signed: '`<ts>:<body>`', algorithm: 'HMAC-SHA256, hex', tolerance: `\`ts\`, ${TOLERANCE} (Paddle's SDK allows 5 s; lower \`toleranceSeconds\` to match)`,
    dedupeKey: 'body `event_id`', eventType: 'body `event_type`', handshake: '—', provenBy: 'documented algorithm, cross-checked with `@paddle/paddle-node-sdk` `webhooks.isSignatureValid` (it only verifies)', implementation: 'preset',
    docs: ['https://developer.paddle.com/webhooks/signature-verification'],
  },
  linear: {
    name: 'Linear', header: '`Linear-Signature`', signed: 'body (which carries `webhookTimestamp`, ms)', algorithm: 'HMAC-SHA256, hex', tolerance: `body \`webhookTimestamp\`, ${TOLERANCE} (Linear's SDK allows 60 s)`,
    dedupeKey: 'header `Linear-Delivery`', eventType: 'body `<type>.<action>` (`Issue.create`)', handshake: '—', provenBy: 'documented algorithm, cross-checked with `@linear/sdk` `LinearWebhookClient.verify` (it only verifies)', implementation: 'preset',
    docs: ['https://linear.app/developers/webhooks'],
  },
  line: {
    name: 'LINE Messaging API', header: '`x-line-signature`', signed: 'body', algorithm: 'HMAC-SHA256, base64 (channel secret)', tolerance: 'none',
    dedupeKey: 'events’ `webhookEventId` (one: the id; several: `batch:` + SHA-256 of the sorted ids)', eventType: 'first event’s `type`', handshake: 'console Verify (signed, `events: []`) → 200, not stored',
    provenBy: 'documented algorithm, cross-checked with `@line/bot-sdk` `validateSignature` (it only verifies)', implementation: 'line.ts',
    docs: ['https://developers.line.biz/en/docs/messaging-api/verify-webhook-signature', 'https://developers.line.biz/en/docs/messaging-api/receiving-messages'],
  },
  adyen: {
    name: 'Adyen', header: 'body: each item’s `additionalData.hmacSignature`', signed: '`pspReference:originalReference:merchantAccountCode:merchantReference:value:currency:eventCode:success`', algorithm: 'HMAC-SHA256, base64; key = the hex HMAC key’s bytes',
    tolerance: 'none', dedupeKey: '`<eventCode>:<pspReference>:<success>` per item (batch as LINE)', eventType: 'first item’s `eventCode`', handshake: '— (acknowledged with `[accepted]`)',
    provenBy: '`@adyen/api-library` `HmacValidator` signs (`calculateHmac`) and verifies (`validateHMAC`)', implementation: 'adyen.ts',
    docs: ['https://docs.adyen.com/development-resources/webhooks/secure-webhooks/verify-hmac-signatures'],
  },
  mux: {
    name: 'Mux', header: '`Mux-Signature: t=…,v1=…`', signed: '`<t>.<body>`', algorithm: 'HMAC-SHA256, hex', tolerance: `\`t\`, ${TOLERANCE}`, dedupeKey: 'body `id`', eventType: 'body `type`', handshake: '—',
    provenBy: 'documented algorithm, cross-checked with `@mux/mux-node` `webhooks.verifySignature` (it only verifies)', implementation: 'preset', docs: ['https://www.mux.com/docs/core/verify-webhook-signatures'],
  },
  razorpay: {
    name: 'Razorpay', header: '`X-Razorpay-Signature`', signed: 'body', algorithm: 'HMAC-SHA256, hex', tolerance: 'none', dedupeKey: 'header `x-razorpay-event-id`', eventType: 'body `event`', handshake: '—',
    provenBy: 'documented algorithm, cross-checked with `razorpay` `validateWebhookSignature` (it only verifies)', implementation: 'preset', docs: ['https://razorpay.com/docs/webhooks/validate-test/', 'https://razorpay.com/docs/webhooks/best-practices'],
  },
  workos: {
    name: 'WorkOS', header: '`WorkOS-Signature: t=<ms>, v1=…`', signed: '`<t>.<body>`', algorithm: 'HMAC-SHA256, hex', tolerance: `\`t\` (milliseconds), ${TOLERANCE} (the SDK's default is 180 s)`,
    dedupeKey: 'body `id`', eventType: 'body `event`', handshake: '—', provenBy: '`@workos-inc/node` signs (`webhooks.computeSignature`) and verifies (`verifyHeader`)', implementation: 'preset',
    docs: ['https://workos.com/docs/events/data-syncing/webhooks'],
  },
  intercom: {
    name: 'Intercom', header: '`X-Hub-Signature: sha1=…`', signed: 'body', algorithm: 'HMAC-SHA1, hex (app client secret)', tolerance: 'none', dedupeKey: 'body `id` (`notif_…`)', eventType: 'body `topic`',
    handshake: '— (`ping` is an event)', provenBy: 'documented algorithm (no official verifier)', implementation: 'preset',
    docs: ['https://developers.intercom.com/docs/webhooks', 'https://developers.intercom.com/docs/references/2.5/webhooks/webhook-models'],
  },
  mailgun: {
    name: 'Mailgun', header: 'body: `signature.{timestamp,token,signature}`', signed: '`<timestamp><token>` (not `event-data`: see the README)', algorithm: 'HMAC-SHA256, hex (webhook signing key)', tolerance: `\`signature.timestamp\`, ${TOLERANCE}`,
    dedupeKey: 'body `event-data.id`', eventType: 'body `event-data.event`', handshake: '—', provenBy: 'documented algorithm (no official verifier)', implementation: 'mailgun.ts',
    docs: ['https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks'],
  },
  hubspot: {
    name: 'HubSpot (v3)', header: '`X-HubSpot-Signature-v3` + `X-HubSpot-Request-Timestamp` (ms)', signed: '`<method><URI><body><timestamp>`, URI with HubSpot’s listed percent-encodings decoded', algorithm: 'HMAC-SHA256, base64 (client secret)',
    tolerance: `\`X-HubSpot-Request-Timestamp\`, ${TOLERANCE}`, dedupeKey: 'events’ `eventId` (batch as LINE)', eventType: 'first event’s `subscriptionType`', handshake: '—',
    provenBy: '`@hubspot/api-client` `Signature` signs (`getSignature`) and verifies (`isValid`)', implementation: 'hubspot.ts',
    docs: ['https://developers.hubspot.com/docs/api/webhooks/validating-requests', 'https://developers.hubspot.com/changelog/introducing-version-3-of-webhook-signatures'],
  },
  pagerduty: {
    name: 'PagerDuty (v3)', header: '`X-PagerDuty-Signature: v1=…[,v1=…]`', signed: 'body', algorithm: 'HMAC-SHA256, hex', tolerance: 'none', dedupeKey: 'body `event.id`', eventType: 'body `event.event_type`', handshake: '—',
    provenBy: 'documented algorithm (no official Node verifier)', implementation: 'preset',
    docs: ['https://github.com/PagerDuty/developer-docs/blob/main/docs/webhooks/04-Signatures.md', 'https://pkg.go.dev/github.com/PagerDuty/go-pagerduty/webhookv3'],
  },
  typeform: {
    name: 'Typeform', header: '`Typeform-Signature: sha256=…`', signed: 'body', algorithm: 'HMAC-SHA256, base64', tolerance: 'none', dedupeKey: 'body `event_id`', eventType: 'body `event_type`', handshake: '—',
    provenBy: 'documented algorithm (no official verifier)', implementation: 'preset', docs: ['https://www.typeform.com/developers/webhooks/secure-your-webhooks/'],
  },
  zoom: {
    name: 'Zoom', header: '`x-zm-signature: v0=…` + `x-zm-request-timestamp`', signed: '`v0:<timestamp>:<body>`', algorithm: 'HMAC-SHA256, hex (Secret Token)', tolerance: `\`x-zm-request-timestamp\`, ${TOLERANCE}`,
    dedupeKey: '`<event>:<event_ts>[:<payload.object.uuid|id>]` (no event id)', eventType: 'body `event`', handshake: '`endpoint.url_validation` (signed, verified first) → `{plainToken, encryptedToken}`',
    provenBy: 'documented algorithm (no official Node verifier)', implementation: 'zoom.ts',
    docs: ['https://developers.zoom.us/docs/api/webhooks', 'https://developers.zoom.us/changelog/platform/webhook-url-validation.md', 'https://developers.zoom.us/blog/webhook-delays.md'],
  },
  dropbox: {
    name: 'Dropbox', header: '`X-Dropbox-Signature`', signed: 'body', algorithm: 'HMAC-SHA256, hex (app secret)', tolerance: 'none', dedupeKey: 'none: each delivery gets `dropbox-<uuid>` (a notification carries no id)',
    eventType: '`list_folder`', handshake: '`GET ?challenge=` → echoed, `text/plain`, nosniff (unsigned)', provenBy: 'documented algorithm (no official verifier)', implementation: 'dropbox.ts',
    docs: ['https://www.dropbox.com/developers/reference/webhooks'],
  },
  calendly: {
    name: 'Calendly', header: '`Calendly-Webhook-Signature: t=…,v1=…`', signed: '`<t>.<body>`', algorithm: 'HMAC-SHA256, hex (webhook signing key)', tolerance: `\`t\`, ${TOLERANCE}`,
    dedupeKey: '`<event>:<payload.uri>` (no event id)', eventType: 'body `event`', handshake: '—', provenBy: 'documented algorithm (no official verifier)', implementation: 'preset',
    docs: ['https://developer.calendly.com/api-docs/overview/webhooks/webhook-signatures'],
  },
  discord: {
    name: 'Discord (interactions)', header: '`X-Signature-Ed25519` + `X-Signature-Timestamp`', signed: '`<timestamp><body>`', algorithm: 'Ed25519; secret = the application’s public key, hex', tolerance: `\`X-Signature-Timestamp\`, ${TOLERANCE}`,
    dedupeKey: 'body `id` (the interaction)', eventType: 'interaction kind (`APPLICATION_COMMAND`, …)', handshake: 'PING (signed, verified first) → PONG `{"type":1}`; events acknowledged with a deferred response (`{"type":5}`, …)',
    provenBy: 'documented algorithm (`node:crypto` Ed25519), cross-checked with `discord-interactions` `verifyKey` (it only verifies)', implementation: 'discord.ts',
    docs: ['https://discord.com/developers/docs/interactions/receiving-and-responding#security-and-authorization'],
  },
  telnyx: {
    name: 'Telnyx', header: '`telnyx-signature-ed25519` + `telnyx-timestamp`', signed: '`<timestamp>|<body>`', algorithm: 'Ed25519, base64; secret = the account’s public key, base64', tolerance: `\`telnyx-timestamp\`, ${TOLERANCE}`,
    dedupeKey: 'body `data.id`', eventType: 'body `data.event_type`', handshake: '—', provenBy: 'documented algorithm (`node:crypto` Ed25519), cross-checked with `telnyx` `TelnyxWebhook.verify` (it only verifies)', implementation: 'telnyx.ts',
    docs: ['https://developers.telnyx.com/docs/development/sdk/python/webhooks'],
  },
  sendgrid: {
    name: 'Twilio SendGrid (signed Event Webhook)', header: '`X-Twilio-Email-Event-Webhook-Signature` + `…-Timestamp`', signed: '`<timestamp><body>`', algorithm: 'ECDSA P-256 / SHA-256, DER, base64; secret = base64 of the DER public key',
    tolerance: `\`…-Timestamp\`, ${TOLERANCE}`, dedupeKey: 'events’ `sg_event_id` (batch as LINE)', eventType: 'first event’s `event`', handshake: '—',
    provenBy: 'documented algorithm (`node:crypto` ECDSA), cross-checked with `@sendgrid/eventwebhook` `verifySignature` (it only verifies)', implementation: 'sendgrid.ts',
    docs: ['https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features.md'],
  },
  x: {
    name: 'X (Account Activity)', header: '`x-twitter-webhooks-signature: sha256=…`', signed: 'body', algorithm: 'HMAC-SHA256, base64 (consumer secret)', tolerance: 'none',
    dedupeKey: '`<for_user_id>:<kind>:` + the items’ ids (`id_str`, …; batch as LINE)', eventType: 'the `…_events` key (`tweet_create_events`)', handshake: 'CRC `GET ?crc_token=` → `{"response_token": "sha256=<base64 HMAC>"}`',
    provenBy: 'documented algorithm (no official verifier)', implementation: 'x.ts',
    docs: ['https://developer.x.com/en/docs/x-api/enterprise/account-activity-api/guides/securing-webhooks', 'https://docs.x.com/x-api/webhooks/quickstart'],
  },
  msgraph: {
    name: 'Microsoft Graph', header: 'body: each notification’s `clientState`', signed: '— (Graph signs nothing; `clientState` is the shared secret)', algorithm: 'constant-time equality of every item’s `clientState`', tolerance: 'none',
    dedupeKey: 'item `id`, else `<subscriptionId>:<changeType>:<resource>:<@odata.etag>` (batch as LINE)', eventType: '`changeType`, or `lifecycle.<lifecycleEvent>`', handshake: '`?validationToken=` (POST, unsigned) → echoed as `text/plain` at once (Graph allows 10 s)',
    provenBy: 'documented contract (no official verifier)', implementation: 'msgraph.ts',
    docs: ['https://learn.microsoft.com/graph/change-notifications-delivery-webhooks', 'https://learn.microsoft.com/graph/api/resources/changenotification?preserve-view=true&view=graph-rest-beta'],
  },
  asana: {
    name: 'Asana', header: '`X-Hook-Signature`', signed: 'body', algorithm: 'HMAC-SHA256, hex; secret = the handshake’s `X-Hook-Secret`', tolerance: 'none',
    dedupeKey: '`<created_at>:<action>:<resource>:<parent>:<field>:<user>` per event (batch as LINE)', eventType: '`<resource_type>.<action>` of the first event',
    handshake: '`X-Hook-Secret` (unsigned, first request) → echoed and kept in the table; heartbeats (`events: []`) → 200', provenBy: 'documented algorithm (no official verifier)', implementation: 'asana.ts',
    docs: ['https://developers.asana.com/docs/webhooks-guide.md', 'https://developers.asana.com/reference/createwebhook.md'],
  },
};

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const link = (url: string) => (url.startsWith('[') ? url : `[${new URL(url).hostname}](${url})`);

/** The Markdown of docs/providers.md. */
export function renderProviders(): string {
  const header = ['provider', '`provider` value', 'signature header', 'signed content', 'algorithm', 'timestamp / tolerance', 'dedupe key', 'event type', 'handshake (never stored)', 'proven by', 'code', 'provider docs'];
  const rows = (Object.entries(PROVIDERS) as Array<[ProviderName, ProviderRow]>).map(([value, row]) =>
    [row.name, `\`${value}\``, row.header, row.signed, row.algorithm, row.tolerance, row.dedupeKey, row.eventType, row.handshake, row.provenBy,
      row.implementation === 'preset' ? 'preset (shared/signatures/presets.ts)' : `shared/signatures/${row.implementation}`, row.docs.map(link).join(', ')].map(cell),
  );
  return [
    '# Providers',
    '',
    '<!-- Generated by `npm run docs:providers` from docs/providers.ts; edit that file, not this one. -->',
    '',
    `${rows.length} providers, one source each in the shipped \`webhooks.config.json\`. Every scheme is proven in test/unit/signatures: a request signed by the provider's library (or its documented algorithm) is accepted, and the same request with one signed byte changed, signed with another key, or (where a timestamp is signed) outside the tolerance is refused. "Batch as LINE": a request carrying several events is keyed by all their ids (one id: itself; several: \`batch:\` + SHA-256 of the sorted distinct ids), so a retried batch is a duplicate.`,
    '',
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const target = fileURLToPath(new URL('./providers.md', import.meta.url));
  writeFileSync(target, renderProviders());
  process.stdout.write(`wrote ${target}\n`);
}
