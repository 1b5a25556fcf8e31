/**
 * API Gateway HTTP API (payload format 2.0) in and out. The local gateway produces the same
 * event shape, so these functions serve both.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { SignedRequest } from '../signatures/types';

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
