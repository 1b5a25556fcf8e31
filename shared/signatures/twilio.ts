/**
 * Twilio.
 *
 * `X-Twilio-Signature: <base64>`: base64 HMAC-SHA1, keyed with the auth token, over the public
 * URL (`request.url`: scheme, host, path and query) followed, for a form post, by every POST
 * parameter as `<name><value>`, names sorted, the distinct values of a repeated name sorted too.
 * A JSON post carries `bodySHA256` (lower-case hex SHA-256 of the raw body) in its query instead:
 * the URL alone is signed and the body must hash to it. No timestamp is signed.
 *
 * As `twilio`'s `validateRequest` does, the signature is checked against the URL as received
 * without its port and with the scheme's default port (Twilio signs with or without it
 * depending on the callback), then the same for the URL as `new URL()` normalizes it (percent-
 * encoding, lower-case host), with and without the query re-encoded by `node:querystring`.
 *
 * Event: the resource sid and its status, `<MessageSid|CallSid>:<status>`: a status callback is
 * sent once per status change and retried with the same parameters, so the pair is the event, and
 * both are signed (form parameters, or the JSON body through `bodySHA256`).
 * `I-Twilio-Idempotency-Token` is not signed: a captured request replayed with a fresh token would
 * be a new event if the token were the key, so it is the key only for a callback without a sid and
 * status. Type: the `MessageStatus`, `SmsStatus` or `CallStatus` parameter, else `unknown`.
 */
import { parse, stringify } from 'node:querystring';
import { SignatureError } from '../errors';
import { hmac, requireMatch, requireSecrets, safeEqual, sha256 } from './compare';
import { eventType, identified, requireEventId, tryJsonObject } from './event';
import { decodeSignatures, headerValue, listItems, requireHeader } from './headers';
import type { Provider, SignedRequest } from './types';

const SID_PARAMETERS = ['MessageSid', 'CallSid'];
const STATUS_PARAMETERS = ['MessageStatus', 'SmsStatus', 'CallStatus'];

export const twilio: Provider = {
  verify(request, context) {
    const secrets = requireSecrets(context);
    const signatures = decodeSignatures(listItems(requireHeader(request, 'x-twilio-signature')), '', 'base64');
    const bodyHash = bodySha256(request.url);
    const signedParameters = bodyHash === undefined ? sortedParameters(request.body) : '';
    const urls = candidateUrls(request.url);
    requireMatch(
      signatures,
      secrets.flatMap((token) => urls.map((url) => hmac('sha1', token, url + signedParameters))),
    );
    if (bodyHash !== undefined && !safeEqual(Buffer.from(bodyHash), Buffer.from(sha256(request.body).toString('hex')))) {
      throw new SignatureError('mismatch');
    }
  },

  identify(request) {
    const parameter = parametersOf(request);
    const status = STATUS_PARAMETERS.map(parameter).find(Boolean);
    const type = eventType(status);
    const sid = SID_PARAMETERS.map(parameter).find(Boolean);
    // The signed key first: the unsigned token would let a replay with a fresh token through.
    if (sid && status) return identified(requireEventId(`${sid}:${status}`, 'parameters MessageSid/CallSid and status'), type);
    const token = headerValue(request, 'i-twilio-idempotency-token');
    if (token !== undefined) return identified(requireEventId(token, 'header I-Twilio-Idempotency-Token'), type);
    return identified(requireEventId(sid, 'parameter MessageSid/CallSid or header I-Twilio-Idempotency-Token'), type);
  },
};

/** The `bodySHA256` query parameter (JSON posts), or `undefined` for a form post. */
function bodySha256(url: string): string | undefined {
  const query = url.indexOf('?');
  if (query === -1) return undefined;
  return new URLSearchParams(url.slice(query + 1).split('#')[0]).get('bodySHA256') ?? undefined;
}

/** The form parameters as Twilio signs them: `<name><value>` by sorted name, then sorted distinct value. */
function sortedParameters(body: Buffer): string {
  const parameters = new Map<string, Set<string>>();
  for (const [name, value] of new URLSearchParams(body.toString('utf8'))) {
    const values = parameters.get(name);
    if (values) values.add(value);
    else parameters.set(name, new Set([value]));
  }
  return [...parameters.keys()]
    .sort()
    .map((name) =>
      [...(parameters.get(name) ?? [])]
        .sort()
        .map((value) => name + value)
        .join(''),
    )
    .join('');
}

/** A parameter of the request by name: form fields, or the top-level strings of a JSON post. */
function parametersOf(request: SignedRequest): (name: string) => string | undefined {
  if (bodySha256(request.url) !== undefined) {
    const body = tryJsonObject(request.body);
    return (name) => {
      const value = body?.[name];
      return typeof value === 'string' ? value : undefined;
    };
  }
  const form = new URLSearchParams(request.body.toString('utf8'));
  return (name) => form.get(name) ?? undefined;
}

/** Every URL the signature may have been computed over, as `twilio`'s `validateRequest` tries them. */
function candidateUrls(url: string): string[] {
  const candidates = portVariants(url);
  const normalized = normalizedUrl(url);
  if (normalized !== undefined) {
    for (const variant of portVariants(normalized)) candidates.push(variant, legacyQuery(variant));
  }
  return [...new Set(candidates)];
}

const AUTHORITY = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i;

/** The URL without its port, and with the scheme's default port when it has none (else as is). */
function portVariants(url: string): string[] {
  const match = AUTHORITY.exec(url);
  if (!match) return [url];
  const [prefix, scheme = '', authority = ''] = match;
  const hostStart = authority.lastIndexOf('@') + 1;
  // A colon starts the port only after the closing bracket of an IPv6 literal.
  const portStart = authority.indexOf(':', Math.max(hostStart, authority.lastIndexOf(']') + 1));
  const rest = url.slice(prefix.length);
  if (portStart === -1) return [url, `${scheme}${authority}${scheme.toLowerCase() === 'https://' ? ':443' : ':80'}${rest}`];
  return [`${scheme}${authority.slice(0, portStart)}${rest}`, url];
}

function normalizedUrl(url: string): string | undefined {
  try {
    return new URL(url).toString();
  } catch {
    return undefined;
  }
}

/** The URL with its query re-encoded as Node's legacy `querystring` module writes it. */
function legacyQuery(url: string): string {
  const query = url.indexOf('?');
  if (query === -1 || query === url.length - 1) return url;
  try {
    return `${url.slice(0, query)}?${stringify(parse(url.slice(query + 1)))}`;
  } catch {
    return url;
  }
}
