import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { mailgun } from '../../../shared/signatures/mailgun';
import { provesScheme } from './contract';
import { nowSeconds, outcome, signedRequest, verifyContext } from './support';

const key = 'key-3ax6xnjp29jd6fds4gc373sgvjxteol0';
const otherKey = 'key-00000000000000000000000000000000';
const token = 'e0b5477167110d68991efc6b9f89f0a11066af27834600e123';

/** Mailgun's documented algorithm (no official verifier): hex HMAC-SHA256 of `<timestamp><token>`. */
function sign(signingKey: string, ts: number) {
  const timestamp = String(ts);
  return signedRequest(
    JSON.stringify({
      signature: {
        token,
        timestamp,
        signature: createHmac('sha256', signingKey)
          .update(timestamp + token)
          .digest('hex'),
      },
      'event-data': { id: 'CPgfbmQMTCKtHW6uIWtuVe', event: 'delivered', recipient: 'alice@example.com' },
    }),
    {},
  );
}

provesScheme('mailgun', {
  provider: mailgun,
  key: { verifyWith: key, signWith: key },
  otherKey: { verifyWith: otherKey, signWith: otherKey },
  sign,
  timestamped: true,
  // What Mailgun signs is the token and timestamp: change one byte of the token.
  tamper: (request) => ({ ...request, body: Buffer.from(request.body.toString().replace(token, `f${token.slice(1)}`)) }),
  identity: () => ({ kind: 'event', eventId: 'CPgfbmQMTCKtHW6uIWtuVe', eventType: 'delivered' }),
});

describe('mailgun specifics', () => {
  it('does not cover event-data with the signature (as Mailgun documents; the README says so)', () => {
    const request = sign(key, nowSeconds());
    const changed = signedRequest(request.body.toString().replace('alice@example.com', 'mallory@example.com'), {});
    expect(outcome(mailgun, changed, verifyContext([key]))).toBe('accepted');
  });

  it('names a body without a signature block', () => {
    expect(outcome(mailgun, signedRequest('{"event-data":{"id":"x"}}', {}), verifyContext([key]))).toBe('missing_signature');
    expect(outcome(mailgun, signedRequest('not json', {}), verifyContext([key]))).toBe('missing_signature');
  });
});
