/**
 * Shopify.
 *
 * `X-Shopify-Hmac-Sha256: <base64>`: base64 HMAC-SHA256 over the raw body, keyed with the app's
 * client secret text. No timestamp is signed (`X-Shopify-Triggered-At` is not covered).
 *
 * Event: `X-Shopify-Webhook-Id` (the same on every retry of one delivery) and
 * `X-Shopify-Topic`.
 */
import { hmac, requireMatch, requireSecrets } from './compare';
import { eventType, identified, requireEventId } from './event';
import { decodeSignatures, headerValue, listItems, requireHeader } from './headers';
import type { Provider } from './types';

export const shopify: Provider = {
  verify(request, context) {
    const secrets = requireSecrets(context);
    const signatures = decodeSignatures(listItems(requireHeader(request, 'x-shopify-hmac-sha256')), '', 'base64');
    requireMatch(
      signatures,
      secrets.map((secret) => hmac('sha256', secret, request.body)),
    );
  },

  identify(request) {
    const id = requireEventId(headerValue(request, 'x-shopify-webhook-id'), 'header X-Shopify-Webhook-Id');
    return identified(id, eventType(headerValue(request, 'x-shopify-topic')));
  },
};
