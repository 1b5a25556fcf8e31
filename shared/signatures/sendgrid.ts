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
import { MalformedEventError, SignatureError } from '../errors';
import { decodeBase64, requireWithinTolerance } from './compare';
import { batchEventId, eventType, identified, objectArray } from './event';
import { headerValue, requireHeader, requireTimestamp } from './headers';
import { anyKeyVerifies, requirePublicKeys } from './public-keys';
import type { Provider } from './types';

export const sendgrid: Provider = {
  verify(request, context) {
    const keys = requirePublicKeys(context, 'p256-spki-base64');
    const signature = decodeBase64(requireHeader(request, 'x-twilio-email-event-webhook-signature'));
    const ts = headerValue(request, 'x-twilio-email-event-webhook-timestamp');
    const timestamp = requireTimestamp(ts);
    if (!signature) throw new SignatureError('malformed_signature');
    if (!anyKeyVerifies(keys, Buffer.concat([Buffer.from(ts ?? ''), request.body]), signature)) throw new SignatureError('mismatch');
    requireWithinTolerance(timestamp, context);
  },

  identify(request) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(request.body.toString('utf8'));
    } catch {
      throw new MalformedEventError('SendGrid event body is not JSON');
    }
    const events = objectArray(parsed);
    if (!events) throw new MalformedEventError('SendGrid event body is not a JSON array of events');
    return identified(batchEventId(events.map((event) => event.sg_event_id), 'body [].sg_event_id'), eventType(events[0]?.event));
  },
};
