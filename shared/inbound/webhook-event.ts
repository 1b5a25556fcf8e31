/**
 * What a handler receives: the verified event, its raw body and its decoded payload.
 */
import { gunzipSync } from 'node:zlib';
import { MalformedEventError } from '../errors';
import { MAX_JSON_DEPTH, nestedDeeperThan } from '../json';
import type { PayloadStore } from '../store/payload-store';
import type { InboundEvent } from './event-store';

export interface WebhookEvent {
  /** The source's name (the URL segment), e.g. `stripe`. */
  readonly source: string;
  /** The provider's own event id: the dedupe key. */
  readonly eventId: string;
  readonly eventType: string;
  readonly receivedAt: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The raw body exactly as received. */
  readonly body: Buffer;
  /**
   * The decoded body: parsed JSON for JSON content, an object of fields for form posts (GitHub's
   * form mode `payload=` is unwrapped), the text otherwise.
   */
  readonly payload: unknown;
}

/** Reads the raw body back from the record (inline, gzipped, or in the payload bucket). */
export async function loadBody(event: InboundEvent, payloads: PayloadStore): Promise<Buffer> {
  if (event.body.kind === 'object') return Buffer.from(await payloads.get(event.body.key));
  const data = Buffer.from(event.body.data);
  return event.body.encoding === 'gzip' ? gunzipSync(data) : data;
}

/**
 * Decodes a body by its content type. Throws `MalformedEventError` for a JSON body that does
 * not parse: the event is authentic but can never be processed.
 */
export function decodePayload(contentType: string | undefined, body: Buffer): unknown {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const text = body.toString('utf8');
  if (mediaType === 'application/x-www-form-urlencoded') {
    const fields = Object.fromEntries(new URLSearchParams(text));
    const keys = Object.keys(fields);
    if (keys.length === 1 && keys[0] === 'payload') return parseJson(fields.payload!);
    return fields;
  }
  if (mediaType === 'application/json' || mediaType.endsWith('+json') || (mediaType === '' && /^\s*[[{]/.test(text))) {
    return parseJson(text);
  }
  return text;
}

function parseJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new MalformedEventError('the body is not valid JSON');
  }
  // Structural, so permanent: handlers, the relay and its transforms would overflow the stack on every attempt.
  if (nestedDeeperThan(value)) throw new MalformedEventError(`the body nests deeper than ${MAX_JSON_DEPTH} levels`);
  return value;
}

export async function toWebhookEvent(event: InboundEvent, payloads: PayloadStore): Promise<WebhookEvent> {
  const body = await loadBody(event, payloads);
  return {
    source: event.source,
    eventId: event.eventId,
    eventType: event.eventType,
    receivedAt: event.receivedAt,
    headers: event.headers,
    body,
    payload: decodePayload(event.headers['content-type'], body),
  };
}
