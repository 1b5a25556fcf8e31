/** Constant-time comparison, HMAC and decoding helpers shared by the provider modules. */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { SignatureError } from '../errors';
import type { VerifyContext } from './types';

/**
 * Compares two byte strings in constant time. Unequal lengths are a mismatch, not an error.
 */
export function safeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';
export type SignatureEncoding = 'hex' | 'base64';

/** HMAC of the concatenation of `parts` (strings are UTF-8, buffers are taken as they are). */
export function hmac(algorithm: HmacAlgorithm, key: string | Uint8Array, ...parts: Array<string | Uint8Array>): Buffer {
  const mac = createHmac(algorithm, key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/** SHA-256 of `data` (strings are UTF-8). */
export function sha256(data: string | Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

/** Decodes hex strictly: anything but an even number of hex digits yields `undefined`. */
export function decodeHex(value: string): Buffer | undefined {
  return /^(?:[0-9a-fA-F]{2})+$/.test(value) ? Buffer.from(value, 'hex') : undefined;
}

/**
 * Decodes standard base64 strictly (padding optional); other input yields `undefined`, and so
 * does a non-canonical encoding (stray bits in the last character), so one signature has one
 * spelling.
 */
export function decodeBase64(value: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  const unpadded = value.replace(/=+$/, '');
  if (unpadded.length % 4 === 1) return undefined;
  const bytes = Buffer.from(unpadded, 'base64');
  return bytes.toString('base64').replace(/=+$/, '') === unpadded ? bytes : undefined;
}

/** Decodes a signature in `encoding` strictly; `undefined` when it is not well-formed. */
export function decodeSignature(value: string, encoding: SignatureEncoding): Buffer | undefined {
  return encoding === 'hex' ? decodeHex(value) : decodeBase64(value);
}

/**
 * True when `timestamp` (Unix seconds) lies within `tolerance` seconds of `now`, in either
 * direction.
 */
export function withinTolerance(timestamp: number, nowSeconds: number, toleranceSeconds: number): boolean {
  return Number.isFinite(timestamp) && Math.abs(nowSeconds - timestamp) <= toleranceSeconds;
}

/** The secrets to verify with; `no_secret` when there are none. */
export function requireSecrets(context: VerifyContext): readonly string[] {
  if (context.secrets.length === 0) throw new SignatureError('no_secret');
  return context.secrets;
}

/**
 * Accepts when any received signature equals any expected MAC (one per secret, or per secret
 * and candidate URL), each compared in constant time. No well-formed signature at all is
 * `malformed_signature`; no match is `mismatch`.
 */
export function requireMatch(received: readonly Uint8Array[], expected: readonly Uint8Array[]): void {
  if (received.length === 0) throw new SignatureError('malformed_signature');
  if (!expected.some((mac) => received.some((signature) => safeEqual(signature, mac)))) throw new SignatureError('mismatch');
}

/** `timestamp_out_of_tolerance` unless `timestamp` is within the context's window, both directions. */
export function requireWithinTolerance(timestamp: number, context: VerifyContext): void {
  if (!withinTolerance(timestamp, context.nowSeconds, context.toleranceSeconds)) throw new SignatureError('timestamp_out_of_tolerance');
}
