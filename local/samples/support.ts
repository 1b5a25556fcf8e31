/**
 * What every sample shares: the sample's shape, the options it is built with, and small
 * generators for realistic ids and timestamps.
 */
import { createPrivateKey, randomBytes, randomInt, type KeyObject } from 'node:crypto';
import type { SourceConfig } from '../../shared/config/schema';

/** A request a provider sends before its first event (Asana's X-Hook-Secret handshake). */
export interface SampleHandshake {
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  /** Appended to the URL (a GET challenge's `?crc_token=…`). */
  readonly query?: string;
  /** The answer's header that must echo a value (`x-hook-secret`), and the value. */
  readonly expectHeader?: { readonly name: string; readonly value: string };
}

export interface SampleWebhook {
  /** Sent first, when the provider's setup starts with a handshake. */
  readonly handshake?: SampleHandshake;
  /** Header names lower-cased. */
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  /**
   * The id the gateway dedupes on (what `GET /api/v1/sources/{source}/events/{id}` takes).
   * Empty when the gateway assigns one itself (Dropbox's notifications carry none): the
   * gateway's answer then says it.
   */
  readonly eventId: string;
  /** The type the gateway reports for this request. */
  readonly eventType: string;
}

export interface SampleOptions {
  /** The URL the request is sent to (Twilio and Square sign it, byte for byte). */
  readonly url: string;
  readonly eventType?: string;
  /** Signing time in Unix seconds (default: now). */
  readonly nowSeconds?: number;
  /** Reuse an id (to send the same event again). */
  readonly eventId?: string;
  /**
   * The private key of a public-key provider (Discord, Telnyx, SendGrid): base64 of its PKCS #8
   * DER. The source's secret is then the public key and cannot sign.
   */
  readonly signingKey?: string;
}

/** The options a provider's sample is built from, with the type and time settled. */
export type Sample = SampleOptions & { readonly eventType: string; readonly nowSeconds: number };

/** One provider's sample: its default event type and how to build and sign a request. */
export interface ProviderSample {
  readonly defaultEventType: string;
  build(secret: string, sample: Sample, source: SourceConfig): SampleWebhook | Promise<SampleWebhook>;
}

/** The private key of `sample` (public-key providers); a clear error when none was given. */
export function requireSigningKey(sample: Sample, provider: string): KeyObject {
  if (!sample.signingKey) throw new Error(`${provider} signs with a private key: pass signingKey (WEBHOOK_SIGNING_KEY_<NAME> for npm run send)`);
  return createPrivateKey({ key: Buffer.from(sample.signingKey, 'base64'), format: 'der', type: 'pkcs8' });
}

export const JSON_TYPE = { 'content-type': 'application/json' } as const;
export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const UPPER = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export function randomText(length: number, alphabet = BASE62): string {
  let text = '';
  for (let i = 0; i < length; i++) text += alphabet[randomInt(alphabet.length)];
  return text;
}

export const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
export const iso = (seconds: number): string => new Date(seconds * 1000).toISOString();
export const json = (document: unknown): Buffer => Buffer.from(JSON.stringify(document));
