/**
 * The contract every inbound provider module implements: verify the signature over the raw
 * bytes, then identify the event (its id, the dedupe key, and its type). Providers whose setup
 * starts with an unsigned handshake (a GET challenge, a validation token, a secret handed over
 * in a header) answer it in `handshake`, before any signature is checked.
 */

/** An inbound request as the provider sent it. */
export interface SignedRequest {
  /** The raw body, byte for byte as received (API Gateway's base64 already decoded). */
  readonly body: Buffer;
  /** Header names lower-cased. A header sent several times is joined with `, `. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /**
   * The public URL the provider called: scheme, host, path and query, exactly as the provider
   * sees it (Twilio, Square and HubSpot sign it; handshakes read their query).
   */
  readonly url: string;
  /** The HTTP method, upper-case; `POST` when absent. */
  readonly method?: string;
}

export interface VerifyContext {
  /**
   * Every secret currently valid for the source (rotation on our side); a match with any one
   * is accepted. For public-key providers these are the provider's public keys. Never empty:
   * an empty list is refused before a provider is called.
   */
  readonly secrets: readonly string[];
  /** Current time in Unix seconds (injected, so tests can pin the clock). */
  readonly nowSeconds: number;
  /** Replay window for signed timestamps, applied in both directions. */
  readonly toleranceSeconds: number;
}

/**
 * Where a secret handed over in a handshake is kept (Asana's `X-Hook-Secret`). Durable: a
 * secret lost is a webhook that can never be verified again.
 */
export interface HandshakeSecretStore {
  /** The secrets established for a source by earlier handshakes; empty when none. */
  secretsFor(sourceName: string): Promise<string[]>;
  /**
   * Keeps `secret` as the source's handshake secret unless another one is kept already:
   * `established` (first handshake), `unchanged` (the same secret again), `conflict` (another).
   */
  establish(sourceName: string, secret: string, at: Date): Promise<'established' | 'unchanged' | 'conflict'>;
}

export interface HandshakeContext extends Omit<VerifyContext, 'secrets'> {
  /** The source's configured secrets (possibly none: an unsigned handshake may come first). */
  readonly secrets: readonly string[];
  readonly sourceName: string;
  /** The store for secrets handed over in a handshake; absent where none is wired. */
  readonly handshakeSecrets?: HandshakeSecretStore;
  readonly now: Date;
}

/** A synchronous answer a provider requires instead of the usual acknowledgement. */
export interface HandshakeResponse {
  readonly statusCode: number;
  readonly contentType?: string;
  readonly body: string;
  /** Extra response headers (Asana's echoed `X-Hook-Secret`), names lower-case. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** What an authentic request is. */
export type Identified =
  | {
      readonly kind: 'event';
      readonly eventId: string;
      readonly eventType: string;
      /**
       * The answer the provider requires once the event is accepted, instead of the gateway's
       * JSON acknowledgement (Discord's deferred interaction response, Adyen's `[accepted]`).
       */
      readonly acknowledgement?: HandshakeResponse;
    }
  | { readonly kind: 'handshake'; readonly response: HandshakeResponse };

export interface Provider {
  /**
   * Throws `SignatureError` unless the request carries a valid signature made with one of
   * `context.secrets`. Must not throw anything else, whatever the input.
   */
  verify(request: SignedRequest, context: VerifyContext): void;
  /**
   * Called only after `verify` succeeded, with the same context (which a handshake answered
   * with a secret needs: Zoom's). Returns the provider's own event id and type, or a handshake
   * to answer. Throws `MalformedEventError` when an authentic request carries no id.
   */
  identify(request: SignedRequest, context?: VerifyContext): Identified;
  /**
   * Answers a request the provider sends unsigned before (or besides) its signed events: a GET
   * challenge, a validation token, a secret handed over. Called before verification; returns
   * `undefined` for anything else, which is then verified as usual. Never stores or queues.
   */
  handshake?(request: SignedRequest, context: HandshakeContext): HandshakeResponse | undefined | Promise<HandshakeResponse | undefined>;
  /** True when the provider answers `GET /webhooks/{source}` (a challenge); others get 405. */
  readonly answersGet?: boolean;
  /** True when the secrets kept by `handshake` verify the provider's events too (Asana). */
  readonly verifiesWithHandshakeSecrets?: boolean;
}
