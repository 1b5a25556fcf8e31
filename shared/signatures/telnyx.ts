/**
 * Telnyx (API v2 webhooks).
 *
 * `telnyx-signature-ed25519: <base64>`: an Ed25519 signature over
 * `<telnyx-timestamp>|<raw body>`. The source's secret is the account's public key as Mission
 * Control shows it (base64 of the 32 key bytes); several are accepted during a rotation. The
 * timestamp (Unix seconds) is signed and must lie within the tolerance, both directions.
 *
 * Event: body `data.id` (the same on every retry) and `data.event_type`.
 */
import { eventType, identified, jsonBody, requireEventId, valueAt } from './event';
import { verifyPublicKeySignature } from './public-keys';
import type { Provider } from './types';

export const telnyx: Provider = {
  verify(request, context) {
    verifyPublicKeySignature(request, context, {
      keys: 'ed25519-base64',
      signatureHeader: 'telnyx-signature-ed25519',
      signatureEncoding: 'base64',
      timestampHeader: 'telnyx-timestamp',
      prefix: (timestamp) => `${timestamp}|`,
    });
  },

  identify(request) {
    const body = jsonBody(request, 'Telnyx');
    return identified(requireEventId(valueAt(body, 'data.id'), 'body "data.id"'), eventType(valueAt(body, 'data.event_type')));
  },
};
