/**
 * Zoom (event subscriptions).
 *
 * `x-zm-signature: v0=<hex>`: hex HMAC-SHA256, keyed with the app's Secret Token, over
 * `v0:<x-zm-request-timestamp>:<raw body>`; the timestamp (Unix seconds) must lie within the
 * tolerance, both directions. The scheme itself is configuration over the generic HMAC engine.
 *
 * `endpoint.url_validation` (when the URL is saved, then every 72 hours) is signed like any
 * event and verified first; it is answered with `{"plainToken", "encryptedToken"}`, the token's
 * hex HMAC-SHA256 under the secret that verified the request, and never stored.
 *
 * Event: Zoom's payloads carry no event id; an event is its name, its `event_ts` (milliseconds,
 * the same on Zoom's retries) and the object it is about, so the key is
 * `<event>:<event_ts>[:<payload.object.uuid|id>]`. Type: `event`.
 */
import { withHmacDefaults } from './hmac-options';
import { MalformedEventError, SignatureError } from '../errors';
import { hmac } from './compare';
import { eventType, identified, jsonBody, requireEventId, valueAt } from './event';
import { createHmacProvider } from './hmac';
import type { Provider } from './types';

const scheme = createHmacProvider(
  withHmacDefaults({
    signatureHeader: 'x-zm-signature',
    signaturePrefix: 'v0=',
    timestamp: { header: 'x-zm-request-timestamp', format: 'unix' },
    signedContent: 'v0:{timestamp}:{body}',
    eventId: { jsonPath: 'event' },
  }),
);

const scalar = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : undefined;

export const zoom: Provider = {
  verify: scheme.verify,

  identify(request, context) {
    const body = jsonBody(request, 'Zoom');
    if (body.event === 'endpoint.url_validation') {
      const plainToken = valueAt(body, 'payload.plainToken');
      if (typeof plainToken !== 'string' || plainToken === '') throw new MalformedEventError('Zoom url_validation has no payload.plainToken');
      // The secret that verified this very request (one of several during a rotation).
      const secret = context?.secrets.find((candidate) => {
        try {
          scheme.verify(request, { ...context!, secrets: [candidate] });
          return true;
        } catch (error) {
          if (error instanceof SignatureError) return false;
          throw error;
        }
      });
      // Unreachable after `verify` accepted the request; identify refuses only as malformed.
      if (secret === undefined) throw new MalformedEventError('Zoom url_validation is verified by none of the secrets given');
      const encryptedToken = hmac('sha256', secret, plainToken).toString('hex');
      return { kind: 'handshake', response: { statusCode: 200, contentType: 'application/json', body: JSON.stringify({ plainToken, encryptedToken }) } };
    }
    const event = scalar(body.event);
    const at = scalar(body.event_ts);
    if (event === undefined || at === undefined) throw new MalformedEventError('Zoom event has no id (body "event" and "event_ts" are required)');
    const object = scalar(valueAt(body, 'payload.object.uuid')) ?? scalar(valueAt(body, 'payload.object.id'));
    return identified(requireEventId([event, at, ...(object ? [object] : [])].join(':'), 'body "event", "event_ts", "payload.object"'), eventType(event));
  },
};
