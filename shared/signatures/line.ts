/**
 * LINE (Messaging API).
 *
 * `x-line-signature: <base64>`: base64 HMAC-SHA256 over the raw body, keyed with the channel
 * secret. No timestamp is signed (each event's `timestamp` is informational).
 *
 * The console's "Verify" sends a signed body with no events (`"events": []`): it is answered
 * 200 and not stored. Otherwise every event carries a `webhookEventId` (the same on
 * redelivery, which `deliveryContext.isRedelivery` marks); the key is the request's ids (see
 * `batchEventId`), the type the first event's `type` (`message`, `follow`, …).
 */
import { MalformedEventError } from '../errors';
import { hmac, requireMatch, requireSecrets } from './compare';
import { batchEventId, eventType, identified, jsonBody, objectArray } from './event';
import { decodeSignatures, listItems, requireHeader } from './headers';
import type { Provider } from './types';

export const line: Provider = {
  verify(request, context) {
    const secrets = requireSecrets(context);
    const signatures = decodeSignatures(listItems(requireHeader(request, 'x-line-signature')), '', 'base64');
    requireMatch(
      signatures,
      secrets.map((secret) => hmac('sha256', secret, request.body)),
    );
  },

  identify(request) {
    const events = objectArray(jsonBody(request, 'LINE').events);
    if (!events) throw new MalformedEventError('LINE webhook body has no "events" array');
    if (events.length === 0) return { kind: 'handshake', response: { statusCode: 200, contentType: 'application/json', body: '{"received":true}' } };
    return identified(
      batchEventId(
        events.map((event) => event.webhookEventId),
        'body events[].webhookEventId',
      ),
      eventType(events[0]?.type),
    );
  },
};
