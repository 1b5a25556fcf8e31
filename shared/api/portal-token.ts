/**
 * Tenant portal tokens: `v1.<payload>.<mac>`, where `payload` is the base64url JSON
 * `{"t": tenantId, "e": expiry (Unix seconds)}` and `mac` the base64url HMAC-SHA256 of
 * `v1.<payload>` under the portal signing key. A token names one tenant and lasts at most 24 h;
 * nothing else is needed to check it, so the portal works without IAM.
 *
 * The key is a secret string of at least 32 characters. Several keys may be stored
 * comma-separated (as source secrets are): the first signs, every one verifies, so the key can be
 * rotated without cutting off links already handed out.
 *
 * @example
 * const token = signPortalToken(keys, 'acme', new Date(Date.now() + 3600_000));
 * verifyPortalToken(keys, token, new Date()); // { tenantId: 'acme', expiresAt: … }
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError, ValidationError } from '../errors';

/** The longest a portal link may last. */
export const MAX_PORTAL_TOKEN_SECONDS = 24 * 3600;
/** Clock difference between the function that signed and the one that verifies. */
const CLOCK_SKEW_SECONDS = 60;
const MIN_KEY_LENGTH = 32;
const PREFIX = 'v1';
/** Tenant ids as endpoints accept them (1 to 200 characters), without control characters. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what it refuses
export const TENANT_ID = /^[^\u0000-\u001f\u007f]{1,200}$/;

export interface PortalClaims {
  readonly tenantId: string;
  readonly expiresAt: Date;
}

/** The usable keys of a stored key value: comma-separated, trimmed, empties dropped, each long enough. */
export function portalKeys(value: string | undefined): string[] {
  const keys = (value ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter(Boolean);
  if (keys.length === 0) throw new Error('no portal signing key is configured');
  if (keys.some((key) => key.length < MIN_KEY_LENGTH)) throw new Error(`a portal signing key has fewer than ${MIN_KEY_LENGTH} characters`);
  return keys;
}

function mac(key: string, signed: string): Buffer {
  return createHmac('sha256', key).update(signed, 'utf8').digest();
}

export function signPortalToken(keys: readonly string[], tenantId: string, expiresAt: Date): string {
  if (!TENANT_ID.test(tenantId)) throw new ValidationError('tenantId: 1 to 200 characters, no control characters');
  const payload = Buffer.from(JSON.stringify({ t: tenantId, e: Math.floor(expiresAt.getTime() / 1000) }), 'utf8').toString('base64url');
  const signed = `${PREFIX}.${payload}`;
  return `${signed}.${mac(keys[0]!, signed).toString('base64url')}`;
}

/** The claims of a genuine, unexpired token; an `UnauthorizedError` (401) for anything else. */
export function verifyPortalToken(keys: readonly string[], token: string | undefined, now: Date): PortalClaims {
  if (!token) throw new UnauthorizedError('a portal token is required (Authorization: Bearer <token>)', 'portal_token_missing');
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX || !/^[A-Za-z0-9_-]+$/.test(parts[1]!) || !/^[A-Za-z0-9_-]{43}$/.test(parts[2]!)) {
    throw new UnauthorizedError('the portal token is malformed', 'portal_token_invalid');
  }
  const signed = `${parts[0]}.${parts[1]}`;
  const given = Buffer.from(parts[2]!, 'base64url');
  const genuine = keys.some((key) => {
    const expected = mac(key, signed);
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!genuine) throw new UnauthorizedError('the portal token is not valid', 'portal_token_invalid');
  let claims: { t?: unknown; e?: unknown };
  try {
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { t?: unknown; e?: unknown };
  } catch {
    throw new UnauthorizedError('the portal token is malformed', 'portal_token_invalid');
  }
  if (typeof claims.t !== 'string' || !TENANT_ID.test(claims.t) || typeof claims.e !== 'number' || !Number.isInteger(claims.e)) {
    throw new UnauthorizedError('the portal token is malformed', 'portal_token_invalid');
  }
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (claims.e <= nowSeconds) throw new UnauthorizedError('the portal link has expired; ask for a new one', 'portal_token_expired');
  // A genuine token never lasts longer than the maximum: one that does was not made by us.
  if (claims.e - nowSeconds > MAX_PORTAL_TOKEN_SECONDS + CLOCK_SKEW_SECONDS)
    throw new UnauthorizedError('the portal token is not valid', 'portal_token_invalid');
  return { tenantId: claims.t, expiresAt: new Date(claims.e * 1000) };
}
