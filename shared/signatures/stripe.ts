/**
 * Stripe.
 *
 * `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…][,v0=<hex>]`: hex HMAC-SHA256 over
 * `<t>.<raw body>`, keyed with the endpoint secret's text as it is (`whsec_…` as UTF-8 bytes,
 * not decoded). Only `v1` entries are signatures (`v0` is Stripe's legacy test scheme). `t` is
 * signed exactly as sent and must lie within the tolerance in both directions (the `stripe`
 * library refuses only old timestamps).
 *
 * Event: body `id` (`evt_…`, the same on every retry) and `type`.
 */
import { hmac, requireMatch, requireSecrets, requireWithinTolerance } from './compare';
import { eventType, identified, jsonBody, requireEventId } from './event';
import { decodeSignatures, keyValueEntries, requireHeader, requireTimestamp, singleEntry } from './headers';
import type { Provider } from './types';

export const stripe: Provider = {
  verify(request, context) {
    const secrets = requireSecrets(context);
    const entries = keyValueEntries(requireHeader(request, 'stripe-signature'));
    const t = singleEntry(entries, 't');
    const timestamp = requireTimestamp(t);
    const signatures = decodeSignatures(entries.get('v1') ?? [], '', 'hex');
    requireMatch(
      signatures,
      secrets.map((secret) => hmac('sha256', secret, `${t}.`, request.body)),
    );
    requireWithinTolerance(timestamp, context);
  },

  identify(request) {
    const body = jsonBody(request, 'Stripe');
    return identified(requireEventId(body.id, 'body "id"'), eventType(body.type));
  },
};
