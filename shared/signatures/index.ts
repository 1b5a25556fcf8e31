/**
 * The provider module for a source. Fixed providers are shared; a generic `hmac` provider is
 * built from the source's options once per source object, and a preset provider once per
 * preset (shared/signatures/presets.ts).
 */
import type { ProviderName, SourceConfig } from '../config/schema';
import { adyen } from './adyen';
import { asana } from './asana';
import { discord } from './discord';
import { dropbox } from './dropbox';
import { github } from './github';
import { gitlab } from './gitlab';
import { createHmacProvider } from './hmac';
import { hubspot } from './hubspot';
import { line } from './line';
import { mailgun } from './mailgun';
import { msgraph } from './msgraph';
import { PRESETS, presetOptions, type PresetName } from './presets';
import { sendgrid } from './sendgrid';
import { shopify } from './shopify';
import { slack } from './slack';
import { square } from './square';
import { standard } from './standard';
import { stripe } from './stripe';
import { telnyx } from './telnyx';
import { twilio } from './twilio';
import type { Provider } from './types';
import { x } from './x';
import { zoom } from './zoom';

type ModuleProvider = Exclude<ProviderName, 'hmac' | PresetName>;

const providers: Readonly<Record<ModuleProvider, Provider>> = {
  stripe,
  github,
  shopify,
  slack,
  standard,
  twilio,
  square,
  gitlab,
  line,
  adyen,
  mailgun,
  hubspot,
  zoom,
  dropbox,
  x,
  msgraph,
  asana,
  discord,
  telnyx,
  sendgrid,
};
const built = new WeakMap<SourceConfig, Provider>();
const presets = new Map<PresetName, Provider>();

export function isPreset(provider: string): provider is PresetName {
  return Object.hasOwn(PRESETS, provider);
}

/**
 * @example
 * providerFor(source).verify(request, { secrets, nowSeconds, toleranceSeconds: source.toleranceSeconds });
 */
export function providerFor(source: SourceConfig): Provider {
  if (source.provider === 'hmac') {
    let provider = built.get(source);
    if (!provider) {
      provider = createHmacProvider(source.hmac);
      built.set(source, provider);
    }
    return provider;
  }
  if (isPreset(source.provider)) {
    let provider = presets.get(source.provider);
    if (!provider) {
      provider = createHmacProvider(presetOptions(source.provider));
      presets.set(source.provider, provider);
    }
    return provider;
  }
  return providers[source.provider as ModuleProvider];
}

/**
 * Whether any source answers `GET /webhooks/{source}` (X's CRC, Dropbox's challenge): the HTTP
 * API and the local gateway route GET to the ingress function only then.
 */
export function anySourceAnswersGet(sources: readonly SourceConfig[]): boolean {
  return sources.some((source) => providerFor(source).answersGet === true);
}

export { createHmacProvider };
export type { Provider };
