/** Shared test helpers for the provider modules: requests, contexts and refusal reasons. */
import { MalformedEventError, SignatureError, type SignatureFailureReason } from '../../../shared/errors';
import type { Identified, Provider, SignedRequest, VerifyContext } from '../../../shared/signatures/types';

export const HOOK_URL = 'https://hooks.example.com/webhooks/source';

/** Whole Unix seconds now: the official libraries check timestamps against the real clock. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export function signedRequest(body: string | Buffer, headers: Record<string, string | undefined>, url = HOOK_URL): SignedRequest {
  return { body: Buffer.isBuffer(body) ? body : Buffer.from(body), headers, url };
}

export function verifyContext(secrets: readonly string[], now = nowSeconds(), toleranceSeconds = 300): VerifyContext {
  return { secrets, nowSeconds: now, toleranceSeconds };
}

/** `'accepted'`, or the reason of the `SignatureError`; anything else thrown fails the test. */
export function outcome(provider: Provider, request: SignedRequest, context: VerifyContext): 'accepted' | SignatureFailureReason {
  try {
    provider.verify(request, context);
    return 'accepted';
  } catch (error) {
    if (error instanceof SignatureError) return error.reason;
    throw error;
  }
}

/** The same request with one byte of the body changed. */
export function withOneByteChanged(request: SignedRequest, index = Math.floor(request.body.length / 2)): SignedRequest {
  const body = Buffer.from(request.body);
  body[index] = (body[index] ?? 0) ^ 0x01;
  return { ...request, body };
}

export function withHeaders(request: SignedRequest, headers: Record<string, string | undefined>): SignedRequest {
  return { ...request, headers: { ...request.headers, ...headers } };
}

/** The message of the `MalformedEventError` thrown by `identify`; anything else fails the test. */
export function malformed(run: () => Identified): string {
  try {
    run();
  } catch (error) {
    if (error instanceof MalformedEventError) return error.message;
    throw error;
  }
  throw new Error('identify did not refuse the request');
}
