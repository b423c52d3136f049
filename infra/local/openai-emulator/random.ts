/** Seeded randomness, so ids, shuffles and fault picks repeat from run to run. */

/** A mulberry32 generator: fast, 32-bit state, good enough for test data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A stable value in [0, 1) for a string, mixed with a seed (FNV-1a). */
export function hashToUnit(seed: number, text: string): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash / 4_294_967_296;
}

/** Fisher–Yates shuffle of a copy. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const HEX = '0123456789abcdef';

/** An id in OpenAI's styles: `file-` + base62, `batch_` + hex, … */
export function randomId(
  random: () => number,
  prefix: string,
  length: number,
  alphabet: 'base62' | 'hex',
): string {
  const chars = alphabet === 'hex' ? HEX : BASE62;
  let id = prefix;
  for (let index = 0; index < length; index += 1) id += chars[Math.floor(random() * chars.length)];
  return id;
}
