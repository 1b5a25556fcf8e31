/**
 * Identifying an authentic event: its id (the dedupe key) and type. Everything here throws
 * `MalformedEventError` or nothing.
 */
import { createHash } from 'node:crypto';
import { MalformedEventError } from '../errors';
import { isObject, type JsonObject } from '../json';
import type { Identified, SignedRequest } from './types';

export { isObject, type JsonObject };

/** Longest event id accepted as a dedupe key. */
export const MAX_EVENT_ID_LENGTH = 512;
/** The type of an event whose provider names none where expected (never a reason to refuse it). */
export const UNKNOWN_EVENT_TYPE = 'unknown';

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

/** The body as a JSON array of objects (a batch of events); `MalformedEventError` otherwise. */
export function jsonArrayBody(request: SignedRequest, provider: string): JsonObject[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.body.toString('utf8'));
  } catch {
    throw new MalformedEventError(`${provider} event body is not JSON`);
  }
  const events = objectArray(parsed);
  if (!events) throw new MalformedEventError(`${provider} event body is not a JSON array of events`);
  return events;
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

/**
 * One dedupe key for a request that carries several events, each with the provider's own id
 * (LINE, HubSpot, SendGrid, …): the id itself when there is one, else `batch:` and the SHA-256
 * of the distinct ids sorted, so a retry of the same batch, in any order, has the same key.
 * `MalformedEventError` when the list is empty or an id is unusable.
 */
export function batchEventId(ids: readonly unknown[], where: string): string {
  if (ids.length === 0) throw new MalformedEventError(`event has no id (${where}: no events)`);
  const checked = ids.map((id) => requireEventId(typeof id === 'number' && Number.isSafeInteger(id) ? String(id) : id, where));
  const distinct = [...new Set(checked)].sort();
  if (distinct.length === 1) return distinct[0]!;
  return `batch:${createHash('sha256').update(distinct.join('\n')).digest('hex')}`;
}

/** The elements of `value` when it is an array of JSON objects, else `undefined`. */
export function objectArray(value: unknown): JsonObject[] | undefined {
  return Array.isArray(value) && value.every(isObject) ? (value as JsonObject[]) : undefined;
}
