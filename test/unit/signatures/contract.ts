/**
 * The checks every provider scheme must pass, in one place: a request signed by the provider's
 * library (or its documented algorithm, computed in the test file with `node:crypto`, never with
 * our code) is accepted, and, where the provider ships a verifier, that verifier accepts the same
 * request; one byte changed, another key, and (where a timestamp is signed) a stale or future
 * timestamp are refused; either key of a rotation is accepted; no key is `no_secret`.
 */
import { describe, expect, it } from 'vitest';
import type { Identified, Provider, SignedRequest } from '../../../shared/signatures/types';
import { nowSeconds, outcome, verifyContext } from './support';

export interface KeyPair<K> {
  /** What the source holds: the shared secret, or the provider's public key. */
  readonly verifyWith: string;
  /** What the provider signs with: the same secret, or the private key. */
  readonly signWith: K;
}

export interface Scheme<K = string> {
  readonly provider: Provider;
  readonly key: KeyPair<K>;
  readonly otherKey: KeyPair<K>;
  /** A request as the provider sends it, signed at `timestamp` (Unix seconds). */
  sign(key: K, timestamp: number): SignedRequest | Promise<SignedRequest>;
  /** Whether a timestamp is signed (and so refused outside the tolerance). */
  readonly timestamped: boolean;
  /** The provider's own verifier, where it ships one: true when it accepts the request. */
  readonly libraryAccepts?: (request: SignedRequest, verifyWith: string) => boolean | Promise<boolean>;
  /** The request with one signed byte changed (default: a byte in the middle of the body). */
  readonly tamper?: (request: SignedRequest) => SignedRequest;
  /** What `identify` must return for the request `sign` makes. */
  readonly identity: (request: SignedRequest) => Identified;
}

/** The same request with one byte of the body changed. */
export function bodyByteChanged(request: SignedRequest, index = Math.floor(request.body.length / 2)): SignedRequest {
  const body = Buffer.from(request.body);
  body[index] = (body[index] ?? 0) ^ 0x01;
  return { ...request, body };
}

/** The same request with one character of a string value in the body changed (`from` → `to`). */
export function bodyTextChanged(request: SignedRequest, from: string, to: string): SignedRequest {
  const text = request.body.toString('utf8');
  if (!text.includes(from)) throw new Error(`body has no ${from}`);
  return { ...request, body: Buffer.from(text.replace(from, to)) };
}

export function provesScheme<K>(name: string, scheme: Scheme<K>): void {
  const { provider, key, otherKey } = scheme;
  const tamper = scheme.tamper ?? ((request: SignedRequest) => bodyByteChanged(request));

  describe(`${name}: the provider's own signature contract`, () => {
    it('accepts a request signed as the provider signs it', async () => {
      const request = await scheme.sign(key.signWith, nowSeconds());
      expect(outcome(provider, request, verifyContext([key.verifyWith]))).toBe('accepted');
    });

    if (scheme.libraryAccepts) {
      it("is checked against the provider's own verifier: it accepts the request and refuses it with one byte changed", async () => {
        const request = await scheme.sign(key.signWith, nowSeconds());
        expect(await scheme.libraryAccepts!(request, key.verifyWith)).toBe(true);
        expect(await scheme.libraryAccepts!(tamper(request), key.verifyWith)).toBe(false);
        expect(await scheme.libraryAccepts!(request, otherKey.verifyWith)).toBe(false);
      });
    }

    it('refuses the same request with one signed byte changed', async () => {
      const request = await scheme.sign(key.signWith, nowSeconds());
      expect(outcome(provider, tamper(request), verifyContext([key.verifyWith]))).toBe('mismatch');
    });

    it('refuses a request signed with another key', async () => {
      const request = await scheme.sign(otherKey.signWith, nowSeconds());
      expect(outcome(provider, request, verifyContext([key.verifyWith]))).toBe('mismatch');
    });

    it('accepts either key of a rotation', async () => {
      const context = verifyContext([otherKey.verifyWith, key.verifyWith]);
      expect(outcome(provider, await scheme.sign(key.signWith, nowSeconds()), context)).toBe('accepted');
      expect(outcome(provider, await scheme.sign(otherKey.signWith, nowSeconds()), context)).toBe('accepted');
    });

    if (scheme.timestamped) {
      it('refuses stale and future timestamps, accepting the edges of the window', async () => {
        const now = nowSeconds();
        const context = verifyContext([key.verifyWith], now, 300);
        expect(outcome(provider, await scheme.sign(key.signWith, now - 301), context)).toBe('timestamp_out_of_tolerance');
        expect(outcome(provider, await scheme.sign(key.signWith, now + 301), context)).toBe('timestamp_out_of_tolerance');
        expect(outcome(provider, await scheme.sign(key.signWith, now - 300), context)).toBe('accepted');
        expect(outcome(provider, await scheme.sign(key.signWith, now + 300), context)).toBe('accepted');
      });
    }

    it('refuses when the source has no key', async () => {
      expect(outcome(provider, await scheme.sign(key.signWith, nowSeconds()), verifyContext([]))).toBe('no_secret');
    });

    it("identifies the event by the provider's own id and type", async () => {
      const request = await scheme.sign(key.signWith, nowSeconds());
      const context = verifyContext([key.verifyWith]);
      expect(provider.identify(request, context)).toEqual(scheme.identity(request));
    });
  });
}
