/** Opaque pagination cursors: DynamoDB's LastEvaluatedKey, base64url-encoded JSON. */
import { ValidationError } from '../errors';
import { isObject } from '../json';

export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string): Record<string, unknown> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (isObject(key)) return key;
  } catch {
    // fall through
  }
  throw new ValidationError('cursor is not one this API returned', 'invalid_cursor');
}
