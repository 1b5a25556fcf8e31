/**
 * How large an inbound body can be and still reach the ingress function.
 *
 * API Gateway (HTTP API, payload format 2.0) invokes the function synchronously with the whole
 * request as one JSON event, and Lambda refuses a synchronous invocation payload over 6 MB
 * before the function runs: the provider then gets API Gateway's own error, not our 413, and no
 * metric or log line of ours records it. So the body limit is derived from that payload limit:
 *
 * - the body is carried base64-encoded for content types API Gateway treats as binary: 4 bytes
 *   for every 3 (rounded up), so this is the case the limit must fit;
 * - the rest of the event (headers, the query string, cookies and the request context) is
 *   bounded by HTTP API's quota of 10,240 bytes for the request line and headers together; the
 *   event repeats some of it (raw and parsed query string, the user agent, the path) and JSON
 *   escapes it, so it is allowed {@link EVENT_ENVELOPE_ALLOWANCE_BYTES}, over six times that
 *   quota.
 *
 * Text bodies are carried as a JSON string: escaping can lengthen them (quotes, backslashes,
 * line breaks: 2 bytes each) but for ordinary JSON, form or XML payloads far less than
 * base64's third. See the README ("Body size").
 */

/**
 * Lambda's limit for a synchronous invocation payload: "6 MB" in the Lambda quotas. Lambda's
 * own error message names 6,291,456 bytes; the decimal reading is used so that either holds.
 */
export const LAMBDA_SYNC_PAYLOAD_BYTES = 6_000_000;

/** HTTP API quota: total combined size of request line and header values. */
export const HTTP_API_REQUEST_LINE_AND_HEADERS_BYTES = 10_240;

/** Room left in the invocation payload for everything in the event but the body. */
export const EVENT_ENVELOPE_ALLOWANCE_BYTES = 64 * 1024;

/** Size of `bytes` bytes once base64-encoded (with padding). */
export function base64Length(bytes: number): number {
  return 4 * Math.ceil(bytes / 3);
}

/** The invocation payload's worst case for a body of `bodyBytes` bytes (base64-encoded). */
export function worstCaseInvokePayloadBytes(bodyBytes: number): number {
  return EVENT_ENVELOPE_ALLOWANCE_BYTES + base64Length(bodyBytes);
}

/** The largest body whose worst-case invocation payload fits Lambda's limit: 4,450,848 bytes. */
export const MAX_BODY_BYTES_THAT_FIT = Math.floor((LAMBDA_SYNC_PAYLOAD_BYTES - EVENT_ENVELOPE_ALLOWANCE_BYTES) / 4) * 3;

/** Why a configured body limit cannot be honoured, or undefined when it can. */
export function bodyLimitProblem(maxBodyBytes: number): string | undefined {
  const payload = worstCaseInvokePayloadBytes(maxBodyBytes);
  if (payload <= LAMBDA_SYNC_PAYLOAD_BYTES) return undefined;
  return (
    `${maxBodyBytes} bytes cannot reach the ingress function: API Gateway base64-encodes binary bodies ` +
    `(${base64Length(maxBodyBytes)} bytes for this one) and the event adds up to ${EVENT_ENVELOPE_ALLOWANCE_BYTES} bytes of ` +
    `headers and request context, ${payload} bytes in all, over Lambda's ${LAMBDA_SYNC_PAYLOAD_BYTES}-byte synchronous ` +
    `invocation payload; such a request would be refused before the function runs. The largest that fits is ${MAX_BODY_BYTES_THAT_FIT}`
  );
}
