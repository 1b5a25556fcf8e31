/**
 * DynamoDB's size limits, as AWS documents them, and an item's size counted the way DynamoDB
 * counts it. The stores' key layouts embed caller-supplied text (a provider's event id, a path
 * segment), so a value within our own length caps can still be refused by DynamoDB; checking
 * before the write turns what would be a permanent `ValidationException` (answered as a retryable
 * failure) into a 400 that names the field.
 *
 * - Key values (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html,
 *   "Partition keys and sort keys"): a partition key value is 1 to 2048 bytes, a sort key value
 *   1 to 1024 bytes. A secondary index's key attributes are held to the same limits.
 * - Items (same page, "Items"): at most 400 KB (409,600 bytes), attribute names and values.
 * - Sizes (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
 *   a string counts its UTF-8 bytes, a binary its raw bytes, a number about one byte per two
 *   significant digits plus one, a Boolean or null one byte; a map or list 3 bytes plus one byte
 *   per element; every attribute adds its name's UTF-8 bytes.
 */

export const DYNAMODB_LIMITS = {
  partitionKeyBytes: 2048,
  sortKeyBytes: 1024,
  itemBytes: 400 * 1024,
} as const;

/** The UTF-8 byte length of `text` (the unit of every DynamoDB size). */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** True when `value` may be a partition key value (1 to 2048 UTF-8 bytes). */
export function fitsPartitionKey(value: string): boolean {
  const bytes = utf8Bytes(value);
  return bytes >= 1 && bytes <= DYNAMODB_LIMITS.partitionKeyBytes;
}

/** True when `value` may be a sort key value (1 to 1024 UTF-8 bytes). */
export function fitsSortKey(value: string): boolean {
  const bytes = utf8Bytes(value);
  return bytes >= 1 && bytes <= DYNAMODB_LIMITS.sortKeyBytes;
}

/** The size DynamoDB counts for one attribute value (without its name). */
export function attributeValueBytes(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return utf8Bytes(value);
  if (typeof value === 'number' || typeof value === 'bigint') {
    const digits = String(value)
      .replace(/[^0-9]/g, '')
      .replace(/^0+|0+$/g, '').length;
    return Math.ceil(Math.max(digits, 1) / 2) + 1;
  }
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) return 3 + value.reduce<number>((sum, element) => sum + 1 + attributeValueBytes(element), 0);
  if (typeof value === 'object') {
    return 3 + Object.entries(value).reduce((sum, [name, element]) => sum + 1 + utf8Bytes(name) + attributeValueBytes(element), 0);
  }
  return utf8Bytes(String(value));
}

/** The size DynamoDB counts for an item: each attribute's name and value. */
export function itemBytes(item: Readonly<Record<string, unknown>>): number {
  let total = 0;
  for (const [name, value] of Object.entries(item)) if (value !== undefined) total += utf8Bytes(name) + attributeValueBytes(value);
  return total;
}

/**
 * True when a store call failed because DynamoDB refused the request as invalid (a key or item
 * over its limits): retrying the same request can never succeed, so it must not be answered
 * as a retryable failure. Throttling and service faults are not this.
 */
export function isPermanentRefusal(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'ValidationException';
}
