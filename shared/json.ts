/** Telling a JSON object from every other value. */

/** A JSON object as parsed: string keys, any values. */
export type JsonObject = Readonly<Record<string, unknown>>;

/**
 * True for a plain object (not `null`, not an array).
 *
 * @example
 * isObject({ a: 1 }); // true
 * isObject([1]);      // false
 */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
