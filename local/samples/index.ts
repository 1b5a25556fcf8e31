/**
 * Realistic sample webhooks for every provider, signed exactly as the provider signs them: with
 * the provider's own library where it has a signer (Stripe, GitHub's Octokit, Standard Webhooks,
 * Twilio), with `node:crypto` per the provider's documentation otherwise (Shopify, Slack, Square,
 * whose SDK only verifies; GitLab's token; the generic HMAC). One file per provider; used by
 * `npm run send` and by the tests.
 *
 * Asynchronous because Octokit's `sign` is (it uses Web Crypto).
 */
import type { ProviderName, SourceConfig } from '../../shared/config/schema';
import { splitSecretValue } from '../../shared/inbound/secrets';
import { githubSample } from './github';
import { gitlabSample } from './gitlab';
import { hmacSample } from './hmac';
import { shopifySample } from './shopify';
import { slackSample } from './slack';
import { squareSample } from './square';
import { standardSample } from './standard';
import { stripeSample } from './stripe';
import type { ProviderSample, SampleOptions, SampleWebhook } from './support';
import { twilioSample } from './twilio';

export type { SampleOptions, SampleWebhook } from './support';

const SAMPLES: { readonly [P in ProviderName]: ProviderSample<Extract<SourceConfig, { provider: P }>> } = {
  stripe: stripeSample,
  github: githubSample,
  shopify: shopifySample,
  slack: slackSample,
  standard: standardSample,
  twilio: twilioSample,
  square: squareSample,
  gitlab: gitlabSample,
  hmac: hmacSample,
};

export const DEFAULT_EVENT_TYPES = Object.fromEntries(Object.entries(SAMPLES).map(([provider, sample]) => [provider, sample.defaultEventType])) as Readonly<
  Record<ProviderName, string>
>;

/**
 * Builds and signs a sample event for `source` with `secretValue` (the first secret, if the
 * value holds several separated by commas).
 */
export async function sampleWebhook(source: SourceConfig, secretValue: string, options: SampleOptions): Promise<SampleWebhook> {
  const secret = splitSecretValue(secretValue)[0] ?? secretValue;
  const provider = SAMPLES[source.provider] as ProviderSample;
  const nowSeconds = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  return provider.build(secret, { ...options, eventType: options.eventType ?? provider.defaultEventType, nowSeconds }, source);
}
