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

/**
 * How deep parsed JSON may nest (objects and arrays). `JSON.parse` reads any depth, but
 * `JSON.stringify`, `structuredClone`, JSONata and the SDK's marshalling recurse and overflow the
 * stack some thousands of levels down; no webhook payload comes near this bound.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * True when `value` nests objects or arrays more than `max` levels deep. Iterative, so it never
 * overflows the stack itself; stops at the first path past `max`.
 *
 * @example
 * nestedDeeperThan(JSON.parse('[[1]]'), 1); // true
 */
export function nestedDeeperThan(value: unknown, max: number = MAX_JSON_DEPTH): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}
