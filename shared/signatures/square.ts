/**
 * Square.
 *
 * `x-square-hmacsha256-signature: <base64>`: base64 HMAC-SHA256, keyed with the subscription's
 * signature key, over the notification URL exactly as registered (`request.url`; set the
 * source's `publicUrl` when a custom domain or proxy changes it) followed by the raw body.
 * No timestamp is signed (the body's `created_at` is informational). The legacy SHA-1
 * `x-square-signature` is not accepted.
 *
 * Event: body `event_id` and `type`.
 */
import { hmac, requireMatch, requireSecrets } from './compare';
import { eventType, identified, jsonBody, requireEventId } from './event';
import { decodeSignatures, listItems, requireHeader } from './headers';
import type { Provider } from './types';

export const square: Provider = {
  verify(request, context) {
    const secrets = requireSecrets(context);
    const signatures = decodeSignatures(listItems(requireHeader(request, 'x-square-hmacsha256-signature')), '', 'base64');
    requireMatch(
      signatures,
      secrets.map((secret) => hmac('sha256', secret, request.url, request.body)),
    );
  },

  identify(request) {
    const body = jsonBody(request, 'Square');
    return identified(requireEventId(body.event_id, 'body "event_id"'), eventType(body.type));
  },
};
