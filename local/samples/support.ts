/**
 * What every sample shares: the sample's shape, the options it is built with, and small
 * generators for realistic ids and timestamps.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { SourceConfig } from '../../shared/config/schema';

export interface SampleWebhook {
  /** Header names lower-cased. */
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  /** The id the gateway dedupes on (what `GET /api/v1/sources/{source}/events/{id}` takes). */
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
}

/** The options a provider's sample is built from, with the type and time settled. */
export type Sample = SampleOptions & { readonly eventType: string; readonly nowSeconds: number };

/** One provider's sample: its default event type and how to build and sign a request. */
export interface ProviderSample<S extends SourceConfig = SourceConfig> {
  readonly defaultEventType: string;
  build(secret: string, sample: Sample, source: S): SampleWebhook | Promise<SampleWebhook>;
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
