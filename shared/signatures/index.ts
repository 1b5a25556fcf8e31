/**
 * The provider module for a source. Fixed providers are shared; a generic `hmac` provider is
 * built from the source's options once per source object.
 */
import type { ProviderName, SourceConfig } from '../config/schema';
import { github } from './github';
import { gitlab } from './gitlab';
import { createHmacProvider } from './hmac';
import { shopify } from './shopify';
import { slack } from './slack';
import { square } from './square';
import { standard } from './standard';
import { stripe } from './stripe';
import { twilio } from './twilio';
import type { Provider } from './types';

const providers: Readonly<Record<Exclude<ProviderName, 'hmac'>, Provider>> = { stripe, github, shopify, slack, standard, twilio, square, gitlab };
const built = new WeakMap<SourceConfig, Provider>();

/**
 * @example
 * providerFor(source).verify(request, { secrets, nowSeconds, toleranceSeconds: source.toleranceSeconds });
 */
export function providerFor(source: SourceConfig): Provider {
  if (source.provider !== 'hmac') return providers[source.provider];
  let provider = built.get(source);
  if (!provider) {
    provider = createHmacProvider(source.hmac);
    built.set(source, provider);
  }
  return provider;
}

export { createHmacProvider };
export type { Provider };
