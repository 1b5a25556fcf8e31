/**
 * Where a source's verification secrets come from. In AWS: Secrets Manager through
 * Powertools Parameters (cached); locally: the `WEBHOOK_SECRET_<NAME>` environment variables.
 * A stored value may hold several secrets separated by commas, all of them valid: that is how a
 * secret is rotated without dropping a single webhook.
 */
import { SECRET_VARIABLE_PREFIX, SIGNING_KEY_VARIABLE_PREFIX } from '../deployment/environment';

export interface SecretSource {
  /** Every currently valid secret of a source; empty when none is configured. */
  secretsFor(sourceName: string): Promise<string[]>;
  /** Drops any cached value, so the next read sees a just-rotated secret. */
  refresh?(sourceName: string): void;
}

/** Splits a stored secret value into its secrets: comma-separated, trimmed, empties dropped. */
export function splitSecretValue(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((secret) => secret.trim())
    .filter((secret) => secret.length > 0);
}

/** `stripe` → `WEBHOOK_SECRET_STRIPE`, `my-shop.eu` → `WEBHOOK_SECRET_MY_SHOP_EU`. */
export function secretEnvName(sourceName: string): string {
  return `${SECRET_VARIABLE_PREFIX}${sourceName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * `discord` → `WEBHOOK_SIGNING_KEY_DISCORD`: locally, the private key that signs samples for a
 * provider that signs with a private key (the source's secret is then the public key). Only
 * `npm run send` reads it; the gateway never does.
 */
export function signingKeyEnvName(sourceName: string): string {
  return `${SIGNING_KEY_VARIABLE_PREFIX}${sourceName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Secrets read from an environment map (the local runtime's). */
export class EnvSecretSource implements SecretSource {
  constructor(private readonly env: Readonly<Record<string, string | undefined>>) {}

  async secretsFor(sourceName: string): Promise<string[]> {
    return splitSecretValue(this.env[secretEnvName(sourceName)]);
  }
}

/**
 * Secrets read through a fetch function (Powertools Parameters' `getSecret` in AWS), which
 * owns the caching. `refresh` asks it to bypass its cache once, used after a verification
 * failure so a rotated secret takes effect without waiting for the cache to expire.
 */
export class FetchedSecretSource implements SecretSource {
  private readonly forceNext = new Set<string>();

  constructor(
    private readonly fetchSecret: (name: string, options: { forceFetch: boolean }) => Promise<string | undefined>,
    private readonly secretNameFor: (sourceName: string) => string,
  ) {}

  async secretsFor(sourceName: string): Promise<string[]> {
    const forceFetch = this.forceNext.delete(sourceName);
    return splitSecretValue(await this.fetchSecret(this.secretNameFor(sourceName), { forceFetch }));
  }

  refresh(sourceName: string): void {
    this.forceNext.add(sourceName);
  }
}
