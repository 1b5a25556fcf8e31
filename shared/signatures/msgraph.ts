/**
 * Microsoft Graph change notifications.
 *
 * Graph signs nothing: each notification carries the `clientState` the subscription was created
 * with, a secret only Graph and we know. Every item of the request's `value` must carry one of
 * the source's secrets as its `clientState` (compared in constant time, after hashing, so
 * lengths leak nothing); an item without one, or with another, refuses the request. No
 * timestamp is signed. (Rich notifications' `validationTokens` JWTs are not checked.)
 *
 * Endpoint validation: when a subscription is created (or renewed), Graph POSTs to the URL with
 * `?validationToken=<token>`; the token, URL-decoded, is echoed as `text/plain` with 200 at once
 * (Graph allows 10 seconds). Graph does not sign it; the echo only proves the URL answers. Never
 * stored.
 *
 * Event: a notification has no id of its own unless Graph sets the optional `id`; otherwise it is
 * identified by its subscription, change (or lifecycle event), resource and the resource's
 * version (`resourceData["@odata.etag"]`, else `resourceData.id`). A request's key is that of its
 * items (see `batchEventId`); the type is the first item's `changeType` (`created`, …) or
 * `lifecycle.<lifecycleEvent>`.
 */
import { MalformedEventError, SignatureError, ValidationError } from '../errors';
import { requireSecrets, safeEqual, sha256 } from './compare';
import { batchEventId, eventType, identified, isObject, jsonBody, objectArray, tryJsonObject, type JsonObject } from './event';
import { queryParameter } from './headers';
import type { Provider } from './types';

const MAX_VALIDATION_TOKEN = 4096;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

function notificationId(item: JsonObject): string | undefined {
  if (typeof item.id === 'string' && item.id !== '') return item.id;
  const subscription = text(item.subscriptionId);
  const change = text(item.changeType) || (item.lifecycleEvent ? `lifecycle.${text(item.lifecycleEvent)}` : '');
  if (!subscription || !change) return undefined;
  const data = isObject(item.resourceData) ? item.resourceData : {};
  const version = text(data['@odata.etag']) || text(data.id) || text(item.subscriptionExpirationDateTime);
  return [subscription, change, text(item.resource), version].join(':');
}

export const msgraph: Provider = {
  handshake(request) {
    const token = queryParameter(request.url, 'validationToken');
    if (token === undefined) return undefined;
    if (token === '' || token.length > MAX_VALIDATION_TOKEN) throw new ValidationError('validationToken is empty or too long', 'invalid_validation_token');
    return { statusCode: 200, contentType: 'text/plain', body: token, headers: { 'x-content-type-options': 'nosniff' } };
  },

  verify(request, context) {
    const secrets = requireSecrets(context).map((secret) => sha256(secret));
    const items = objectArray(tryJsonObject(request.body)?.value);
    if (!items || items.length === 0) throw new SignatureError('missing_signature');
    for (const item of items) {
      if (typeof item.clientState !== 'string' || item.clientState === '') throw new SignatureError('missing_signature');
      const state = sha256(item.clientState);
      if (!secrets.some((secret) => safeEqual(state, secret))) throw new SignatureError('mismatch');
    }
  },

  identify(request) {
    const items = objectArray(jsonBody(request, 'Microsoft Graph').value);
    if (!items || items.length === 0) throw new MalformedEventError('Microsoft Graph notification has no "value" items');
    const first = items[0]!;
    const type =
      typeof first.changeType === 'string' ? first.changeType : typeof first.lifecycleEvent === 'string' ? `lifecycle.${first.lifecycleEvent}` : undefined;
    return identified(batchEventId(items.map(notificationId), 'value[] subscriptionId and changeType'), eventType(type));
  },
};
