/**
 * Discord (Interactions Endpoint URL).
 *
 * `X-Signature-Ed25519: <hex>`: an Ed25519 signature over `<X-Signature-Timestamp><raw body>`,
 * made with the application's private key. The source's secret is the application's public key
 * as the Developer Portal shows it (64 hex digits); several are accepted during a rotation. The
 * timestamp (Unix seconds) is signed and must lie within the tolerance, both directions.
 *
 * A PING (`type: 1`, sent when the URL is saved and from time to time) is answered with a PONG
 * (`{"type":1}`) and not stored. Any other interaction is an event: id = the interaction's
 * `id`, type = its kind (`APPLICATION_COMMAND`, `MESSAGE_COMPONENT`, …). Discord requires an
 * interaction response within three seconds, so the acknowledgement is a deferred response
 * (`{"type":5}` for commands and modal submits, `{"type":6}` for components, an empty choice
 * list for autocomplete); the handler then edits the reply through the interaction token.
 */
import { identified, jsonBody, requireEventId } from './event';
import { verifyPublicKeySignature } from './public-keys';
import type { HandshakeResponse, Provider } from './types';

const INTERACTION_TYPES: Readonly<Record<number, string>> = {
  2: 'APPLICATION_COMMAND',
  3: 'MESSAGE_COMPONENT',
  4: 'APPLICATION_COMMAND_AUTOCOMPLETE',
  5: 'MODAL_SUBMIT',
};

const json = (body: unknown): HandshakeResponse => ({ statusCode: 200, contentType: 'application/json', body: JSON.stringify(body) });

/** What Discord must hear back, within three seconds, for an interaction of `type`. */
function deferredResponse(type: number): HandshakeResponse {
  if (type === 3) return json({ type: 6 }); // DEFERRED_UPDATE_MESSAGE
  if (type === 4) return json({ type: 8, data: { choices: [] } }); // APPLICATION_COMMAND_AUTOCOMPLETE_RESULT
  return json({ type: 5 }); // DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE
}

export const discord: Provider = {
  verify(request, context) {
    verifyPublicKeySignature(request, context, {
      keys: 'ed25519-hex',
      signatureHeader: 'x-signature-ed25519',
      signatureEncoding: 'hex',
      timestampHeader: 'x-signature-timestamp',
      prefix: (timestamp) => timestamp,
    });
  },

  identify(request) {
    const body = jsonBody(request, 'Discord');
    if (body.type === 1) return { kind: 'handshake', response: json({ type: 1 }) };
    const type = typeof body.type === 'number' ? body.type : 0;
    const id = requireEventId(body.id, 'body "id"');
    return { ...identified(id, INTERACTION_TYPES[type] ?? `interaction_${type}`), acknowledgement: deferredResponse(type) };
  },
};
