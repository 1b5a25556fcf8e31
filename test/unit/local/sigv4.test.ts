/**
 * The operator commands sign management API calls with the SDK's SigV4 signer; this holds our
 * use of it (which parts of the request go in, and how) against AWS's own worked example of a
 * signed request: "Example: GET Object" in the S3 API reference's "Signature Calculations for
 * the Authorization Header", whose documented signature is reproduced exactly.
 */
import { describe, expect, it } from 'vitest';
import { signedHeaders } from '../../../local/gateway-client';

const EXAMPLE_CREDENTIALS = async () => ({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' });
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('SigV4 signing of operator requests', () => {
  it("reproduces AWS's documented signature for its GET Object example", async () => {
    const headers = await signedHeaders(
      new URL('https://examplebucket.s3.amazonaws.com/test.txt'),
      { method: 'GET', headers: { range: 'bytes=0-9', 'x-amz-content-sha256': EMPTY_SHA256 } },
      { region: 'us-east-1', service: 's3', credentials: EXAMPLE_CREDENTIALS, signingDate: new Date('2013-05-24T00:00:00Z') },
    );
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
  });

  it('signs a management API call for execute-api, covering the host, the query and the body', async () => {
    const sign = (body: string, url = 'https://abc123.execute-api.eu-west-1.amazonaws.com/api/v1/dlq/inbound/redrive?x=1') =>
      signedHeaders(
        new URL(url),
        { method: 'POST', headers: { 'content-type': 'application/json' }, body },
        {
          region: 'eu-west-1',
          service: 'execute-api',
          credentials: EXAMPLE_CREDENTIALS,
          signingDate: new Date('2026-01-01T00:00:00Z'),
        },
      );
    const signed = await sign('{}');
    expect(signed.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/20260101\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
    expect(signed.host).toBe('abc123.execute-api.eu-west-1.amazonaws.com');
    expect((await sign('{"maxMessagesPerSecond":1}')).authorization).not.toBe(signed.authorization);
    expect((await sign('{}', 'https://abc123.execute-api.eu-west-1.amazonaws.com/api/v1/dlq/inbound/redrive?x=2')).authorization).not.toBe(
      signed.authorization,
    );
  });
});
