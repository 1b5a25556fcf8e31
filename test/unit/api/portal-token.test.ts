import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UnauthorizedError } from '../../../shared/errors';
import { MAX_PORTAL_TOKEN_SECONDS, portalKeys, signPortalToken, verifyPortalToken } from '../../../shared/api/portal-token';

const key = 'k'.repeat(40);
const other = 'o'.repeat(40);
const now = new Date('2026-11-23T06:00:00.000Z');
const inAnHour = new Date(now.getTime() + 3600_000);

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(UnauthorizedError);
    return (error as UnauthorizedError).code;
  }
}

/** A token for arbitrary claims, MACed as the gateway would (for claims it would never issue). */
function forge(claims: unknown, macKey = key): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `v1.${payload}.${createHmac('sha256', macKey).update(`v1.${payload}`).digest('base64url')}`;
}

describe('portal tokens', () => {
  it('names the tenant and expiry they were made for', () => {
    const token = signPortalToken([key], 'acme', inAnHour);
    expect(verifyPortalToken([key], token, now)).toEqual({ tenantId: 'acme', expiresAt: inAnHour });
  });

  it('is refused once expired, or when made with another key', () => {
    const token = signPortalToken([key], 'acme', inAnHour);
    expect(code(() => verifyPortalToken([key], token, new Date(inAnHour.getTime() + 1000)))).toBe('portal_token_expired');
    expect(code(() => verifyPortalToken([other], token, now))).toBe('portal_token_invalid');
  });

  it('verifies with a previous key during a rotation and signs with the current one', () => {
    const old = signPortalToken([other], 'acme', inAnHour);
    expect(verifyPortalToken([key, other], old, now).tenantId).toBe('acme');
    const fresh = signPortalToken([key, other], 'acme', inAnHour);
    expect(code(() => verifyPortalToken([other], fresh, now))).toBe('portal_token_invalid');
  });

  it('is refused when any part is changed: another tenant or expiry cannot be written in', () => {
    const token = signPortalToken([key], 'acme', inAnHour);
    const [prefix, , mac] = token.split('.');
    const otherPayload = Buffer.from(JSON.stringify({ t: 'globex', e: Math.floor(inAnHour.getTime() / 1000) })).toString('base64url');
    expect(code(() => verifyPortalToken([key], `${prefix}.${otherPayload}.${mac}`, now))).toBe('portal_token_invalid');
    expect(code(() => verifyPortalToken([key], `${token.slice(0, -2)}AA`, now))).toBe('portal_token_invalid');
    expect(code(() => verifyPortalToken([key], undefined, now))).toBe('portal_token_missing');
  });

  it('refuses a genuine MAC over claims lasting longer than 24 hours, or of the wrong shape', () => {
    const tooLong = Math.floor(now.getTime() / 1000) + MAX_PORTAL_TOKEN_SECONDS + 3600;
    expect(code(() => verifyPortalToken([key], forge({ t: 'acme', e: tooLong }), now))).toBe('portal_token_invalid');
    expect(code(() => verifyPortalToken([key], forge({ t: 7, e: tooLong }), now))).toBe('portal_token_invalid');
    expect(code(() => verifyPortalToken([key], forge(['acme']), now))).toBe('portal_token_invalid');
  });

  it('answers any string with an UnauthorizedError, never another exception', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        expect(code(() => verifyPortalToken([key], text, now))).toMatch(/^portal_token_/);
      }),
    );
  });

  it('needs keys of at least 32 characters', () => {
    expect(portalKeys(`${key}, ${other}`)).toEqual([key, other]);
    expect(() => portalKeys('short')).toThrow(/32 characters/);
    expect(() => portalKeys('')).toThrow(/no portal signing key/);
  });
});
