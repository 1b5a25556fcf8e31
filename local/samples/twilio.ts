/** Twilio: a status callback signed with `twilio`'s own `getExpectedTwilioSignature`. */
import { randomUUID } from 'node:crypto';
// The webhooks module alone: the `twilio` entry point loads the whole REST client.
import twilioWebhooks from 'twilio/lib/webhooks/webhooks.js';
import { type ProviderSample, type Sample, type SampleWebhook, hex } from './support';

/** Call statuses that are not also message statuses (`queued`, `failed`, `canceled` are both). */
const CALL_STATUSES = new Set(['initiated', 'ringing', 'answered', 'in-progress', 'completed', 'busy', 'no-answer']);

/**
 * Twilio: a form-encoded status callback; `X-Twilio-Signature` is the base64 HMAC-SHA1, keyed
 * with the auth token, of the URL followed by every parameter's name and (decoded) value in
 * name order. A call status (`completed`, `ringing`, …) gives a voice callback, anything else
 * a messaging one.
 */
/** The dedupe key the gateway takes from a signed callback: `<MessageSid|CallSid>:<status>`. */
const SIGNED_KEY = /^((?:SM|CA)[0-9a-f]{32}):/;

function build(secret: string, { eventType, nowSeconds: now, eventId: id, url }: Sample): SampleWebhook {
  // An id given back (a redelivery) names the resource again; any other is a new resource.
  const call = CALL_STATUSES.has(eventType);
  const sid = (id !== undefined ? SIGNED_KEY.exec(id)?.[1] : undefined) ?? `${call ? 'CA' : 'SM'}${hex(16)}`;
  const eventId = `${sid}:${eventType}`;
  const accountSid = `AC${hex(16)}`;
  const params: Record<string, string> = call
    ? {
        AccountSid: accountSid,
        ApiVersion: '2010-04-01',
        CallSid: sid,
        CallStatus: eventType,
        Called: '+15558675310',
        Caller: '+15017122661',
        Direction: 'outbound-api',
        From: '+15017122661',
        To: '+15558675310',
        CallbackSource: 'call-progress-events',
        SequenceNumber: '0',
        Timestamp: new Date(now * 1000).toUTCString().replace('GMT', '+0000'),
        ...(eventType === 'completed' ? { CallDuration: '42', Duration: '1' } : {}),
      }
    : (() => {
        const messageSid = sid;
        return {
          AccountSid: accountSid,
          ApiVersion: '2010-04-01',
          From: '+15017122661',
          To: '+15558675310',
          MessageSid: messageSid,
          MessageStatus: eventType,
          MessagingServiceSid: `MG${hex(16)}`,
          SmsSid: messageSid,
          SmsStatus: eventType,
        };
      })();
  const body = new URLSearchParams(params).toString();
  return {
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': 'TwilioProxy/1.1',
      // Unsigned: the gateway dedupes on the signed sid and status instead.
      'i-twilio-idempotency-token': randomUUID(),
      'x-twilio-signature': twilioWebhooks.getExpectedTwilioSignature(secret, url, params),
    },
    body: Buffer.from(body),
    eventId,
    eventType,
  };
}

export const twilioSample: ProviderSample = {
  defaultEventType: 'delivered',
  build,
};
