/**
 * Mailgun (webhooks, JSON).
 *
 * The signature is in the body: `signature.signature` is the hex HMAC-SHA256 of
 * `<signature.timestamp><signature.token>`, keyed with the HTTP webhook signing key. The
 * timestamp (Unix seconds) must lie within the tolerance, both directions. Note what Mailgun
 * signs: the timestamp and a random token, not `event-data`; so the event's integrity rests on
 * TLS, and a captured signature block could be replayed with other event data within the
 * window (a replay of the same event is only a duplicate: the key is the event's own id).
 *
 * Event: `event-data.id` and `event-data.event` (`delivered`, `failed`, …).
 */
import { SignatureError } from '../errors';
import { decodeHex, hmac, requireMatch, requireSecrets, requireWithinTolerance } from './compare';
import { eventType, identified, isObject, jsonBody, requireEventId, tryJsonObject, valueAt } from './event';
import { requireTimestamp } from './headers';
import type { Provider } from './types';

export const mailgun: Provider = {
  verify(request, context) {
    const secrets = requireSecrets(context);
    const block = tryJsonObject(request.body)?.signature;
    if (!isObject(block) || typeof block.signature !== 'string') throw new SignatureError('missing_signature');
    const ts = typeof block.timestamp === 'number' ? String(block.timestamp) : typeof block.timestamp === 'string' ? block.timestamp : undefined;
    const timestamp = requireTimestamp(ts);
    if (typeof block.token !== 'string' || block.token === '') throw new SignatureError('malformed_signature');
    const signature = decodeHex(block.signature);
    requireMatch(
      signature ? [signature] : [],
      secrets.map((secret) => hmac('sha256', secret, `${ts}${block.token}`)),
    );
    requireWithinTolerance(timestamp, context);
  },

  identify(request) {
    const body = jsonBody(request, 'Mailgun');
    return identified(requireEventId(valueAt(body, 'event-data.id'), 'body "event-data.id"'), eventType(valueAt(body, 'event-data.event')));
  },
};
