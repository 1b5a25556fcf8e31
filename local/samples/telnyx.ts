/** Telnyx: a call event signed with `node:crypto` (Ed25519) per Telnyx's documentation (the SDK only verifies). */
import { randomUUID, sign } from 'node:crypto';
import { type ProviderSample, type Sample, type SampleWebhook, JSON_TYPE, iso, requireSigningKey } from './support';

/**
 * `telnyx-signature-ed25519: <base64 Ed25519 signature of "<telnyx-timestamp>|<body>">`, made with
 * the account's private key (`signingKey`); the source's secret is the public key.
 */
function build(_publicKey: string, sample: Sample): SampleWebhook {
  const { eventType, nowSeconds: now, eventId: id, url } = sample;
  const key = requireSigningKey(sample, 'Telnyx');
  const eventId = id ?? randomUUID();
  const body = JSON.stringify({
    data: {
      event_type: eventType,
      id: eventId,
      occurred_at: iso(now),
      payload: {
        call_control_id: `v3:${randomUUID()}`,
        call_leg_id: randomUUID(),
        call_session_id: randomUUID(),
        client_state: null,
        connection_id: '1494404757140276705',
        direction: 'incoming',
        from: '+15557654321',
        to: '+15551234567',
        state: 'parked',
        start_time: iso(now),
      },
      record_type: 'event',
    },
    meta: { attempt: 1, delivered_to: url },
  });
  const timestamp = String(now);
  const signature = sign(null, Buffer.from(`${timestamp}|${body}`), key).toString('base64');
  return {
    headers: { ...JSON_TYPE, 'user-agent': 'telnyx-webhooks', 'telnyx-signature-ed25519': signature, 'telnyx-timestamp': timestamp },
    body: Buffer.from(body),
    eventId,
    eventType,
  };
}

export const telnyxSample: ProviderSample = { defaultEventType: 'call.initiated', build };
