/**
 * Realistic sample webhooks for every provider, signed exactly as the provider signs them: with
 * the provider's own library where it has a signer (Stripe, GitHub's Octokit, Standard Webhooks,
 * Twilio, WorkOS, HubSpot), with `node:crypto` per the provider's documentation otherwise (the
 * tests check those against the provider's verifier where it ships one), and with the gateway's
 * own signer where it ships one (the generic HMAC's `hmacSignature`): no sample re-implements a
 * signer of ours. One file per provider,
 * loaded only when used, so `npm run send` pays for one provider's library at most; used by
 * `npm run send` and by the tests.
 *
 * Asynchronous because modules load lazily and Octokit's `sign` is asynchronous (Web Crypto).
 */
import type { ProviderName, SourceConfig } from '../../shared/config/schema';
import { splitSecretValue } from '../../shared/inbound/secrets';
import type { ProviderSample, SampleOptions, SampleWebhook } from './support';

export type { SampleHandshake, SampleOptions, SampleWebhook } from './support';

const SAMPLES: { readonly [P in ProviderName]: () => Promise<ProviderSample> } = {
  stripe: async () => (await import('./stripe')).stripeSample,
  github: async () => (await import('./github')).githubSample,
  shopify: async () => (await import('./shopify')).shopifySample,
  slack: async () => (await import('./slack')).slackSample,
  standard: async () => (await import('./standard')).standardSample,
  twilio: async () => (await import('./twilio')).twilioSample,
  square: async () => (await import('./square')).squareSample,
  gitlab: async () => (await import('./gitlab')).gitlabSample,
  hmac: async () => (await import('./hmac')).hmacSample,
  paddle: async () => (await import('./paddle')).paddleSample,
  linear: async () => (await import('./linear')).linearSample,
  line: async () => (await import('./line')).lineSample,
  adyen: async () => (await import('./adyen')).adyenSample,
  mux: async () => (await import('./mux')).muxSample,
  razorpay: async () => (await import('./razorpay')).razorpaySample,
  workos: async () => (await import('./workos')).workosSample,
  intercom: async () => (await import('./intercom')).intercomSample,
  mailgun: async () => (await import('./mailgun')).mailgunSample,
  hubspot: async () => (await import('./hubspot')).hubspotSample,
  pagerduty: async () => (await import('./pagerduty')).pagerdutySample,
  typeform: async () => (await import('./typeform')).typeformSample,
  zoom: async () => (await import('./zoom')).zoomSample,
  dropbox: async () => (await import('./dropbox')).dropboxSample,
  calendly: async () => (await import('./calendly')).calendlySample,
  discord: async () => (await import('./discord')).discordSample,
  telnyx: async () => (await import('./telnyx')).telnyxSample,
  sendgrid: async () => (await import('./sendgrid')).sendgridSample,
  x: async () => (await import('./x')).xSample,
  msgraph: async () => (await import('./msgraph')).msgraphSample,
  asana: async () => (await import('./asana')).asanaSample,
};

/** Every provider that has a sample (all of them). */
export const SAMPLE_PROVIDERS = Object.keys(SAMPLES) as ProviderName[];

/** The event type a provider's sample has when none is asked for. */
export async function defaultEventType(provider: ProviderName): Promise<string> {
  return (await SAMPLES[provider]()).defaultEventType;
}

/**
 * Builds and signs a sample event for `source` with `secretValue` (the first secret, if the
 * value holds several separated by commas).
 */
export async function sampleWebhook(source: SourceConfig, secretValue: string, options: SampleOptions): Promise<SampleWebhook> {
  const secret = splitSecretValue(secretValue)[0] ?? secretValue;
  const provider = await SAMPLES[source.provider]();
  const nowSeconds = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  return provider.build(secret, { ...options, eventType: options.eventType ?? provider.defaultEventType, nowSeconds }, source);
}
