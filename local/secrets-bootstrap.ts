/**
 * Secrets for the local runtime: `WEBHOOK_SECRET_<NAME>` from the environment, else from the
 * git-ignored `.env.local`; a source with neither gets a generated secret, printed once and
 * stored in `.env.local`, so `npm start` then `npm run send` works with no set-up. The tenant
 * portal's signing key (`WEBHOOKS_PORTAL_KEY`, Secrets Manager in AWS) is found or generated the
 * same way, and kept there without being printed.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { GatewayConfig } from '../shared/config/schema';
import { VARIABLES } from '../shared/deployment/environment';
import { secretEnvName, signingKeyEnvName } from '../shared/inbound/secrets';
import { appendEnvFile, readEnvFile } from './env-file';

/** The variable holding the tenant portal's signing key(s) locally (the api function reads it through the contract). */
export const PORTAL_KEY_ENV = VARIABLES.portalKey.name;

/** A new secret in the form the provider uses (Standard Webhooks: `whsec_` + base64 of 32 bytes). */
export function generateSecret(provider: string): string {
  const bytes = randomBytes(32);
  return provider === 'standard' ? `whsec_${bytes.toString('base64')}` : bytes.toString('hex');
}

/** The providers that sign with a private key: the source's secret is their public key. */
export const PUBLIC_KEY_PROVIDERS = ['discord', 'telnyx', 'sendgrid'] as const;

/**
 * A key pair for a public-key provider: the public key in the form its dashboard shows it
 * (Discord: hex of the 32 Ed25519 bytes; Telnyx: their base64; SendGrid: base64 of the DER
 * P-256 key), and the private key (base64 of its PKCS #8 DER) that `npm run send` signs with.
 */
export function generateSigningKeys(provider: string): { publicKey: string; privateKey: string } | undefined {
  if (!(PUBLIC_KEY_PROVIDERS as readonly string[]).includes(provider)) return undefined;
  const pair = provider === 'sendgrid' ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }) : generateKeyPairSync('ed25519');
  const spki = pair.publicKey.export({ format: 'der', type: 'spki' });
  const privateKey = pair.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
  if (provider === 'sendgrid') return { publicKey: spki.toString('base64'), privateKey };
  const raw = spki.subarray(spki.length - 32);
  return { publicKey: provider === 'discord' ? raw.toString('hex') : raw.toString('base64'), privateKey };
}

/**
 * Returns the environment entries holding every source's secrets, generating missing ones
 * (for a public-key provider, a key pair: its public key is the secret, its private key goes
 * under WEBHOOK_SIGNING_KEY_<NAME> for `npm run send`).
 * `generated` lists the sources whose secret was just created.
 */
export function ensureSecrets(
  config: GatewayConfig,
  env: Readonly<Record<string, string | undefined>>,
  envFile: string,
): { entries: Record<string, string>; generated: Array<{ source: string; name: string; secret: string }> } {
  const stored = readEnvFile(envFile);
  const entries: Record<string, string> = {};
  const generated: Array<{ source: string; name: string; secret: string }> = [];
  const signingKeys: Record<string, string> = {};
  for (const source of config.sources) {
    const name = secretEnvName(source.name);
    const value = env[name] ?? stored[name];
    if (value) {
      entries[name] = value;
      continue;
    }
    const keys = generateSigningKeys(source.provider);
    const secret = keys?.publicKey ?? generateSecret(source.provider);
    entries[name] = secret;
    generated.push({ source: source.name, name, secret });
    if (keys) signingKeys[signingKeyEnvName(source.name)] = keys.privateKey;
  }
  const portalKey = env[PORTAL_KEY_ENV] ?? stored[PORTAL_KEY_ENV];
  entries[PORTAL_KEY_ENV] = portalKey ?? randomBytes(32).toString('base64url');
  appendEnvFile(envFile, {
    ...Object.fromEntries(generated.map((g) => [g.name, g.secret])),
    ...signingKeys,
    ...(portalKey ? {} : { [PORTAL_KEY_ENV]: entries[PORTAL_KEY_ENV] }),
  });
  return { entries, generated };
}
