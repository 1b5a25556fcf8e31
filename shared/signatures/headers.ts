/**
 * Reading signature headers: values, lists of signatures, `key=value` entries and timestamps.
 * Everything here is total: malformed input yields `undefined`, an empty list, or a
 * `SignatureError` with the reason, never another exception.
 */
import { SignatureError } from '../errors';
import { decodeSignature, type SignatureEncoding } from './compare';
import type { SignedRequest } from './types';

/** The header's value trimmed, or `undefined` when it is absent or blank. */
export function headerValue(request: SignedRequest, name: string): string | undefined {
  const value = request.headers[name]?.trim();
  return value ? value : undefined;
}

/** The header's value; `missing_signature` when it is absent or blank. */
export function requireHeader(request: SignedRequest, name: string): string {
  const value = headerValue(request, name);
  if (value === undefined) throw new SignatureError('missing_signature');
  return value;
}

/**
 * Splits a header carrying several items. The default separators, commas and whitespace,
 * also undo the `, ` joining of a repeated header.
 */
export function listItems(value: string, separator: RegExp = /[\s,]+/): string[] {
  return value.split(separator).filter((item) => item !== '');
}

/**
 * Decodes the items that start with `prefix`; items with another prefix (another scheme or
 * version) and items that do not decode are left out.
 */
export function decodeSignatures(items: readonly string[], prefix: string, encoding: SignatureEncoding): Buffer[] {
  return items.flatMap((item) => (item.startsWith(prefix) ? (decodeSignature(item.slice(prefix.length), encoding) ?? []) : []));
}

/**
 * Parses `t=1700000000,v1=abc,v1=def` into `{ t: ['1700000000'], v1: ['abc', 'def'] }` (entries
 * separated by `separator`: Paddle writes `ts=…;h1=…`). Each entry
 * splits at its first `=`; entries without one are ignored. Whitespace around entries is
 * dropped (a repeated header arrives joined with `, `).
 */
export function keyValueEntries(value: string, separator: ',' | ';' = ','): Map<string, string[]> {
  const entries = new Map<string, string[]>();
  for (const item of value.split(separator)) {
    const entry = item.trim();
    const equals = entry.indexOf('=');
    if (equals <= 0) continue;
    const key = entry.slice(0, equals);
    const values = entries.get(key);
    if (values) values.push(entry.slice(equals + 1));
    else entries.set(key, [entry.slice(equals + 1)]);
  }
  return entries;
}

/**
 * The value of a `key=value` entry that must occur once (such as `t`): `undefined` when absent,
 * `malformed_signature` when the header gives it several different values.
 */
export function singleEntry(entries: ReadonlyMap<string, readonly string[]>, key: string): string | undefined {
  const values = entries.get(key);
  if (values?.some((value) => value !== values[0])) throw new SignatureError('malformed_signature');
  return values?.[0];
}

export type TimestampFormat = 'unix' | 'unixMs' | 'iso8601' | 'auto';

const UNIX_SECONDS = /^\d{1,15}$/;
const UNIX_MILLISECONDS = /^\d{1,18}$/;
/** ISO 8601 date and time with seconds and an explicit zone (no zone would mean local time). */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Unix seconds of a timestamp as sent: whole Unix seconds (digits only), whole Unix
 * milliseconds (`unixMs`, only when asked for), ISO 8601 with a zone (e.g.
 * `2024-05-01T12:00:00Z`, fractional seconds kept), or seconds or ISO 8601 (`auto`).
 * `undefined` when it is none of these.
 */
export function parseTimestamp(text: string, format: TimestampFormat): number | undefined {
  if (format === 'unixMs') return UNIX_MILLISECONDS.test(text) ? Number(text) / 1000 : undefined;
  if (format !== 'iso8601' && UNIX_SECONDS.test(text)) return Number(text);
  if (format !== 'unix' && ISO_8601.test(text)) {
    const ms = Date.parse(text.toUpperCase());
    if (Number.isFinite(ms)) return ms / 1000;
  }
  return undefined;
}

/**
 * The Unix seconds of a signed timestamp: `missing_timestamp` when `text` is absent,
 * `malformed_signature` when it is not a timestamp in `format`.
 */
export function requireTimestamp(text: string | undefined, format: TimestampFormat = 'unix'): number {
  if (text === undefined) throw new SignatureError('missing_timestamp');
  const seconds = parseTimestamp(text, format);
  if (seconds === undefined) throw new SignatureError('malformed_signature');
  return seconds;
}

/** A query parameter of `url`, decoded; `undefined` when absent. */
export function queryParameter(url: string, name: string): string | undefined {
  const query = url.indexOf('?');
  if (query === -1) return undefined;
  return new URLSearchParams(url.slice(query + 1).split('#')[0]).get(name) ?? undefined;
}
