/**
 * Adyen (standard webhooks / notifications).
 *
 * The signature is inside each notification item: `additionalData.hmacSignature` is the base64
 * HMAC-SHA256 of `pspReference:originalReference:merchantAccountCode:merchantReference:
 * amount.value:amount.currency:eventCode:success` (absent fields empty), keyed with the HMAC key
 * from the Customer Area, which is hex (the key is its decoded bytes). Every item must verify.
 * No timestamp is signed.
 *
 * Event: an item is identified by `eventCode`, `pspReference` and `success` (Adyen's own advice
 * for spotting duplicates); a request's key is that of its items (see `batchEventId`), its type
 * the first item's `eventCode`. Adyen is acknowledged with `[accepted]`.
 */
import { MalformedEventError, SignatureError } from '../errors';
import { decodeBase64, decodeHex, hmac, requireMatch } from './compare';
import { batchEventId, eventType, identified, isObject, jsonBody, objectArray, tryJsonObject, type JsonObject } from './event';
import type { Provider, SignedRequest } from './types';

/** The `NotificationRequestItem`s of an Adyen body, or `undefined` when it has none in that shape. */
function notificationItems(body: JsonObject | undefined): JsonObject[] | undefined {
  const items = objectArray(body?.notificationItems);
  if (!items || items.length === 0) return undefined;
  const unwrapped = items.map((item) => item.NotificationRequestItem);
  return unwrapped.every(isObject) ? (unwrapped as JsonObject[]) : undefined;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '');

/** What Adyen signs for one item. */
export function adyenSignedData(item: JsonObject): string {
  const amount = isObject(item.amount) ? item.amount : {};
  return [
    item.pspReference,
    item.originalReference,
    item.merchantAccountCode,
    item.merchantReference,
    amount.value,
    amount.currency,
    item.eventCode,
    item.success,
  ]
    .map(text)
    .join(':');
}

function items(request: SignedRequest): JsonObject[] {
  const found = notificationItems(tryJsonObject(request.body));
  if (!found) throw new SignatureError('missing_signature');
  return found;
}

export const adyen: Provider = {
  verify(request, context) {
    const keys = context.secrets.flatMap((secret) => decodeHex(secret.trim()) ?? []);
    if (keys.length === 0) throw new SignatureError('no_secret');
    for (const item of items(request)) {
      const additional = isObject(item.additionalData) ? item.additionalData : {};
      const signature = typeof additional.hmacSignature === 'string' ? decodeBase64(additional.hmacSignature) : undefined;
      if (typeof additional.hmacSignature !== 'string') throw new SignatureError('missing_signature');
      const data = adyenSignedData(item);
      requireMatch(
        signature ? [signature] : [],
        keys.map((key) => hmac('sha256', key, data)),
      );
    }
  },

  identify(request) {
    const found = notificationItems(jsonBody(request, 'Adyen'));
    if (!found) throw new MalformedEventError('Adyen body has no notificationItems');
    const ids = found.map((item) =>
      typeof item.eventCode === 'string' && typeof item.pspReference === 'string' ? `${item.eventCode}:${item.pspReference}:${text(item.success)}` : undefined,
    );
    return {
      ...identified(batchEventId(ids, 'notificationItems[].eventCode and pspReference'), eventType(found[0]?.eventCode)),
      acknowledgement: { statusCode: 200, contentType: 'text/plain', body: '[accepted]' },
    };
  },
};
