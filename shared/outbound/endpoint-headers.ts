/**
 * An endpoint's own request headers (`headers`): what may be configured, and what an attempt
 * sends of them. The gateway's headers always win: the signature headers of every scheme (the
 * id and timestamp among them), the content and transport headers, `host` and `user-agent`
 * cannot be set, and no value may carry CR, LF or NUL (no header injection). The API refuses
 * such a header with a 400; the sign stage drops one that reached a stored endpoint anyway.
 */

/** Header names an endpoint may not set (lower case). */
export const RESERVED_HEADER =
  /^(webhook-.*|x-webhook-.*|x-wss-.*|content-type|content-length|content-encoding|transfer-encoding|host|connection|keep-alive|upgrade|te|trailer|expect|proxy-.*|user-agent)$/;

/** An RFC 9110 token. */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;

/** A value on one line. */
export const HEADER_VALUE = /^[^\r\n\0]*$/;

export const MAX_ENDPOINT_HEADERS = 20;
export const MAX_HEADER_VALUE_LENGTH = 1000;

/**
 * The endpoint headers an attempt may send: lower-cased names, reserved or malformed ones left
 * out.
 *
 * @example
 * sendableHeaders({ Authorization: 'Bearer t', 'Webhook-Signature': 'forged' }); // { authorization: 'Bearer t' }
 */
export function sendableHeaders(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const sendable: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase();
    if (HEADER_NAME.test(name) && !RESERVED_HEADER.test(lower) && typeof value === 'string' && HEADER_VALUE.test(value)) sendable[lower] = value;
  }
  return sendable;
}
