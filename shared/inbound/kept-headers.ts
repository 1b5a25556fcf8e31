/**
 * Which request headers an event's record keeps: an allow-list, never a deny-list. A header is
 * kept only when it is known to say something about the event (its content type and encoding,
 * the sender's user agent, the provider's own event and delivery headers) or when the source
 * names it in its config (`keepHeaders`). Everything else is dropped: a name filter cannot know
 * every way a credential is spelled (`apikey`, `x-auth`, `password`, …), and whatever is stored is
 * shown in the console and the API.
 *
 * Signatures are not kept either (they authenticate one request, and the record is not the place
 * to hand them out again); handshake secrets (Asana's `X-Hook-Secret`) never are.
 */
import type { SourceConfig } from '../config/schema';
import { presetOptions, type PresetName } from '../signatures/presets';
import { isPreset } from '../signatures';
import type { SignedRequest } from '../signatures/types';

/** Kept for every source. */
const COMMON = ['content-type', 'content-encoding', 'user-agent'];

/**
 * The event and delivery headers each provider with a module of its own documents (ids, types,
 * delivery attempts, signed timestamps), lower-case. Providers that carry all of it in the body
 * have none.
 */
const PROVIDER_HEADERS: Readonly<Record<string, readonly string[]>> = {
  stripe: [],
  github: ['x-github-event', 'x-github-delivery', 'x-github-hook-id', 'x-github-hook-installation-target-id', 'x-github-hook-installation-target-type'],
  shopify: ['x-shopify-topic', 'x-shopify-webhook-id', 'x-shopify-event-id', 'x-shopify-triggered-at', 'x-shopify-shop-domain', 'x-shopify-api-version'],
  slack: ['x-slack-request-timestamp', 'x-slack-retry-num', 'x-slack-retry-reason'],
  standard: ['webhook-id', 'webhook-timestamp', 'svix-id', 'svix-timestamp'],
  twilio: ['i-twilio-idempotency-token'],
  square: [],
  gitlab: ['x-gitlab-event', 'x-gitlab-event-uuid', 'x-gitlab-webhook-uuid', 'x-gitlab-instance'],
  line: [],
  adyen: [],
  mailgun: [],
  hubspot: ['x-hubspot-request-timestamp'],
  zoom: ['x-zm-request-timestamp'],
  dropbox: [],
  x: [],
  msgraph: [],
  asana: [],
  discord: ['x-signature-timestamp'],
  telnyx: ['telnyx-timestamp'],
  sendgrid: ['x-twilio-email-event-webhook-timestamp'],
};

/** Header values kept on the record are capped, as is their number. */
const MAX_KEPT_HEADER_CHARS = 1024;

const allowed = new WeakMap<SourceConfig, ReadonlySet<string>>();

/** The header names (lower-case) the records of `source` keep. */
export function keptHeaderNames(source: SourceConfig): ReadonlySet<string> {
  let names = allowed.get(source);
  if (!names) {
    names = new Set([...COMMON, ...providerHeaders(source), ...(source.keepHeaders ?? [])]);
    allowed.set(source, names);
  }
  return names;
}

/**
 * The headers of `request` the record keeps.
 *
 * @example
 * keptHeaders(source, request.headers); // { 'content-type': 'application/json', 'x-github-event': 'push', … }
 */
export function keptHeaders(source: SourceConfig, headers: SignedRequest['headers']): Record<string, string> {
  const names = keptHeaderNames(source);
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || !names.has(name)) continue;
    kept[name] = value.length > MAX_KEPT_HEADER_CHARS ? value.slice(0, MAX_KEPT_HEADER_CHARS) : value;
  }
  return kept;
}

/** The generic engine's sources (`hmac` and the presets) keep the headers their options read the id, type and timestamp from. */
function providerHeaders(source: SourceConfig): readonly string[] {
  if (source.provider === 'hmac' || isPreset(source.provider)) {
    const options = source.provider === 'hmac' ? source.hmac : presetOptions(source.provider as PresetName);
    return [options.eventId, options.eventType, options.timestamp].flatMap((location) =>
      location && typeof location === 'object' && 'header' in location ? [location.header] : [],
    );
  }
  return PROVIDER_HEADERS[source.provider] ?? [];
}
