/**
 * Generic HMAC, configured per source (`HmacOptions`).
 *
 * - The signature header is `plain` (the signature, or several separated by commas or spaces)
 *   or `keyValue` (`t=<ts>,v1=<sig>[,v1=<sig>…]`, signatures under `signatureKey`). Each
 *   signature may carry `signaturePrefix` (e.g. `sha256=`) and is `hex` or `base64`.
 * - The HMAC (sha1, sha256 or sha512) is keyed with the secret's text and computed over
 *   `signedContent`, where `{body}` is the raw body, `{timestamp}` the timestamp exactly as sent
 *   and `{id}` the event id header; other text is taken literally (UTF-8).
 * - An optional timestamp (from a header, or from an entry of a `keyValue` header) in Unix
 *   seconds or ISO 8601 (`auto`: either) must lie within the tolerance, both directions.
 *
 * The two seed schemes, by configuration alone:
 * - `X-WSS-Signature: <hex>` over `<X-WSS-Timestamp><body>`:
 *   `{ signatureHeader: 'x-wss-signature', timestamp: { header: 'x-wss-timestamp', format: 'auto' },
 *      signedContent: '{timestamp}{body}', eventId: { jsonPath: 'id' } }`
 * - `X-Webhook-Signature: t=<unix>,v1=<hex>` over `<t>.<body>`, id in `X-Webhook-Id`:
 *   `{ signatureHeader: 'x-webhook-signature', signatureFormat: 'keyValue', signatureKey: 'v1',
 *      timestamp: { key: 't', format: 'unix' }, signedContent: '{timestamp}.{body}',
 *      eventId: { header: 'x-webhook-id' } }`
 *
 * - `entrySeparator` `;` reads Paddle's `ts=…;h1=…`; a timestamp may be whole milliseconds
 *   (`unixMs`) and may come from the signed JSON body itself (`timestamp.jsonPath`).
 *
 * Event: id and type from a header, a JSON path of the body, or several JSON paths joined
 * (`eventId`, `eventType`; joined values may be numbers); a missing type is `unknown`.
 * Shipped presets over this engine: shared/signatures/presets.ts.
 */
import { hmacOptionProblems } from '../config/hmac-rules';
import type { HmacOptions } from '../config/schema';
import { SignatureError } from '../errors';
import { hmac, requireMatch, requireSecrets, requireWithinTolerance } from './compare';
import { eventType, identified, jsonBody, requireEventId, tryJsonObject, valueAt, type JsonObject } from './event';
import { decodeSignatures, headerValue, keyValueEntries, listItems, requireHeader, requireTimestamp, singleEntry } from './headers';
import type { Provider } from './types';

type Location = HmacOptions['eventId'];
type Segment = '{body}' | '{timestamp}' | '{id}' | { readonly literal: string };

/** What `signedContent` is filled with: the raw body, the timestamp exactly as sent, the event id. */
export interface SignedValues {
  readonly body: Uint8Array;
  readonly timestamp?: string;
  readonly id?: string;
}

/**
 * A provider for `options`. Throws (at configuration time, not per request) when the options
 * are inconsistent (`hmacOptionProblems`: `{timestamp}` signed without a timestamp or with one
 * read from the body, `{id}` without an id header, a timestamp `key` outside a `keyValue` header).
 */
export function createHmacProvider(options: HmacOptions): Provider {
  const [problem] = hmacOptionProblems(options);
  if (problem) throw new Error(`hmac.${problem.path.join('.')}: ${problem.message}`);
  const segments = parseTemplate(options.signedContent);
  const idHeader = 'header' in options.eventId ? options.eventId.header : undefined;
  const stamp = options.timestamp;

  return {
    verify(request, context) {
      const secrets = requireSecrets(context);
      const header = requireHeader(request, options.signatureHeader);
      const entries = options.signatureFormat === 'keyValue' ? keyValueEntries(header, options.entrySeparator) : undefined;
      const items = entries ? (entries.get(options.signatureKey) ?? []) : listItems(header);

      let ts: string | undefined;
      let timestamp: number | undefined;
      if (stamp) {
        ts =
          'header' in stamp
            ? headerValue(request, stamp.header)
            : 'key' in stamp
              ? entries && singleEntry(entries, stamp.key)
              : bodyTimestamp(request.body, stamp.jsonPath);
        timestamp = requireTimestamp(ts, stamp.format);
      }
      const id = idHeader === undefined ? undefined : headerValue(request, idHeader);
      if (segments.includes('{id}') && id === undefined) throw new SignatureError('malformed_signature');

      const signatures = decodeSignatures(items, options.signaturePrefix, options.encoding);
      const values = { body: request.body, ...(ts === undefined ? {} : { timestamp: ts }), ...(id === undefined ? {} : { id }) };
      requireMatch(
        signatures,
        secrets.map((secret) => macOf(segments, options.algorithm, secret, values)),
      );
      if (timestamp !== undefined) requireWithinTolerance(timestamp, context);
    },

    identify(request) {
      let body: JsonObject | undefined;
      const locate = (location: Location, required: boolean): unknown => {
        if ('header' in location) return headerValue(request, location.header);
        body ??= required ? jsonBody(request, 'hmac') : tryJsonObject(request.body);
        if ('jsonPath' in location) return valueAt(body, location.jsonPath);
        const values = location.jsonPaths.map((path) => scalarText(valueAt(body, path)));
        return values.every((value) => value !== undefined) ? values.join(location.separator) : undefined;
      };
      const id = requireEventId(locate(options.eventId, true), describe(options.eventId));
      return identified(id, eventType(options.eventType && locate(options.eventType, false)));
    },
  };
}

/** A timestamp carried in the signed JSON body, as text (`undefined` when absent or not a string or number). */
function bodyTimestamp(body: Buffer, path: string): string | undefined {
  const value = valueAt(tryJsonObject(body), path);
  return scalarText(value);
}

/** Strings as they are, finite integers as decimal text; anything else `undefined`. */
function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

/**
 * The signature a sender puts in the header for one secret: `signaturePrefix` + the encoded
 * HMAC of `signedContent` filled with `values`. The verifier computes the same MAC.
 *
 * @example
 * hmacSignature(options, secret, { body, timestamp: '1700000000' }); // 'sha256=…' with signaturePrefix 'sha256='
 */
export function hmacSignature(
  options: Pick<HmacOptions, 'algorithm' | 'encoding' | 'signaturePrefix' | 'signedContent'>,
  secret: string,
  values: SignedValues,
): string {
  return options.signaturePrefix + macOf(parseTemplate(options.signedContent), options.algorithm, secret, values).toString(options.encoding);
}

function macOf(segments: readonly Segment[], algorithm: HmacOptions['algorithm'], secret: string, values: SignedValues): Buffer {
  const parts = segments.map((segment) =>
    segment === '{body}' ? values.body : segment === '{timestamp}' ? (values.timestamp ?? '') : segment === '{id}' ? (values.id ?? '') : segment.literal,
  );
  return hmac(algorithm, secret, ...parts);
}

/** `'{timestamp}.{body}'` → `['{timestamp}', { literal: '.' }, '{body}']`. */
function parseTemplate(template: string): Segment[] {
  return template
    .split(/(\{body\}|\{timestamp\}|\{id\})/)
    .filter((part) => part !== '')
    .map((part) => (part === '{body}' || part === '{timestamp}' || part === '{id}' ? part : { literal: part }));
}

function describe(location: Location): string {
  if ('header' in location) return `header ${location.header}`;
  return 'jsonPath' in location ? `body "${location.jsonPath}"` : `body ${location.jsonPaths.map((path) => `"${path}"`).join(' and ')}`;
}
