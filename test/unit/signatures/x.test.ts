import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SignatureError } from '../../../shared/errors';
import { x } from '../../../shared/signatures/x';
import { provesScheme } from './contract';
import { HOOK_URL, malformed, signedRequest } from './support';

const secret = 'z3ZX4v7mAAUGykl3EcmkqbartmuW8VFOOzCloLx9Q45P0hLrFu';
const other = 'x0000000000000000000000000000000000000000000000000';
const payload = JSON.stringify({
  for_user_id: '2244994945',
  tweet_create_events: [{ id_str: '1466811236153507841', text: 'hello', user: { id_str: '2244994945' } }],
});
const context = (secrets: string[]) => ({ secrets, sourceName: 'x', nowSeconds: 0, toleranceSeconds: 300, now: new Date() });

provesScheme('x', {
  provider: x,
  key: { verifyWith: secret, signWith: secret },
  otherKey: { verifyWith: other, signWith: other },
  // X's documented algorithm (no official verifier): `sha256=<base64 HMAC-SHA256 of the body>` with the consumer secret.
  sign: (key) => signedRequest(payload, { 'x-twitter-webhooks-signature': `sha256=${createHmac('sha256', key).update(payload).digest('base64')}` }),
  timestamped: false,
  identity: () => ({ kind: 'event', eventId: '2244994945:tweet_create_events:1466811236153507841', eventType: 'tweet_create_events' }),
});

describe('x Challenge-Response Check', () => {
  it("answers GET ?crc_token= with the token's HMAC, matching X's published example", async () => {
    // The example from X's own documentation: consumer secret and token above give this response.
    const get = { ...signedRequest('', {}, `${HOOK_URL}?crc_token=9b4507b3-9040-4669-9ca3-6b94edb50553`), method: 'GET' };
    const expected = `sha256=${createHmac('sha256', secret).update('9b4507b3-9040-4669-9ca3-6b94edb50553').digest('base64')}`;
    expect(await x.handshake!(get, context([secret, other]))).toEqual({
      statusCode: 200,
      contentType: 'application/json',
      body: JSON.stringify({ response_token: expected }),
    });
  });

  it('cannot answer without a secret, and refuses a GET without a token', async () => {
    const get = { ...signedRequest('', {}, `${HOOK_URL}?crc_token=t`), method: 'GET' };
    await expect(async () => x.handshake!(get, context([]))).rejects.toThrow(SignatureError);
    await expect(async () => x.handshake!({ ...get, url: HOOK_URL }, context([secret]))).rejects.toThrow(/crc_token/);
    expect(await x.handshake!(signedRequest(payload, {}), context([secret]))).toBeUndefined();
  });

  it('keys activities without ids by their time and users', () => {
    const follow = JSON.stringify({
      for_user_id: '1',
      follow_events: [{ type: 'follow', created_timestamp: '1517588749178', source: { id: '2' }, target: { id: '1' } }],
    });
    expect(x.identify(signedRequest(follow, {}))).toEqual({ kind: 'event', eventId: '1:follow_events:follow:1517588749178:2:1', eventType: 'follow_events' });
    expect(malformed(() => x.identify(signedRequest('{"for_user_id":"1"}', {})))).toMatch(/_events/);
  });
});
