/**
 * Secrets for the local runtime: `WEBHOOK_SECRET_<NAME>` from the environment, else from the
 * git-ignored `.env.local`; a source with neither gets a generated secret, printed once and
 * stored in `.env.local`, so `npm start` then `npm run send` works with no set-up.
 */
import { randomBytes } from 'node:crypto';
import type { GatewayConfig } from '../shared/config/schema';
import { secretEnvName } from '../shared/inbound/secrets';
import { appendEnvFile, readEnvFile } from './env-file';

/** A new secret in the form the provider uses (Standard Webhooks: `whsec_` + base64 of 32 bytes). */
export function generateSecret(provider: string): string {
  const bytes = randomBytes(32);
  return provider === 'standard' ? `whsec_${bytes.toString('base64')}` : bytes.toString('hex');
}

/**
 * Returns the environment entries holding every source's secrets, generating missing ones.
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
  for (const source of config.sources) {
    const name = secretEnvName(source.name);
    const value = env[name] ?? stored[name];
    if (value) {
      entries[name] = value;
      continue;
    }
    const secret = generateSecret(source.provider);
    entries[name] = secret;
    generated.push({ source: source.name, name, secret });
  }
  if (generated.length) appendEnvFile(envFile, Object.fromEntries(generated.map((g) => [g.name, g.secret])));
  return { entries, generated };
}
