/**
 * Checking what a caller sent against a zod schema. The first problem becomes a
 * `ValidationError` (a 400) that names where it is: `limit: Too big…`, or the whole (`body`,
 * `query`) when the problem has no path.
 */
import type * as z from 'zod';
import { ValidationError } from '../errors';

/**
 * The parsed value, or a `ValidationError` for its first issue.
 *
 * @example
 * const { limit } = validated(listQuery, request.query, 'query');
 */
export function validated<T>(schema: z.ZodType<T>, value: unknown, whole: 'body' | 'query'): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : whole;
  throw new ValidationError(`${where}: ${issue?.message ?? 'invalid'}`);
}
