/**
 * The body limit against Lambda's synchronous invocation payload: the largest body the config
 * may allow, base64-encoded as API Gateway does for binary content, inside the fullest event
 * envelope HTTP API's quota on the request line and headers (10,240 bytes) permits, still fits.
 */
import { describe, expect, it } from 'vitest';
import {
  base64Length,
  bodyLimitProblem,
  EVENT_ENVELOPE_ALLOWANCE_BYTES,
  HTTP_API_REQUEST_LINE_AND_HEADERS_BYTES,
  LAMBDA_SYNC_PAYLOAD_BYTES,
  MAX_BODY_BYTES_THAT_FIT,
} from '../../../shared/inbound/body-limit';

/**
 * An HTTP API payload format 2.0 event (the documented structure) for a request whose request
 * line and headers use the whole quota, with the characters JSON must escape, and the parts the
 * event repeats (path, query string, user agent, cookies) as large as they can be.
 */
function fullestEvent(body: Buffer): Record<string, unknown> {
  const path = `/webhooks/${'p'.repeat(900)}`;
  const query = 'a=%22&'.repeat(300).slice(0, -1);
  const userAgent = '"'.repeat(4000);
  const cookie = Array.from({ length: 200 }, (_, i) => `c${i}=\\\\\\`).join('; ');
  const headers: Record<string, string> = {
    'content-type': 'application/octet-stream',
    'content-length': String(body.length),
    host: 'abcdefghij.execute-api.eu-west-1.amazonaws.com',
    'user-agent': userAgent,
    cookie,
    'x-forwarded-for': '203.0.113.10',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
    'x-amzn-trace-id': 'Root=1-67891233-abcdef012345678912345678',
  };
  const requestLine = `POST ${path}?${query} HTTP/1.1\r\n`;
  const headerBytes = Object.entries(headers).reduce((sum, [name, value]) => sum + name.length + value.length + 4, 0);
  const used = requestLine.length + headerBytes;
  // Pad with one more header to the quota exactly.
  headers['x-padding'] = '\\'.repeat(HTTP_API_REQUEST_LINE_AND_HEADERS_BYTES - used - 'x-padding'.length - 4);
  return {
    version: '2.0',
    routeKey: 'POST /webhooks/{source}',
    rawPath: path,
    rawQueryString: query,
    cookies: cookie.split('; '),
    headers,
    queryStringParameters: { a: Array.from({ length: 300 }, () => '"').join(',') },
    pathParameters: { source: path.slice('/webhooks/'.length) },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abcdefghij',
      domainName: headers.host,
      domainPrefix: 'abcdefghij',
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.10', userAgent },
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey: 'POST /webhooks/{source}',
      stage: '$default',
      time: '10/Mar/2020:00:03:59 +0000',
      timeEpoch: 1583798639428,
    },
    body: body.toString('base64'),
    isBase64Encoded: true,
  };
}

describe('body limit', () => {
  it('fits the largest allowed binary body, base64-encoded, in the fullest event into the invocation payload', () => {
    const event = fullestEvent(Buffer.alloc(MAX_BODY_BYTES_THAT_FIT, 0xff));
    const payload = Buffer.byteLength(JSON.stringify(event));
    expect(payload).toBeLessThanOrEqual(LAMBDA_SYNC_PAYLOAD_BYTES);
    // The envelope (everything but the body) stays inside its allowance.
    const envelope = payload - base64Length(MAX_BODY_BYTES_THAT_FIT);
    expect(envelope).toBeLessThanOrEqual(EVENT_ENVELOPE_ALLOWANCE_BYTES);
    expect(envelope).toBeGreaterThan(2 * HTTP_API_REQUEST_LINE_AND_HEADERS_BYTES);
  });

  it('names the largest body that fits and refuses anything larger with the reason', () => {
    expect(MAX_BODY_BYTES_THAT_FIT).toBe(4_450_848);
    expect(bodyLimitProblem(MAX_BODY_BYTES_THAT_FIT)).toBeUndefined();
    expect(bodyLimitProblem(4 * 1024 * 1024)).toBeUndefined();
    expect(bodyLimitProblem(5 * 1024 * 1024)).toMatch(/base64-encodes binary bodies \(6990508 bytes for this one\).*largest that fits is 4450848/);
    expect(bodyLimitProblem(MAX_BODY_BYTES_THAT_FIT + 1)).toBeDefined();
  });

  it('sizes base64 as 4 bytes per 3, rounded up', () => {
    expect([0, 1, 2, 3, 4].map(base64Length)).toEqual([0, 4, 4, 4, 8]);
    for (const n of [1, 2, 3, 1000, 4_450_848]) expect(base64Length(n)).toBe(Buffer.alloc(n).toString('base64').length);
  });
});
