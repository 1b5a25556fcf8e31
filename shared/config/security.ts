/**
 * Refusing insecure configuration, with a message that names the source and the setting.
 * Runs on the raw document before the schema, at synth, at local start and at cold start, so a
 * config that would switch verification off never deploys.
 */
import { isObject } from '../json';

export interface SecurityReview {
  /** Refusals: the config must not be used. */
  readonly errors: string[];
  /** Worth knowing, not blocking (e.g. no CIDR allow-list). */
  readonly warnings: string[];
}

export interface ReviewOptions {
  /** `aws` at synth and cold start; `local` for the local runtime (http targets allowed). */
  readonly target: 'aws' | 'local';
}

const SECRET_KEY = /^(secret|secrets|signingSecret|signing_secret|token|apiKey|api_key|password|key|hmacSecret|webhookSecret)$/i;

export function reviewConfig(document: unknown, options: ReviewOptions): SecurityReview {
  const errors: string[] = [];
  const warnings: string[] = [];
  if (!isObject(document)) return { errors, warnings };

  const sources = Array.isArray(document.sources) ? document.sources : [];
  sources.forEach((source: unknown, index) => {
    if (!isObject(source)) return;
    const where = `sources[${index}]${typeof source.name === 'string' ? ` ("${source.name}")` : ''}`;
    if ('verify' in source && source.verify !== true) {
      errors.push(`${where}.verify: signature verification cannot be switched off; remove "verify" (every source is verified)`);
    }
    for (const path of secretLikeKeys(source)) {
      errors.push(
        `${where}.${path}: secrets must not be in the config file; use Secrets Manager in AWS (the secret the stack creates for the source, or one named in sources[].secretName) or WEBHOOK_SECRET_<NAME> locally`,
      );
    }
    if ('toleranceSeconds' in source) {
      const tolerance = source.toleranceSeconds;
      if (typeof tolerance !== 'number' || !(tolerance > 0) || tolerance > 3600) {
        errors.push(
          `${where}.toleranceSeconds: must be more than 0 and at most 3600 seconds (got ${JSON.stringify(tolerance)}); a replay window of 0 or over an hour is refused`,
        );
      }
    }
    if (!('allowedCidrs' in source)) {
      warnings.push(`${where}.allowedCidrs: not set; any address may call this source (signatures still apply)`);
    }
  });

  const outbound = isObject(document.outbound) ? document.outbound : undefined;
  if (outbound && 'retrySchedule' in outbound) {
    const schedule = outbound.retrySchedule;
    if (!Array.isArray(schedule) || schedule.length === 0) {
      errors.push('outbound.retrySchedule: must list at least one wait; an empty schedule means a failed delivery is never retried');
    } else if (schedule.some((wait) => wait === 0 || wait === '0s')) {
      errors.push('outbound.retrySchedule: waits must be longer than zero');
    }
  }
  if (outbound && 'maxAttempts' in outbound && !(Number(outbound.maxAttempts) > 0)) {
    errors.push('outbound.maxAttempts: zero attempts means nothing is ever delivered');
  }
  if (options.target === 'aws' && outbound && outbound.requireHttps === false) {
    errors.push('outbound.requireHttps: false would allow plain-http endpoints in AWS; payloads and signatures would travel unencrypted');
  }
  return { errors, warnings };
}

function secretLikeKeys(value: Record<string, unknown>, prefix = ''): string[] {
  const found: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (SECRET_KEY.test(key) && typeof child === 'string') found.push(path);
    else if (isObject(child)) found.push(...secretLikeKeys(child, path));
  }
  return found;
}
