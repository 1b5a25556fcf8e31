/**
 * The contract every inbound provider module implements: verify the signature over the raw
 * bytes, then identify the event (its id, the dedupe key, and its type).
 */

/** An inbound request as the provider sent it. */
export interface SignedRequest {
  /** The raw body, byte for byte as received (API Gateway's base64 already decoded). */
  readonly body: Buffer;
  /** Header names lower-cased. A header sent several times is joined with `, `. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /**
   * The public URL the provider called: scheme, host, path and query, exactly as the provider
   * sees it (Twilio and Square sign it).
   */
  readonly url: string;
}

export interface VerifyContext {
  /**
   * Every secret currently valid for the source (rotation on our side); a match with any one
   * is accepted. Never empty: an empty list is refused before a provider is called.
   */
  readonly secrets: readonly string[];
  /** Current time in Unix seconds (injected, so tests can pin the clock). */
  readonly nowSeconds: number;
  /** Replay window for signed timestamps, applied in both directions. */
  readonly toleranceSeconds: number;
}

/** A synchronous answer a provider requires instead of an acknowledgement (Slack's url_verification). */
export interface HandshakeResponse {
  readonly statusCode: number;
  readonly contentType: string;
  readonly body: string;
}

/** What an authentic request is. */
export type Identified =
  | { readonly kind: 'event'; readonly eventId: string; readonly eventType: string }
  | { readonly kind: 'handshake'; readonly response: HandshakeResponse };

export interface Provider {
  /**
   * Throws `SignatureError` unless the request carries a valid signature made with one of
   * `context.secrets`. Must not throw anything else, whatever the input.
   */
  verify(request: SignedRequest, context: VerifyContext): void;
  /**
   * Called only after `verify` succeeded. Returns the provider's own event id and type, or a
   * handshake to answer. Throws `MalformedEventError` when an authentic request carries no id.
   */
  identify(request: SignedRequest): Identified;
}
