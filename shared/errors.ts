/**
 * Typed errors of the domain. Modules in `shared/` throw these; exactly one place,
 * `shared/http/responses.ts`, maps them to HTTP status codes and the JSON error body.
 * A `code` is stable and machine-readable; a `message` is for humans and never carries a
 * secret, a signature or a payload.
 */
export abstract class GatewayError extends Error {
  abstract readonly code: string;
}

/** The request is malformed or fails validation. */
export class ValidationError extends GatewayError {
  override readonly name: string = 'ValidationError';
  constructor(
    message: string,
    readonly code: string = 'invalid_request',
  ) {
    super(message);
  }
}

/** An authentic request whose content cannot be understood (no event id, not JSON where JSON is required). */
export class MalformedEventError extends GatewayError {
  override readonly name: string = 'MalformedEventError';
  readonly code = 'malformed_event';
}

/** A named thing does not exist. */
export class NotFoundError extends GatewayError {
  override readonly name: string = 'NotFoundError';
  constructor(
    message: string,
    readonly code: string = 'not_found',
  ) {
    super(message);
  }
}

/** The route exists but not for this method. */
export class MethodNotAllowedError extends GatewayError {
  override readonly name: string = 'MethodNotAllowedError';
  readonly code = 'method_not_allowed';
}

/** The body is larger than the configured maximum. */
export class PayloadTooLargeError extends GatewayError {
  override readonly name: string = 'PayloadTooLargeError';
  readonly code = 'payload_too_large';
}

/** Why a signature was refused. Logged and counted; never sent to the caller. */
export type SignatureFailureReason =
  | 'missing_signature'
  | 'malformed_signature'
  | 'missing_timestamp'
  | 'timestamp_out_of_tolerance'
  | 'no_secret'
  | 'mismatch';

/** The request's signature (or token) did not verify. The response says no more than that. */
export class SignatureError extends GatewayError {
  override readonly name: string = 'SignatureError';
  readonly code = 'signature_invalid';
  constructor(readonly reason: SignatureFailureReason) {
    super('signature verification failed');
  }
}

/** The request carries no valid credential of ours (a portal token missing, malformed, forged or expired). */
export class UnauthorizedError extends GatewayError {
  override readonly name: string = 'UnauthorizedError';
  constructor(
    message: string,
    readonly code: string = 'unauthorized',
  ) {
    super(message);
  }
}

/** The caller may not do this: its address is not in the source's allow-list, or the resource is not its own. */
export class ForbiddenError extends GatewayError {
  override readonly name: string = 'ForbiddenError';
  readonly code = 'forbidden';
}

/** The request conflicts with the current state of a resource. */
export class ConflictError extends GatewayError {
  override readonly name: string = 'ConflictError';
  constructor(
    message: string,
    readonly code: string = 'conflict',
  ) {
    super(message);
  }
}

/**
 * A dependency (queue, table, bucket) failed. The caller should retry: for an inbound webhook
 * the provider's own retry is what makes the event durable.
 */
export class DependencyError extends GatewayError {
  override readonly name: string = 'DependencyError';
  readonly code = 'temporarily_unavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A repeated delivery of an event another request is accepting at this moment: the caller
 * should retry shortly (a 503), since that other request may still fail.
 */
export class EventInFlightError extends GatewayError {
  override readonly name: string = 'EventInFlightError';
  readonly code = 'event_in_flight';
}
