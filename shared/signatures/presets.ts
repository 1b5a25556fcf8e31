/**
 * Providers whose scheme is configuration over the generic HMAC engine (shared/signatures/hmac.ts):
 * no code of their own, only these options. Each preset is a source `provider` value; the
 * options are parsed by the same schema as a user's `hmac` options, at load, so a preset cannot
 * drift from what the engine accepts. docs/providers.md cites each provider's documentation.
 */
import type { HmacOptions, HmacOptionsInput } from '../config/schema';
import { withHmacDefaults } from './hmac-options';

export const PRESETS = {
  /** Paddle Billing: `Paddle-Signature: ts=<unix>;h1=<hex>[;h1=<hex>]` over `<ts>:<body>`. */
  paddle: {
    signatureHeader: 'paddle-signature',
    signatureFormat: 'keyValue',
    entrySeparator: ';',
    signatureKey: 'h1',
    timestamp: { key: 'ts', format: 'unix' },
    signedContent: '{timestamp}:{body}',
    eventId: { jsonPath: 'event_id' },
    eventType: { jsonPath: 'event_type' },
  },
  /** Linear: `Linear-Signature: <hex>` over the body; the body's `webhookTimestamp` (ms) is the signed time. */
  linear: {
    signatureHeader: 'linear-signature',
    timestamp: { jsonPath: 'webhookTimestamp', format: 'unixMs' },
    eventId: { header: 'linear-delivery' },
    eventType: { jsonPaths: ['type', 'action'], separator: '.' },
  },
  /** Mux: `Mux-Signature: t=<unix>,v1=<hex>` over `<t>.<body>`. */
  mux: {
    signatureHeader: 'mux-signature',
    signatureFormat: 'keyValue',
    timestamp: { key: 't', format: 'unix' },
    signedContent: '{timestamp}.{body}',
    eventId: { jsonPath: 'id' },
    eventType: { jsonPath: 'type' },
  },
  /** Razorpay: `X-Razorpay-Signature: <hex>` over the body; `x-razorpay-event-id` is the event. */
  razorpay: {
    signatureHeader: 'x-razorpay-signature',
    eventId: { header: 'x-razorpay-event-id' },
    eventType: { jsonPath: 'event' },
  },
  /** WorkOS: `WorkOS-Signature: t=<unix ms>, v1=<hex>` over `<t>.<body>`. */
  workos: {
    signatureHeader: 'workos-signature',
    signatureFormat: 'keyValue',
    timestamp: { key: 't', format: 'unixMs' },
    signedContent: '{timestamp}.{body}',
    eventId: { jsonPath: 'id' },
    eventType: { jsonPath: 'event' },
  },
  /** Intercom: `X-Hub-Signature: sha1=<hex>`, HMAC-SHA1 of the body with the app's client secret. */
  intercom: {
    signatureHeader: 'x-hub-signature',
    algorithm: 'sha1',
    signaturePrefix: 'sha1=',
    eventId: { jsonPath: 'id' },
    eventType: { jsonPath: 'topic' },
  },
  /** PagerDuty v3: `X-PagerDuty-Signature: v1=<hex>[,v1=<hex>…]` (one per secret during a rotation) over the body. */
  pagerduty: {
    signatureHeader: 'x-pagerduty-signature',
    signaturePrefix: 'v1=',
    eventId: { jsonPath: 'event.id' },
    eventType: { jsonPath: 'event.event_type' },
  },
  /** Typeform: `Typeform-Signature: sha256=<base64>` over the body. */
  typeform: {
    signatureHeader: 'typeform-signature',
    encoding: 'base64',
    signaturePrefix: 'sha256=',
    eventId: { jsonPath: 'event_id' },
    eventType: { jsonPath: 'event_type' },
  },
  /**
   * Calendly: `Calendly-Webhook-Signature: t=<unix>,v1=<hex>` over `<t>.<body>`. The payload has
   * no event id; an event is its type and the resource it is about (`invitee.created` of one
   * invitee happens once), so the key is `<event>:<payload.uri>`.
   */
  calendly: {
    signatureHeader: 'calendly-webhook-signature',
    signatureFormat: 'keyValue',
    timestamp: { key: 't', format: 'unix' },
    signedContent: '{timestamp}.{body}',
    eventId: { jsonPaths: ['event', 'payload.uri'], separator: ':' },
    eventType: { jsonPath: 'event' },
  },
} as const satisfies Record<string, HmacOptionsInput>;

export type PresetName = keyof typeof PRESETS;

const parsed = new Map<PresetName, HmacOptions>();

/** The preset's options with the engine's defaults applied (parsed once). */
export function presetOptions(name: PresetName): HmacOptions {
  let options = parsed.get(name);
  if (!options) {
    options = withHmacDefaults(PRESETS[name]);
    parsed.set(name, options);
  }
  return options;
}
