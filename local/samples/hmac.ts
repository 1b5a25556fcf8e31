/** A generic HMAC source: signed with the gateway's own `hmacSignature` following the source's options. */
import type { HmacOptions } from '../../shared/config/schema';
import { isObject } from '../../shared/json';
import { hmacSignature } from '../../shared/signatures/hmac';
import { type ProviderSample, type Sample, type SampleWebhook, JSON_TYPE, randomText, iso, json } from './support';

/**
 * A sample for a generic HMAC source, following its options: the id and type go where
 * `eventId` / `eventType` say (a header, or a JSON path of the body), the timestamp in its
 * header or as the `timestamp.key` entry of a `keyValue` signature header, and the signature is
 * the one the gateway ships (`hmacSignature`: `signedContent` with `{timestamp}`, `{id}` and
 * `{body}` filled in), not a second implementation of it. The tests check it independently.
 * Without an `eventType` location the body still carries a `type`, but the gateway reports
 * `unknown`, and so does the sample.
 */
function sign(options: HmacOptions, secret: string, sample: Sample): SampleWebhook {
  const document: Record<string, unknown> = {};
  const headers: Record<string, string> = { ...JSON_TYPE, 'user-agent': 'Webhook-Sender/1.0' };
  const eventId = place(options.eventId, sample.eventId ?? `evt_${randomText(24)}`, document, headers);
  if (options.eventType) place(options.eventType, sample.eventType, document, headers);
  else document.type ??= sample.eventType;
  const format = options.timestamp?.format;
  const timestamp = format === 'iso8601' ? iso(sample.nowSeconds) : format === 'unixMs' ? String(sample.nowSeconds * 1000) : String(sample.nowSeconds);
  if (options.timestamp && 'jsonPath' in options.timestamp) placeAt(options.timestamp.jsonPath, format === 'iso8601' ? timestamp : Number(timestamp), document);
  document.created_at ??= iso(sample.nowSeconds);
  document.data ??= { object: 'order', id: `ord_${randomText(14)}`, amount: 4200, currency: 'usd', status: 'paid' };
  const body = json(document);

  const signature = hmacSignature(options, secret, { body, timestamp, id: eventId });

  if (options.signatureFormat === 'keyValue') {
    const entries = options.timestamp && 'key' in options.timestamp ? [`${options.timestamp.key}=${timestamp}`] : [];
    headers[options.signatureHeader] = [...entries, `${options.signatureKey}=${signature}`].join(options.entrySeparator);
  } else {
    headers[options.signatureHeader] = signature;
  }
  if (options.timestamp && 'header' in options.timestamp) headers[options.timestamp.header] = timestamp;
  return { headers, body, eventId, eventType: options.eventType ? sample.eventType : 'unknown' };
}

/**
 * Puts `value` in a header, or at a dot-separated path of `document` (creating objects on the
 * way); for several joined paths, `value` goes to the first and fixed parts to the others.
 * Returns the value the gateway will read back.
 */
function place(location: HmacOptions['eventId'], value: string, document: Record<string, unknown>, headers: Record<string, string>): string {
  if ('header' in location) {
    headers[location.header] = value;
    return value;
  }
  if ('jsonPath' in location) {
    placeAt(location.jsonPath, value, document);
    return value;
  }
  const parts = location.jsonPaths.map((_path, index) => (index === 0 ? value : `part${index}`));
  for (const [index, path] of location.jsonPaths.entries()) placeAt(path, parts[index], document);
  return parts.join(location.separator);
}

function placeAt(path: string, value: unknown, document: Record<string, unknown>): void {
  const keys = path.split('.');
  let node = document;
  for (const key of keys.slice(0, -1)) {
    const next = Object.hasOwn(node, key) ? node[key] : undefined;
    if (isObject(next)) node = next;
    else {
      const created: Record<string, unknown> = {};
      define(node, key, created);
      node = created;
    }
  }
  define(node, keys.at(-1)!, value);
}

/** An own, enumerable property even for a key such as `__proto__`. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export const hmacSample: ProviderSample = {
  defaultEventType: 'order.created',
  build: (secret, sample, source) => {
    if (source.provider !== 'hmac') throw new Error(`source ${source.name} is not a generic hmac source`);
    return sign(source.hmac, secret, sample);
  },
};

/** A sample for a preset provider: the generic signer over the preset's options. */
export function signWithOptions(options: HmacOptions, secret: string, sample: Sample): SampleWebhook {
  return sign(options, secret, sample);
}
