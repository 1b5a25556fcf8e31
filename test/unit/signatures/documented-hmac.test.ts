/**
 * Presets whose provider ships no verifier (Intercom, PagerDuty, Typeform, Calendly): signed here
 * with `node:crypto` per each provider's documentation, independently of our engine.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sourceSchema } from '../../../shared/config/schema';
import { providerFor } from '../../../shared/signatures';
import { provesScheme } from './contract';
import { nowSeconds, outcome, signedRequest, verifyContext } from './support';

const providerNamed = (provider: string) => providerFor(sourceSchema.parse({ name: provider, provider }));
const secret = 'documented-secret-7f3c';
const other = 'documented-secret-0000';
const keys = { key: { verifyWith: secret, signWith: secret }, otherKey: { verifyWith: other, signWith: other } };

const intercomBody = JSON.stringify({
  type: 'notification_event',
  id: 'notif_ccd8a4d2-c73b-11e5-ab47-ddb7e0b3d4c8',
  topic: 'conversation.user.created',
  data: { item: { type: 'conversation', id: '1' } },
});
provesScheme('intercom', {
  provider: providerNamed('intercom'),
  ...keys,
  // `X-Hub-Signature: sha1=<hex HMAC-SHA1 of the body>` with the app's client secret.
  sign: (key) => signedRequest(intercomBody, { 'x-hub-signature': `sha1=${createHmac('sha1', key).update(intercomBody).digest('hex')}` }),
  timestamped: false,
  identity: () => ({ kind: 'event', eventId: 'notif_ccd8a4d2-c73b-11e5-ab47-ddb7e0b3d4c8', eventType: 'conversation.user.created' }),
});

const pagerdutyBody = JSON.stringify({
  event: { id: '01BZ4ZJ8JHRZNL0R8XZPQCXJ7H', event_type: 'incident.triggered', resource_type: 'incident', data: { id: 'PGR0VU2' } },
});
const pagerdutySignature = (key: string) => `v1=${createHmac('sha256', key).update(pagerdutyBody).digest('hex')}`;
provesScheme('pagerduty', {
  provider: providerNamed('pagerduty'),
  ...keys,
  sign: (key) => signedRequest(pagerdutyBody, { 'x-pagerduty-signature': pagerdutySignature(key) }),
  timestamped: false,
  identity: () => ({ kind: 'event', eventId: '01BZ4ZJ8JHRZNL0R8XZPQCXJ7H', eventType: 'incident.triggered' }),
});

describe('pagerduty specifics', () => {
  it('accepts a header with several v1 signatures (PagerDuty rotating its secret) when any one matches', () => {
    const header = `${pagerdutySignature(other)},${pagerdutySignature(secret)}`;
    expect(outcome(providerNamed('pagerduty'), signedRequest(pagerdutyBody, { 'x-pagerduty-signature': header }), verifyContext([secret]))).toBe('accepted');
  });
});

const typeformBody = JSON.stringify({
  event_id: '01GMT6RKH1GPSQ0WR6X7PF4HT4',
  event_type: 'form_response',
  form_response: { form_id: 'lT4Z3j', token: 'a3a12ec67a1365927098a606107fac15', answers: [] },
});
provesScheme('typeform', {
  provider: providerNamed('typeform'),
  ...keys,
  // `Typeform-Signature: sha256=<base64 HMAC-SHA256 of the body>`.
  sign: (key) => signedRequest(typeformBody, { 'typeform-signature': `sha256=${createHmac('sha256', key).update(typeformBody).digest('base64')}` }),
  timestamped: false,
  identity: () => ({ kind: 'event', eventId: '01GMT6RKH1GPSQ0WR6X7PF4HT4', eventType: 'form_response' }),
});

const calendlyUri = 'https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2/invitees/AAAAAAAAAAAAAAAA';
const calendlyBody = JSON.stringify({
  created_at: '2026-01-01T00:00:00.000000Z',
  event: 'invitee.created',
  payload: { uri: calendlyUri, email: 'test@example.com' },
});
provesScheme('calendly', {
  provider: providerNamed('calendly'),
  ...keys,
  // `Calendly-Webhook-Signature: t=<ts>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
  sign: (key, ts) =>
    signedRequest(calendlyBody, { 'calendly-webhook-signature': `t=${ts},v1=${createHmac('sha256', key).update(`${ts}.${calendlyBody}`).digest('hex')}` }),
  timestamped: true,
  identity: () => ({ kind: 'event', eventId: `invitee.created:${calendlyUri}`, eventType: 'invitee.created' }),
});

describe('calendly specifics', () => {
  it('keys the event by its type and resource: the same invitee canceled is another event', () => {
    const canceled = calendlyBody.replace('invitee.created', 'invitee.canceled');
    const ts = nowSeconds();
    const request = signedRequest(canceled, {
      'calendly-webhook-signature': `t=${ts},v1=${createHmac('sha256', secret).update(`${ts}.${canceled}`).digest('hex')}`,
    });
    expect(providerNamed('calendly').identify(request)).toEqual({ kind: 'event', eventId: `invitee.canceled:${calendlyUri}`, eventType: 'invitee.canceled' });
  });
});
