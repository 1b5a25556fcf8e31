/**
 * Twilio SendGrid (signed Event Webhook).
 *
 * `X-Twilio-Email-Event-Webhook-Signature: <base64>`: an ECDSA P-256 / SHA-256 signature (DER)
 * over `<X-Twilio-Email-Event-Webhook-Timestamp><raw body>`. The source's secret is the
 * verification key as the SendGrid console shows it (base64 of the DER public key); several are
 * accepted during a rotation. The timestamp (Unix seconds) is signed and must lie within the
 * tolerance, both directions.
 *
 * Event: the body is a batch, a JSON array of events each with its `sg_event_id`; SendGrid
 * retries the whole batch, so the key is the batch's ids (see `batchEventId`). Type: the first
 * event's `event` (`delivered`, `open`, …).
 */
import { batchEventId, eventType, identified, jsonArrayBody } from './event';
import { verifyPublicKeySignature } from './public-keys';
import type { Provider } from './types';

export const sendgrid: Provider = {
  verify(request, context) {
    verifyPublicKeySignature(request, context, {
      keys: 'p256-spki-base64',
      signatureHeader: 'x-twilio-email-event-webhook-signature',
      signatureEncoding: 'base64',
      timestampHeader: 'x-twilio-email-event-webhook-timestamp',
      prefix: (timestamp) => timestamp,
    });
  },

  identify(request) {
    const events = jsonArrayBody(request, 'SendGrid');
    return identified(
      batchEventId(
        events.map((event) => event.sg_event_id),
        'body [].sg_event_id',
      ),
      eventType(events[0]?.event),
    );
  },
};
