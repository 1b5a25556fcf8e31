/**
 * Asana (webhooks).
 *
 * Handshake: when a webhook is created, Asana POSTs to the target with an `X-Hook-Secret`
 * header and expects it echoed in the response's `X-Hook-Secret` (200 or 204) before the create
 * call returns. That secret then keys `X-Hook-Signature: <hex>`, the HMAC-SHA256 of the raw body
 * of every later request. No timestamp is signed.
 *
 * Where the secret is kept: in the gateway's own table (a `HandshakeSecretStore`, item
 * `HANDSHAKE#<source>` / `SECRET`, encrypted at rest like every event), written with a condition
 * so that it is kept once and never overwritten. It is durable (a lost secret would make every
 * later event unverifiable) and read on each request of the source (cached once found).
 *
 * Trust on first use: the handshake is not signed, so the first one for a source is trusted
 * and every later one with another secret is refused (409), as is a second racing one. A
 * stranger who hit the URL first could not go unnoticed: Asana's own create call would then
 * fail, because our answer to Asana's handshake is that refusal. Hence one Asana webhook per
 * source; to re-register, delete the kept item (see the README). A handshake repeating the kept
 * secret is answered again. The source's configured secret (`WEBHOOK_SECRET_<NAME>` /
 * Secrets Manager), if any, is accepted for `X-Hook-Signature` as well, so a secret may also be
 * pinned by the operator.
 *
 * Heartbeats (a signed `{"events": []}`) are answered 200 and not stored. Event: Asana's events
 * carry no id; an event is its time, action, resource, parent, changed field and user
 * (`created_at:action:resource.gid:parent.gid:change.field:user.gid`), the same on Asana's
 * retries; a request's key is its events' (see `batchEventId`), its type
 * `<resource.resource_type>.<action>` of the first event (`task.changed`).
 */
import { ConflictError, MalformedEventError, ValidationError } from '../errors';
import { withHmacDefaults } from './hmac-options';
import { batchEventId, eventType, identified, jsonBody, objectArray, valueAt, type JsonObject } from './event';
import { createHmacProvider } from './hmac';
import { headerValue } from './headers';
import type { Provider } from './types';

const scheme = createHmacProvider(withHmacDefaults({ signatureHeader: 'x-hook-signature', eventId: { jsonPath: 'events' } }));

/** Asana's secrets are short random strings; anything far longer is not one. */
const MAX_HOOK_SECRET = 256;

const text = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');

function eventKey(event: JsonObject): string | undefined {
  const at = text(event.created_at);
  const action = text(event.action);
  const resource = text(valueAt(event, 'resource.gid'));
  if (!at || !action || !resource) return undefined;
  return [at, action, resource, text(valueAt(event, 'parent.gid')), text(valueAt(event, 'change.field')), text(valueAt(event, 'user.gid'))].join(':');
}

export const asana: Provider = {
  verifiesWithHandshakeSecrets: true,

  async handshake(request, context) {
    const secret = headerValue(request, 'x-hook-secret');
    if (secret === undefined) return undefined;
    if (secret.length > MAX_HOOK_SECRET || !/^[\x21-\x7e]+$/.test(secret))
      throw new ValidationError('X-Hook-Secret is not a usable secret', 'invalid_hook_secret');
    if (!context.handshakeSecrets) throw new ValidationError('this gateway keeps no handshake secrets', 'handshake_unsupported');
    const outcome = await context.handshakeSecrets.establish(context.sourceName, secret, context.now);
    if (outcome === 'conflict') {
      throw new ConflictError('this source already holds the secret of another Asana webhook; delete it to register a new one', 'handshake_secret_exists');
    }
    return { statusCode: 200, contentType: 'application/json', body: '{"received":true}', headers: { 'x-hook-secret': secret } };
  },

  verify: scheme.verify,

  identify(request) {
    const events = objectArray(jsonBody(request, 'Asana').events);
    if (!events) throw new MalformedEventError('Asana webhook body has no "events" array');
    if (events.length === 0) return { kind: 'handshake', response: { statusCode: 200, contentType: 'application/json', body: '{"received":true}' } };
    const first = events[0]!;
    const type = [text(valueAt(first, 'resource.resource_type')), text(first.action)].filter(Boolean).join('.');
    return identified(batchEventId(events.map(eventKey), 'events[] created_at, action and resource.gid'), eventType(type));
  },
};
