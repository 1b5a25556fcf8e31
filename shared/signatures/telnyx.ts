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
import { SignatureError } from '../errors';
import { decodeBase64, requireWithinTolerance } from './compare';
import { eventType, identified, jsonBody, requireEventId, valueAt } from './event';
import { headerValue, requireHeader, requireTimestamp } from './headers';
import { anyKeyVerifies, requirePublicKeys } from './public-keys';
import type { Provider } from './types';

export const telnyx: Provider = {
  verify(request, context) {
    const keys = requirePublicKeys(context, 'ed25519-base64');
    const signature = decodeBase64(requireHeader(request, 'telnyx-signature-ed25519'));
    const ts = headerValue(request, 'telnyx-timestamp');
    const timestamp = requireTimestamp(ts);
    if (!signature) throw new SignatureError('malformed_signature');
    if (!anyKeyVerifies(keys, Buffer.concat([Buffer.from(`${ts}|`), request.body]), signature)) throw new SignatureError('mismatch');
    requireWithinTolerance(timestamp, context);
  },

  identify(request) {
    const body = jsonBody(request, 'Telnyx');
    return identified(requireEventId(valueAt(body, 'data.id'), 'body "data.id"'), eventType(valueAt(body, 'data.event_type')));
  },
};
