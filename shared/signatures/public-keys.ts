/**
 * Public keys of the providers that sign with a private key (Discord, Telnyx: Ed25519;
 * SendGrid: ECDSA P-256), in the form each dashboard shows them, and the signature check.
 * A source's "secrets" are then these public keys, several during a rotation. Everything here
 * is total: a key or signature that does not decode is `undefined` or `false`, never an exception.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { SignatureError } from '../errors';
import { decodeBase64, decodeHex, requireWithinTolerance } from './compare';
import { headerValue, requireHeader, requireTimestamp } from './headers';
import type { SignedRequest, VerifyContext } from './types';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410) before the 32 raw key bytes. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export type KeyEncoding = 'ed25519-hex' | 'ed25519-base64' | 'p256-spki-base64';

const cache = new Map<string, KeyObject | null>();
const CACHE_LIMIT = 64;

/** The public key a dashboard value denotes, or `undefined` when it is not one of that kind. */
export function publicKey(value: string, encoding: KeyEncoding): KeyObject | undefined {
  const cacheKey = `${encoding}:${value}`;
  const cached = cache.get(cacheKey);
  if (cached !== undefined) return cached ?? undefined;
  const key = parse(value.trim(), encoding);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(cacheKey, key ?? null);
  return key;
}

function parse(value: string, encoding: KeyEncoding): KeyObject | undefined {
  try {
    if (encoding === 'p256-spki-base64') {
      // The dashboard shows base64 of the DER key; a PEM body (the same base64 between armour lines) is accepted too.
      const der = decodeBase64(value.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, '').replace(/\s+/g, ''));
      if (!der) return undefined;
      const key = createPublicKey({ key: der, format: 'der', type: 'spki' });
      return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1' ? key : undefined;
    }
    const raw = encoding === 'ed25519-hex' ? decodeHex(value) : decodeBase64(value);
    if (raw?.length !== 32) return undefined;
    return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
}

/** The context's secrets as public keys; `no_secret` when none of them is a usable key. */
export function requirePublicKeys(context: VerifyContext, encoding: KeyEncoding): KeyObject[] {
  const keys = context.secrets.flatMap((secret) => publicKey(secret, encoding) ?? []);
  if (keys.length === 0) throw new SignatureError('no_secret');
  return keys;
}

/**
 * True when `signature` over `message` verifies with one of `keys`: Ed25519 (raw 64-byte
 * signature) or ECDSA P-256 with SHA-256 (DER signature, as SendGrid sends it).
 */
export function anyKeyVerifies(keys: readonly KeyObject[], message: Buffer, signature: Buffer): boolean {
  return keys.some((key) => {
    try {
      if (key.asymmetricKeyType === 'ed25519') return signature.length === 64 && verify(null, message, key, signature);
      return verify('sha256', message, { key, dsaEncoding: 'der' }, signature);
    } catch {
      return false;
    }
  });
}

export interface PublicKeyScheme {
  /** How the source's secrets (the provider's public keys) are written. */
  readonly keys: KeyEncoding;
  readonly signatureHeader: string;
  readonly signatureEncoding: 'hex' | 'base64';
  /** The header carrying the signed Unix-seconds timestamp. */
  readonly timestampHeader: string;
  /** What precedes the raw body in the signed message, given the timestamp as sent. */
  readonly prefix: (timestamp: string) => string;
}

/**
 * Verifies a request signed as `scheme` says with one of the context's public keys: the
 * signature over `prefix(timestamp) + raw body`, the timestamp within the tolerance, both
 * directions. Throws `SignatureError` only.
 */
export function verifyPublicKeySignature(request: SignedRequest, context: VerifyContext, scheme: PublicKeyScheme): void {
  const keys = requirePublicKeys(context, scheme.keys);
  const header = requireHeader(request, scheme.signatureHeader);
  const signature = scheme.signatureEncoding === 'hex' ? decodeHex(header) : decodeBase64(header);
  const ts = headerValue(request, scheme.timestampHeader);
  const timestamp = requireTimestamp(ts);
  if (!signature) throw new SignatureError('malformed_signature');
  if (!anyKeyVerifies(keys, Buffer.concat([Buffer.from(scheme.prefix(ts ?? '')), request.body]), signature)) throw new SignatureError('mismatch');
  requireWithinTolerance(timestamp, context);
}
