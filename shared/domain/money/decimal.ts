/**
 * Provider amounts arrive as decimals: OpenAI's Costs API as a JSON number of USD, Anthropic's
 * cost report as a decimal string of cents. These convert them to integer nano-USD from their
 * decimal text, never through floating-point arithmetic.
 */

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Converts a decimal amount to integer nano-USD, exactly when it has at most 9 decimals of a
 * dollar and rounded half away from zero beyond that (a provider's sub-nano fraction).
 * `unit` says what one unit of the amount is worth: `usd` (OpenAI) or `cents` (Anthropic).
 * A JSON number is read from its shortest round-trip text (`String(0.1)` is `"0.1"`), which is
 * the decimal the provider wrote.
 *
 * @throws {RangeError} when the value is not a finite decimal or does not fit a safe integer
 * @example
 * decimalToNanos('123.45', 'cents'); // 1_234_500_000 ($1.2345)
 * decimalToNanos(0.06, 'usd'); // 60_000_000
 * decimalToNanos(1e-7, 'usd'); // 100
 */
export function decimalToNanos(value: string | number, unit: 'usd' | 'cents'): number {
  const text = typeof value === 'number' ? finiteText(value) : value.trim();
  const match = DECIMAL.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) {
    throw new RangeError(`not a decimal amount: ${JSON.stringify(text.slice(0, 40))}`);
  }
  const [, sign, whole = '', fraction = '', exponentText = '0'] = match;
  const digits = `${whole}${fraction}`.replace(/^0+(?=\d)/, '') || '0';
  // value = digits × 10^(exponent − fraction.length) units; one unit is 10^9 (usd) or 10^7 (cents) nanos.
  const shift = Number(exponentText) - fraction.length + (unit === 'usd' ? 9 : 7);
  let nanos: bigint;
  if (shift >= 0) {
    nanos = BigInt(digits) * 10n ** BigInt(shift);
  } else {
    const divisor = 10n ** BigInt(-shift);
    const quotient = BigInt(digits) / divisor;
    const remainder = BigInt(digits) % divisor;
    nanos = remainder * 2n >= divisor ? quotient + 1n : quotient;
  }
  const result = Number(sign === '-' ? -nanos : nanos);
  if (!Number.isSafeInteger(result)) throw new RangeError(`amount out of range: ${text.slice(0, 40)}`);
  return result === 0 ? 0 : result;
}

function finiteText(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite amount: ${value}`);
  return String(value);
}

/** Nano-USD per cent. */
export const NANOS_PER_CENT = 10_000_000;
