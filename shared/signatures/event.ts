/**
 * Identifying an authentic event: its id (the dedupe key) and type. Everything here throws
 * `MalformedEventError` or nothing.
 */
import { MalformedEventError } from '../errors';
import type { Identified, SignedRequest } from './types';

/** Longest event id accepted as a dedupe key. */
export const MAX_EVENT_ID_LENGTH = 512;
/** The type of an event whose provider names none where expected (never a reason to refuse it). */
export const UNKNOWN_EVENT_TYPE = 'unknown';

export type JsonObject = Readonly<Record<string, unknown>>;

/** The body as a JSON object, or `undefined` when it is not one. */
export function tryJsonObject(body: Buffer): JsonObject | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  return isObject(value) ? value : undefined;
}

/** The body as a JSON object; `MalformedEventError` when it is not one. */
export function jsonBody(request: SignedRequest, provider: string): JsonObject {
  const body = tryJsonObject(request.body);
  if (!body) throw new MalformedEventError(`${provider} event body is not a JSON object`);
  return body;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a dot-separated path of own properties (`data.object.id`), or `undefined`. */
export function valueAt(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (!isObject(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

/**
 * `value` as an event id: a non-empty string of at most `MAX_EVENT_ID_LENGTH` characters.
 * Otherwise `MalformedEventError` naming `where` it was looked for.
 */
export function requireEventId(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new MalformedEventError(`event has no id (${where} is missing or not a non-empty string)`);
  if (value.length > MAX_EVENT_ID_LENGTH) throw new MalformedEventError(`event id (${where}) is longer than ${MAX_EVENT_ID_LENGTH} characters`);
  return value;
}

/** The first non-empty string among `candidates`, else `UNKNOWN_EVENT_TYPE`. */
export function eventType(...candidates: unknown[]): string {
  for (const candidate of candidates) if (typeof candidate === 'string' && candidate !== '') return candidate;
  return UNKNOWN_EVENT_TYPE;
}

export function identified(eventId: string, type: string): Identified {
  return { kind: 'event', eventId, eventType: type };
}
