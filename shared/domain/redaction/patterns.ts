/**
 * Pieces of detector patterns and small character tests shared by the detector modules.
 */

/** Case-insensitive literal as character classes (the combined pattern has no `i` flag). */
export function anyCase(word: string): string {
  return word.replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`);
}

/** Digits, letters and `_`: a candidate must not continue a longer word. */
export const NOT_AFTER_WORD = '(?<![A-Za-z0-9_])';
export const NOT_BEFORE_WORD = '(?![A-Za-z0-9_])';
/** Numbers must not be a fragment of a longer number, decimal or identifier. */
export const NUMBER_START = '(?<![A-Za-z0-9_.+-])';
export const NUMBER_END = '(?![A-Za-z0-9_]|[.-]\\d)';
/**
 * Numbers printed in groups (`2341 2341 2346`, `046 454 286`) must not be a run of groups cut
 * out of a longer grouped number (a card's `4111 1111 1111 1111`).
 */
export const GROUPED_START = '(?<![A-Za-z0-9_.+-]|\\d[ .-])';
export const GROUPED_END = '(?![A-Za-z0-9_]|[ .-]\\d)';
/** Token characters of API keys (base64url). */
export const KEY_START = '(?<![A-Za-z0-9_-])';
export const KEY_END = '(?![A-Za-z0-9_-])';
/** An identifier made of letters and digits ends here. */
export const ALNUM_END = '(?![A-Za-z0-9])';

export function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

export function isUpper(code: number): boolean {
  return code >= 65 && code <= 90;
}

export function isAlnum(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

export function hasDigitAndLetter(value: string): boolean {
  return /\d/.test(value) && /[A-Za-z]/.test(value);
}
