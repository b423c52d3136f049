/** Small, total readers for untrusted JSON: they never throw and never return NaN. */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-negative integer token count, or `undefined` when absent or malformed. */
export function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/** Like `count`, with 0 for absent or malformed values. */
export function countOr0(value: unknown): number {
  return count(value) ?? 0;
}

export function child(value: unknown, key: string): JsonObject | undefined {
  if (!isObject(value)) return undefined;
  const inner = value[key];
  return isObject(inner) ? inner : undefined;
}

/** Adds optional counts; `undefined` when every part is absent. */
export function sumPresent(...parts: (number | undefined)[]): number | undefined {
  let total: number | undefined;
  for (const part of parts) if (part !== undefined) total = (total ?? 0) + part;
  return total;
}

/** Drops `undefined` and zero-valued optional extras so records stay small. */
export function withExtras<T extends object>(base: T, extras: Record<string, number | undefined>): T {
  const result = { ...base } as Record<string, unknown>;
  for (const [key, value] of Object.entries(extras))
    if (value !== undefined && value > 0) result[key] = value;
  return result as T;
}
