import fc from 'fast-check';
import { nanosToUsd, nanosToUsdString, usdToNanos } from '../../../shared/domain/money';

describe('money', () => {
  it.each([
    ['2.50', 2_500_000_000],
    ['0.075', 75_000_000],
    ['0.000000001', 1],
    ['-1.5', -1_500_000_000],
    [0.15, 150_000_000],
  ])('usdToNanos(%p) = %p', (usd, nanos) => {
    expect(usdToNanos(usd)).toBe(nanos);
  });

  it('rejects amounts with more than 9 decimals', () => {
    expect(() => usdToNanos('0.0000000001')).toThrow(RangeError);
  });

  it('round-trips through the decimal string exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e15, max: 1e15 }), (nanos) => {
        expect(usdToNanos(nanosToUsdString(nanos))).toBe(nanos);
      }),
    );
  });

  it('formats for the API edge', () => {
    expect(nanosToUsdString(1_234_500)).toBe('0.001234500');
    expect(nanosToUsd(1_234_500)).toBe(0.0012345);
  });
});
