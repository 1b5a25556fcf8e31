/**
 * Signs what we send. Every scheme is an HMAC-SHA256 keyed with the decoded bytes of the
 * endpoint's `whsec_` secret, over exactly the bytes of the body that goes on the wire.
 *
 * - `standard` (Standard Webhooks v1, the default): `webhook-id`, `webhook-timestamp` and
 *   `webhook-signature: v1,<base64> [v1,<base64>…]` over `<id>.<timestamp>.<body>`, one per
 *   live secret so a receiver mid-rotation accepts either.
 * - `x-webhook`: `x-webhook-id` and `x-webhook-signature: t=<unix>,v1=<hex>[,v1=<hex>…]` over
 *   `<t>.<body>`. The timestamp travels inside the signature header only (as Stripe's does).
 * - `x-wss`: `x-wss-timestamp` and `x-wss-signature: <hex>` over `<timestamp><body>` (no
 *   separator). The format has room for one signature, so only the current secret signs.
 *   `x-wss-id` carries the message id, unsigned, so receivers can deduplicate retries.
 */
import { randomBytes } from 'node:crypto';
import { GatewayError } from '../errors';
import { decodeBase64, hmac } from '../signatures/compare';
import { sendableHeaders } from './endpoint-headers';

export type SignatureScheme = 'standard' | 'x-webhook' | 'x-wss';

const SECRET_PREFIX = 'whsec_';
/** Key sizes a secret may have, in bytes (PROVIDERS.md, "Outbound"). */
export const SECRET_BYTES = { min: 24, max: 64 } as const;

/** A stored secret is not `whsec_` + base64 of 24 to 64 bytes. The message never shows it. */
export class MalformedSecretError extends GatewayError {
  override readonly name = 'MalformedSecretError';
  readonly code = 'malformed_secret';
  constructor() {
    super(`endpoint secret is not ${SECRET_PREFIX} + base64 of ${SECRET_BYTES.min} to ${SECRET_BYTES.max} bytes`);
  }
}

export interface SignatureInput {
  /** The message id: stable across every retry of the message. */
  readonly messageId: string;
  /** The attempt time, whole Unix seconds. */
  readonly timestamp: number;
  /** Exactly the bytes that will be sent. */
  readonly body: Uint8Array;
  /** The live secrets, current first; at least one. */
  readonly secrets: readonly string[];
}

/**
 * A new endpoint secret: `whsec_` + base64 of `byteLength` random bytes.
 *
 * @example
 * generateEndpointSecret();   // 'whsec_' + 44 base64 characters (32 bytes)
 * generateEndpointSecret(24); // 'whsec_' + 32 base64 characters, the size Svix issues
 */
export function generateEndpointSecret(byteLength = 32): string {
  if (!Number.isInteger(byteLength) || byteLength < SECRET_BYTES.min || byteLength > SECRET_BYTES.max) {
    throw new RangeError(`a secret has ${SECRET_BYTES.min} to ${SECRET_BYTES.max} bytes`);
  }
  return SECRET_PREFIX + randomBytes(byteLength).toString('base64');
}

/**
 * The key bytes of a `whsec_` secret: what every scheme keys its HMAC with.
 *
 * @example
 * secretKey('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw').length; // 24
 */
export function secretKey(secret: string): Buffer {
  const key = secret.startsWith(SECRET_PREFIX) ? decodeBase64(secret.slice(SECRET_PREFIX.length)) : undefined;
  if (!key || key.length < SECRET_BYTES.min || key.length > SECRET_BYTES.max) throw new MalformedSecretError();
  return key;
}

/**
 * The headers (lower-case names) that sign one attempt under `scheme`. Content type and user
 * agent are the sender's to add.
 *
 * @example
 * const body = Buffer.from(JSON.stringify(payload));
 * const headers = signatureHeaders('standard', { messageId: 'msg_1', timestamp: Math.floor(Date.now() / 1000), body, secrets: [current, previous] });
 * // { 'webhook-id': 'msg_1', 'webhook-timestamp': '1700000000', 'webhook-signature': 'v1,… v1,…' }
 */
export function signatureHeaders(scheme: SignatureScheme, input: SignatureInput): Record<string, string> {
  const { messageId, timestamp, body, secrets } = input;
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new RangeError('timestamp must be whole Unix seconds');
  if (secrets.length === 0) throw new RangeError('at least one secret is required');
  const keys = secrets.map(secretKey);
  const t = String(timestamp);

  switch (scheme) {
    case 'standard':
      return {
        'webhook-id': messageId,
        'webhook-timestamp': t,
        'webhook-signature': keys.map((key) => `v1,${hmac('sha256', key, `${messageId}.${t}.`, body).toString('base64')}`).join(' '),
      };
    case 'x-webhook':
      return {
        'x-webhook-id': messageId,
        'x-webhook-signature': [`t=${t}`, ...keys.map((key) => `v1=${hmac('sha256', key, `${t}.`, body).toString('hex')}`)].join(','),
      };
    case 'x-wss':
      return {
        'x-wss-id': messageId,
        'x-wss-timestamp': t,
        'x-wss-signature': hmac('sha256', keys[0]!, t, body).toString('hex'),
      };
  }
}

/** The current secret and any previous one still inside its rotation window. */
export function liveSecrets(endpoint: { readonly secrets: ReadonlyArray<{ readonly secret: string; readonly expiresAt?: string }> }, at: Date): string[] {
  return endpoint.secrets.filter((secret) => !secret.expiresAt || Date.parse(secret.expiresAt) > at.getTime()).map((secret) => secret.secret);
}

/** The exact request one attempt sends: the body's bytes and the headers that sign them. */
export interface SignedDelivery {
  readonly url: string;
  readonly body: Buffer;
  readonly headers: Record<string, string>;
  /** When it was signed (the signed timestamp). */
  readonly at: Date;
}

/**
 * The sign stage: the payload as JSON bytes, signed under the endpoint's scheme with every live
 * secret, at `at`; the endpoint's own headers first, without any the gateway sets itself
 * (./endpoint-headers.ts), so a signature, id or timestamp header is always the gateway's.
 *
 * @example
 * const request = signDelivery({ url, signatureScheme: 'standard', secrets }, 'msg_1', { id: 'in_1' }, new Date());
 */
export function signDelivery(
  endpoint: {
    readonly url: string;
    readonly signatureScheme: SignatureScheme;
    readonly secrets: ReadonlyArray<{ readonly secret: string; readonly expiresAt?: string }>;
    readonly headers?: Readonly<Record<string, string>>;
  },
  messageId: string,
  payload: unknown,
  at: Date,
): SignedDelivery {
  const body = Buffer.from(JSON.stringify(payload ?? null), 'utf8');
  const headers = {
    ...sendableHeaders(endpoint.headers),
    ...signatureHeaders(endpoint.signatureScheme, { messageId, timestamp: Math.floor(at.getTime() / 1000), body, secrets: liveSecrets(endpoint, at) }),
  };
  return { url: endpoint.url, body, headers, at };
}
