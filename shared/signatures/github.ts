/**
 * GitHub.
 *
 * `X-Hub-Signature-256: sha256=<hex>`: hex HMAC-SHA256 over the raw body, keyed with the
 * webhook secret's text. No timestamp is signed. (The legacy SHA-1 `X-Hub-Signature` is not
 * accepted.)
 *
 * Event: `X-GitHub-Delivery` (a GUID, the same on redelivery) and `X-GitHub-Event`.
 */
import { hmac, requireMatch, requireSecrets } from './compare';
import { eventType, identified, requireEventId } from './event';
import { decodeSignatures, headerValue, listItems, requireHeader } from './headers';
import type { Provider } from './types';

export const github: Provider = {
  verify(request, context) {
    const secrets = requireSecrets(context);
    const signatures = decodeSignatures(listItems(requireHeader(request, 'x-hub-signature-256')), 'sha256=', 'hex');
    requireMatch(
      signatures,
      secrets.map((secret) => hmac('sha256', secret, request.body)),
    );
  },

  identify(request) {
    const id = requireEventId(headerValue(request, 'x-github-delivery'), 'header X-GitHub-Delivery');
    return identified(id, eventType(headerValue(request, 'x-github-event')));
  },
};
