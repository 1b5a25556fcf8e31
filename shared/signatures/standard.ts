/**
 * Standard Webhooks v1, and Svix (the same scheme under `svix-*` header names).
 *
 * `webhook-signature: v1,<base64> [v1,<base64>…]`: base64 HMAC-SHA256 over
 * `<webhook-id>.<webhook-timestamp>.<raw body>`. Entries of other versions (`v1a,…`) are
 * ignored. The key is the base64-decoded part of a `whsec_<base64>` secret; a secret without
 * the prefix is taken as plain base64, as the reference library does. A secret that does not
 * decode is unusable (all unusable: `no_secret`).
 *
 * The `webhook-*` headers are read when `webhook-signature` is present (not blank), else the `svix-*` ones;
 * id, timestamp and signature always come from the same family. The timestamp must be whole
 * Unix seconds and is signed as sent (the reference library re-formats a leniently parsed
 * integer, which is the same text for every well-formed header).
 *
 * Event: header `webhook-id` / `svix-id`; type from the body's `type`, else `eventType`, else
 * `unknown` (the body is not required to be JSON: only the type comes from it).
 */
import { SignatureError } from '../errors';
import { decodeBase64, hmac, requireMatch, requireWithinTolerance } from './compare';
import { eventType, identified, requireEventId, tryJsonObject } from './event';
import { decodeSignatures, headerValue, listItems, requireHeader, requireTimestamp } from './headers';
import type { Provider, SignedRequest } from './types';

const SECRET_PREFIX = 'whsec_';

/** The header names of the family the request uses. */
function family(request: SignedRequest): { id: string; timestamp: string; signature: string } {
  const prefix = headerValue(request, 'webhook-signature') !== undefined ? 'webhook' : 'svix';
  return { id: `${prefix}-id`, timestamp: `${prefix}-timestamp`, signature: `${prefix}-signature` };
}

/** The HMAC key of a secret, or `undefined` when it is not (`whsec_` +) non-empty base64. */
export function standardKey(secret: string): Buffer | undefined {
  const key = decodeBase64(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
  return key && key.length > 0 ? key : undefined;
}

export const standard: Provider = {
  verify(request, context) {
    const keys = context.secrets.flatMap((secret) => standardKey(secret) ?? []);
    if (keys.length === 0) throw new SignatureError('no_secret');
    const names = family(request);
    // Space-separated. A repeated header arrives joined with `,` (API Gateway, the local gateway)
    // or `, ` (Node): a comma before the next `v<n>,` entry separates too (base64 has none). The
    // reference library reads such a value too (it takes the first entry of each joined part).
    const signatures = decodeSignatures(listItems(requireHeader(request, names.signature), /,?\s+|,(?=v\d+[a-z]*,)/), 'v1,', 'base64');
    const ts = headerValue(request, names.timestamp);
    const timestamp = requireTimestamp(ts);
    const id = headerValue(request, names.id);
    if (id === undefined) throw new SignatureError('malformed_signature');
    requireMatch(
      signatures,
      keys.map((key) => hmac('sha256', key, `${id}.${ts}.`, request.body)),
    );
    requireWithinTolerance(timestamp, context);
  },

  identify(request) {
    const names = family(request);
    const id = requireEventId(headerValue(request, names.id), `header ${names.id}`);
    const body = tryJsonObject(request.body);
    return identified(id, eventType(body?.type, body?.eventType));
  },
};
