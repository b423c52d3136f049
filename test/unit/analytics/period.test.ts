import {
  addDays,
  assertDate,
  assertMonth,
  InvalidDateError,
  InvalidTimestampError,
  monthOf,
  periodOf,
  trailingDays,
  weekdayOf,
} from '../../../shared/domain/analytics';

describe('periodOf', () => {
  it.each([
    ['2026-11-21T10:15:00Z', 'day', '2026-11-21'],
    ['2026-11-21T10:15:00.123456Z', 'hour', '2026-11-21T10'],
    ['2026-11-21T23:30:00+02:00', 'day', '2026-11-21'],
    ['2026-11-21T23:30:00-02:00', 'day', '2026-11-22'],
    ['2026-11-21T23:30:00-02:00', 'hour', '2026-11-22T01'],
    ['2026-12-31T23:59:59.999Z', 'hour', '2026-12-31T23'],
    ['2028-02-29T00:00Z', 'day', '2028-02-29'],
  ] as const)('periodOf(%s, %s) = %s', (timestamp, granularity, period) => {
    expect(periodOf(timestamp, granularity)).toBe(period);
  });

  it.each([
    '2026-11-21T10:15:00', // no zone: would depend on the machine's time zone
    '2026-11-21',
    '2026-02-30T10:00:00Z', // Date.parse would roll it over to March 2
    '2026-11-21T24:00:00Z',
    '2026-11-21T10:60:00Z',
    'yesterday',
    '',
  ])('rejects %p', (timestamp) => {
    expect(() => periodOf(timestamp, 'day')).toThrow(InvalidTimestampError);
  });
});

describe('calendar helpers', () => {
  it('adds days across months, years and leap days', () => {
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-11-21', 0)).toBe('2026-11-21');
  });

  it('knows the UTC weekday', () => {
    expect(weekdayOf('2026-11-21')).toBe(6);
    expect(weekdayOf('2026-11-23')).toBe(1);
  });

  it('lists the trailing window oldest first, without the day itself', () => {
    expect(trailingDays('2026-03-02', 3)).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
    expect(trailingDays('2026-11-21', 28)).toHaveLength(28);
  });

  it('gives the UTC month of timestamps and dates', () => {
    expect(monthOf('2026-11-30T23:59:59Z')).toBe('2026-11');
    expect(monthOf('2026-11-30T23:00:00-02:00')).toBe('2026-12');
    expect(monthOf('2026-11-30')).toBe('2026-11');
  });

  it('validates dates and months', () => {
    expect(assertDate('2028-02-29')).toBe('2028-02-29');
    expect(() => assertDate('2026-02-29')).toThrow(InvalidDateError);
    expect(() => assertDate('2026-1-01')).toThrow(InvalidDateError);
    expect(assertMonth('2026-11')).toBe('2026-11');
    expect(() => assertMonth('2026-13')).toThrow(InvalidDateError);
  });
});
