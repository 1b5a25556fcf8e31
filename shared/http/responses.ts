/**
 * The one place where errors become HTTP responses. Every error body is
 * `{"error":{"code":"…","message":"…"}}`.
 */
import {
  ConflictError,
  DependencyError,
  EventInFlightError,
  ForbiddenError,
  GatewayError,
  MalformedEventError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  SignatureError,
  UnauthorizedError,
  ValidationError,
} from '../errors';

/** The structured result shape of API Gateway HTTP API (payload v2) and of the local gateway. */
export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded?: boolean;
}

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' } as const;

export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

export function errorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

const STATUS_BY_ERROR: ReadonlyArray<[new (...args: never[]) => GatewayError, number]> = [
  [ValidationError, 400],
  [MalformedEventError, 400],
  [SignatureError, 401],
  [UnauthorizedError, 401],
  [ForbiddenError, 403],
  [NotFoundError, 404],
  [MethodNotAllowedError, 405],
  [ConflictError, 409],
  [PayloadTooLargeError, 413],
  [DependencyError, 503],
  [EventInFlightError, 503],
];

/** HTTP status for an error; anything that is not a `GatewayError` is a 500. */
export function statusFor(error: unknown): number {
  for (const [type, status] of STATUS_BY_ERROR) if (error instanceof type) return status;
  return 500;
}

/**
 * Maps any thrown value to the JSON error response. Unknown errors become a 500 whose
 * message reveals nothing of the internals.
 */
export function errorResponse(error: unknown): HttpResponse {
  const statusCode = statusFor(error);
  if (error instanceof GatewayError) {
    const headers: Record<string, string> = statusCode === 503 ? { 'retry-after': '5' } : {};
    return jsonResponse(statusCode, errorBody(error.code, error.message), headers);
  }
  return jsonResponse(500, errorBody('internal_error', 'internal error'));
}
