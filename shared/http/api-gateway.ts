/**
 * API Gateway HTTP API (payload format 2.0) in and out. The local gateway produces the same
 * event shape, so these functions serve both.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { SignedRequest } from '../signatures/types';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Whether API Gateway HTTP API passes a body of this content type as text: it infers the
 * encoding from the `Content-Type` header and base64-encodes everything it does not take as text
 * (form posts included).
 */
export function isTextContentType(contentType: string | undefined): boolean {
  const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return (
    media.startsWith('text/') ||
    media === 'application/json' ||
    media.endsWith('+json') ||
    media === 'application/xml' ||
    media.endsWith('+xml') ||
    media === 'application/javascript'
  );
}

/**
 * A request body as the payload v2 event carries it, without changing a byte: as text only when
 * its content type is textual, it is not content-encoded (gzip bytes are binary whatever the
 * type) and its bytes are valid UTF-8; otherwise base64 with `isBase64Encoded`. A text payload is
 * a UTF-8 string in a JSON event, so bytes that are not UTF-8 could only travel as text by being
 * replaced (U+FFFD), which would break every signature over them. The local gateway and the
 * tests' events are built with this; `rawBody` undoes it exactly.
 *
 * @example
 * apiGatewayBody(Buffer.from([0xff]), { 'content-type': 'text/plain' }); // { body: '/w==', isBase64Encoded: true }
 */
export function apiGatewayBody(
  bytes: Buffer,
  headers: Readonly<Record<string, string | undefined>>,
): { readonly body: string; readonly isBase64Encoded: boolean } {
  const encoded = (headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (isTextContentType(headers['content-type']) && (encoded === '' || encoded === 'identity')) {
    try {
      return { body: strictUtf8.decode(bytes), isBase64Encoded: false };
    } catch {
      // not UTF-8: base64 below
    }
  }
  return { body: bytes.toString('base64'), isBase64Encoded: true };
}

/** The request body as the exact bytes the client sent (API Gateway base64-encodes non-text bodies). */
export function rawBody(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>): Buffer {
  if (event.body === undefined || event.body === null) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

/** Header names lower-cased (API Gateway already does; the local gateway too). Repeated headers arrive comma-joined. */
export function lowerCaseHeaders(headers: APIGatewayProxyEventV2['headers'] | undefined): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers ?? {})) result[name.toLowerCase()] = value;
  return result;
}

/**
 * The URL the caller used: `<proto>://<domainName><rawPath>[?<rawQueryString>]`. API Gateway
 * reports the scheme in `x-forwarded-proto` (always https in AWS); the local gateway sets it to
 * http. A source's configured `publicUrl` takes precedence (custom domains, proxies), keeping the
 * query string of the request.
 */
export function publicUrl(event: APIGatewayProxyEventV2, configured?: string): string {
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  if (configured) {
    const base = configured.includes('?') ? configured : `${configured}${query}`;
    return base;
  }
  const headers = event.headers ?? {};
  const proto = (headers['x-forwarded-proto'] ?? 'https').split(',')[0]!.trim();
  return `${proto}://${event.requestContext.domainName}${event.rawPath}${query}`;
}

/** The inbound request a provider signed. */
export function signedRequest(event: APIGatewayProxyEventV2, configuredUrl?: string): SignedRequest {
  return {
    body: rawBody(event),
    headers: lowerCaseHeaders(event.headers),
    url: publicUrl(event, configuredUrl),
    method: event.requestContext.http.method.toUpperCase(),
  };
}
