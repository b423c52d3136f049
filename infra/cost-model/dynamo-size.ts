/**
 * DynamoDB item size as DynamoDB bills it, from the rules in the developer guide
 * ("Item sizes and formats"): attribute names count as UTF-8 bytes; strings as UTF-8 bytes;
 * numbers about one byte per two significant digits plus one; binary as its length; booleans
 * and nulls one byte; lists and maps three bytes plus one byte per element, plus their contents.
 * Undefined values are dropped before writing (`removeUndefinedValues`), so they count nothing.
 */

/**
 * Billed size in bytes of one attribute value.
 *
 * @example
 * valueBytes('abc'); // 3
 * valueBytes(12345); // 4 (3 bytes for 5 significant digits + 1)
 */
export function valueBytes(value: unknown): number {
  if (value === undefined) return 0;
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number') {
    const digits = String(Math.abs(value))
      .replace(/e.*$/, '')
      .replace('.', '')
      .replace(/^0+/, '')
      .replace(/0+$/, '');
    return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
  }
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) {
    const present = value.filter((element) => element !== undefined);
    return 3 + present.length + present.reduce((sum: number, element) => sum + valueBytes(element), 0);
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return (
      3 +
      entries.length +
      entries.reduce((sum, [name, v]) => sum + Buffer.byteLength(name) + valueBytes(v), 0)
    );
  }
  return Buffer.byteLength(String(value));
}

/**
 * Billed size in bytes of an item (top-level attributes: name + value each).
 *
 * @example
 * itemBytes({ pk: 'INT#p#1', sk: 'INT' }); // 2 + 7 + 2 + 3 = 14
 */
export function itemBytes(item: Record<string, unknown>): number {
  return Object.entries(item)
    .filter(([, value]) => value !== undefined)
    .reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueBytes(value), 0);
}

/**
 * Write request units (on-demand) or write capacity units (provisioned) one write of an item of
 * this size consumes: one per started kilobyte.
 *
 * @example
 * writeUnits(1024); // 1
 * writeUnits(1025); // 2
 */
export function writeUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 1024));
}
