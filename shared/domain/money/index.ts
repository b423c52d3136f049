/**
 * Money is integer nano-USD (1e-9 USD) in storage and arithmetic; decimals only at the edges.
 *
 * A price "per million tokens" times a token count gives nano-USD exactly when the price is
 * written with at most 3 decimals ($/1M × tokens × 1e9 / 1e6 = $/1M × tokens × 1e3). Prices
 * with more decimals are kept exact by working in pico-USD per token and rounding half-up
 * once per usage type.
 */

export const NANOS_PER_USD = 1_000_000_000;

/**
 * Parses a decimal USD amount given as a string or number into integer nano-USD, exactly.
 *
 * @example
 * usdToNanos('2.50'); // 2_500_000_000
 */
export function usdToNanos(usd: string | number): number {
  const text = typeof usd === 'number' ? numberToPlainString(usd) : usd.trim();
  const match = /^(-?)(\d+)(?:\.(\d{1,9}))?$/.exec(text);
  if (!match) throw new RangeError(`not a USD amount with at most 9 decimals: ${JSON.stringify(text)}`);
  const [, sign, whole, fraction = ''] = match;
  const nanos = Number(whole) * NANOS_PER_USD + Number(fraction.padEnd(9, '0'));
  if (!Number.isSafeInteger(nanos)) throw new RangeError(`USD amount out of range: ${text}`);
  return sign === '-' ? -nanos : nanos;
}

/**
 * Formats integer nano-USD as a decimal string with 9 decimals, without floating point.
 *
 * @example
 * nanosToUsdString(1_234_500); // '0.001234500'
 */
export function nanosToUsdString(nanos: number): string {
  if (!Number.isSafeInteger(nanos)) throw new RangeError(`nano-USD must be a safe integer: ${nanos}`);
  const sign = nanos < 0 ? '-' : '';
  const abs = Math.abs(nanos);
  const whole = Math.floor(abs / NANOS_PER_USD);
  const fraction = String(abs % NANOS_PER_USD).padStart(9, '0');
  return `${sign}${whole}.${fraction}`;
}

/**
 * Converts integer nano-USD to a JSON number for API answers. Exact for any amount below
 * about 9 million USD (15 significant digits), which covers one interaction or one day.
 *
 * @example
 * nanosToUsd(1_234_500); // 0.0012345
 */
export function nanosToUsd(nanos: number): number {
  return Number(nanosToUsdString(nanos));
}

function numberToPlainString(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite amount: ${value}`);
  // toFixed avoids exponent notation; 12 digits then trimmed keeps 9 significant decimals.
  return value
    .toFixed(12)
    .replace(/0{1,3}$/, '')
    .replace(/(\.\d{9})\d*$/, '$1');
}

export { decimalToNanos, NANOS_PER_CENT } from './decimal';
