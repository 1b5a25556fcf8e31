/**
 * HubSpot (webhooks, signature v3).
 *
 * `X-HubSpot-Signature-v3: <base64>`: base64 HMAC-SHA256, keyed with the app's client secret,
 * over `<method><URI><raw body><X-HubSpot-Request-Timestamp>`, where the URI is the full URL
 * HubSpot called (`request.url`; set the source's `publicUrl` when a custom domain or proxy
 * changes it) with the percent-encodings HubSpot lists decoded (`%3A` `:`, `%2F` `/`, `%3F` `?`,
 * `%40` `@`, `%21` `!`, `%24` `$`, `%27` `'`, `%28` `(`, `%29` `)`, `%2A` `*`, `%2C` `,`, `%3B` `;`).
 * Both that URI and the URL exactly as received are tried. The timestamp is Unix milliseconds
 * and must lie within the tolerance, both directions (HubSpot says: refuse older than 5 minutes).
 * The v1/v2 `X-HubSpot-Signature` headers (no timestamp) are not accepted.
 *
 * Event: the body is a JSON array of up to 100 events, each with a numeric `eventId`; the key
 * is the batch's ids (see `batchEventId`), the type the first event's `subscriptionType`.
 */
import { hmac, requireMatch, requireSecrets, requireWithinTolerance } from './compare';
import { batchEventId, eventType, identified, jsonArrayBody } from './event';
import { decodeSignatures, headerValue, listItems, requireHeader, requireTimestamp } from './headers';
import type { Provider } from './types';

const DECODED: Readonly<Record<string, string>> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

/** The URI as HubSpot signs it: the listed percent-encodings decoded (either case of hex digit). */
export function hubspotSignedUri(url: string): string {
  return url.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (match) => DECODED[match.toUpperCase()] ?? match);
}

export const hubspot: Provider = {
  verify(request, context) {
    const secrets = requireSecrets(context);
    const signatures = decodeSignatures(listItems(requireHeader(request, 'x-hubspot-signature-v3')), '', 'base64');
    const ts = headerValue(request, 'x-hubspot-request-timestamp');
    const timestamp = requireTimestamp(ts, 'unixMs');
    const method = request.method ?? 'POST';
    const uris = [...new Set([hubspotSignedUri(request.url), request.url])];
    requireMatch(
      signatures,
      secrets.flatMap((secret) => uris.map((uri) => hmac('sha256', secret, method, uri, request.body, ts ?? ''))),
    );
    requireWithinTolerance(timestamp, context);
  },

  identify(request) {
    const events = jsonArrayBody(request, 'HubSpot');
    return identified(
      batchEventId(
        events.map((event) => event.eventId),
        'body [].eventId',
      ),
      eventType(events[0]?.subscriptionType),
    );
  },
};
