/**
 * X (Twitter) Account Activity webhooks.
 *
 * `x-twitter-webhooks-signature: sha256=<base64>`: base64 HMAC-SHA256 over the raw body, keyed
 * with the app's consumer secret (configuration over the generic HMAC engine). No timestamp is
 * signed.
 *
 * Challenge-Response Check: `GET ?crc_token=<token>` (at registration, then hourly or daily,
 * and on demand) is answered within X's three seconds with
 * `{"response_token": "sha256=<base64 HMAC-SHA256 of the token under the consumer secret>"}`;
 * the answer is what proves we hold the secret (X does not sign the GET). Never stored. With
 * several secrets (a rotation), the first one answers.
 *
 * Event: the body names its user (`for_user_id`) and one `<kind>_events` array
 * (`tweet_create_events`, `favorite_events`, `follow_events`, `direct_message_events`, …). The
 * key is `<for_user_id>:<kind>:` and the batch of the items' ids (`id_str`, else `id`, else
 * their `created_timestamp`/`timestamp_ms` with the acting and target user ids); the type is the
 * kind (`tweet_create_events`).
 */
import { withHmacDefaults } from './hmac-options';
import { MalformedEventError, SignatureError, ValidationError } from '../errors';
import { hmac } from './compare';
import { batchEventId, identified, isObject, jsonBody, objectArray, requireEventId, valueAt, type JsonObject } from './event';
import { createHmacProvider } from './hmac';
import { queryParameter } from './headers';
import type { Provider } from './types';

const scheme = createHmacProvider(
  withHmacDefaults({
    signatureHeader: 'x-twitter-webhooks-signature',
    signaturePrefix: 'sha256=',
    encoding: 'base64',
    eventId: { jsonPath: 'for_user_id' },
  }),
);

const MAX_CRC_TOKEN = 1024;

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : undefined;

/** The id of one item of an `_events` array. */
function itemId(item: JsonObject): string | undefined {
  const own = text(item.id_str) ?? text(item.id);
  if (own) return own;
  const at = text(item.created_timestamp) ?? text(item.timestamp_ms);
  if (!at) return undefined;
  return [text(item.type), at, text(valueAt(item, 'source.id')), text(valueAt(item, 'target.id'))].filter(Boolean).join(':');
}

export const x: Provider = {
  answersGet: true,

  handshake(request, context) {
    if ((request.method ?? 'POST') !== 'GET') return undefined;
    const token = queryParameter(request.url, 'crc_token');
    if (token === undefined || token === '') throw new ValidationError('an X Challenge-Response Check carries ?crc_token=', 'missing_crc_token');
    if (token.length > MAX_CRC_TOKEN) throw new ValidationError(`crc_token longer than ${MAX_CRC_TOKEN} characters`, 'invalid_crc_token');
    const secret = context.secrets[0];
    if (secret === undefined) throw new SignatureError('no_secret');
    const responseToken = `sha256=${hmac('sha256', secret, token).toString('base64')}`;
    return { statusCode: 200, contentType: 'application/json', body: JSON.stringify({ response_token: responseToken }) };
  },

  verify: scheme.verify,

  identify(request) {
    const body = jsonBody(request, 'X');
    const user = text(body.for_user_id);
    const kind = Object.keys(body).find((key) => key.endsWith('_events') && Array.isArray(body[key]));
    if (!user || !kind) throw new MalformedEventError('X activity has no id (body "for_user_id" and a "…_events" array are required)');
    const items = objectArray(body[kind]);
    if (!items?.every(isObject)) throw new MalformedEventError(`X activity "${kind}" is not an array of objects`);
    const batch = batchEventId(items.map(itemId), `body "${kind}"[] ids`);
    return identified(requireEventId(`${user}:${kind}:${batch}`, 'body for_user_id and event ids'), kind);
  },
};
