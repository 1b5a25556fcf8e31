/**
 * Dropbox (webhooks).
 *
 * `X-Dropbox-Signature: <hex>`: hex HMAC-SHA256 over the raw body, keyed with the app secret
 * (configuration over the generic HMAC engine). No timestamp is signed.
 *
 * Verification request: `GET ?challenge=<text>` (when the URI is added in the App Console) is
 * answered with the challenge echoed as `text/plain` with `X-Content-Type-Options: nosniff`, as
 * Dropbox requires; Dropbox does not sign it, and echoing it reveals nothing. Never stored.
 *
 * Event: a notification only says which accounts changed (`list_folder.accounts`) and carries no
 * id; two notifications may be byte-identical yet stand for two changes, so nothing is
 * deduplicated: each delivery gets a fresh id (`dropbox-<uuid>`) and is processed (a handler
 * syncs with its cursor, which a repeated notification leaves harmless). Type: `list_folder`.
 */
import { randomUUID } from 'node:crypto';
import { withHmacDefaults } from './hmac-options';
import { ValidationError } from '../errors';
import { identified, tryJsonObject } from './event';
import { queryParameter } from './headers';
import { createHmacProvider } from './hmac';
import type { Provider } from './types';

const scheme = createHmacProvider(withHmacDefaults({ signatureHeader: 'x-dropbox-signature', eventId: { jsonPath: 'list_folder' } }));

/** Longest challenge echoed (Dropbox's are short random strings). */
const MAX_CHALLENGE = 512;

export const dropbox: Provider = {
  answersGet: true,

  handshake(request) {
    if ((request.method ?? 'POST') !== 'GET') return undefined;
    const challenge = queryParameter(request.url, 'challenge');
    if (challenge === undefined || challenge === '') throw new ValidationError('a Dropbox verification request carries ?challenge=', 'missing_challenge');
    if (challenge.length > MAX_CHALLENGE) throw new ValidationError(`challenge longer than ${MAX_CHALLENGE} characters`, 'invalid_challenge');
    return { statusCode: 200, contentType: 'text/plain', body: challenge, headers: { 'x-content-type-options': 'nosniff' } };
  },

  verify: scheme.verify,

  identify(request) {
    const body = tryJsonObject(request.body);
    return identified(`dropbox-${randomUUID()}`, body && 'list_folder' in body ? 'list_folder' : 'unknown');
  },
};
