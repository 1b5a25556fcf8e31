/** The payload v2 body encoding: whatever the bytes and headers, `rawBody` gives back exactly the bytes sent. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apiGatewayBody, rawBody } from '../../../shared/http/api-gateway';

describe('the API Gateway body encoding', () => {
  it('round-trips any bytes under any content type and encoding', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 256 }),
          fc.string({ unit: 'binary' }).map((text) => new TextEncoder().encode(text)),
        ),
        fc.constantFrom('text/plain', 'application/json', 'application/x-www-form-urlencoded', 'application/octet-stream', 'application/xml', undefined),
        fc.constantFrom('gzip', 'identity', undefined),
        (bytes, contentType, contentEncoding) => {
          const event = apiGatewayBody(Buffer.from(bytes), { 'content-type': contentType, 'content-encoding': contentEncoding });
          expect(Buffer.compare(rawBody(event), Buffer.from(bytes))).toBe(0);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('passes UTF-8 text as text, and base64-encodes bytes that are not UTF-8, gzip bodies and binary types', () => {
    expect(apiGatewayBody(Buffer.from('{"a":"é"}'), { 'content-type': 'application/json' })).toEqual({ body: '{"a":"é"}', isBase64Encoded: false });
    expect(apiGatewayBody(Buffer.from([0x63, 0xe9]), { 'content-type': 'text/plain' })).toEqual({ body: 'Y+k=', isBase64Encoded: true });
    expect(apiGatewayBody(Buffer.from('{}'), { 'content-type': 'application/json', 'content-encoding': 'gzip' }).isBase64Encoded).toBe(true);
    expect(apiGatewayBody(Buffer.from('a=b'), { 'content-type': 'application/x-www-form-urlencoded' }).isBase64Encoded).toBe(true);
    // A byte-order mark is a byte like any other: kept.
    expect(rawBody(apiGatewayBody(Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), { 'content-type': 'application/json' }))).toEqual(
      Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]),
    );
  });
});
