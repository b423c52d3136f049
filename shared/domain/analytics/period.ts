/**
 * Calendar helpers for rollups, anomalies and budgets. Everything is UTC: a period is the UTC
 * day (`YYYY-MM-DD`) or UTC hour (`YYYY-MM-DDTHH`) an interaction's timestamp falls in.
 */
import { InvalidDateError, InvalidTimestampError } from './errors';

export type Granularity = 'day' | 'hour';

const MS_PER_DAY = 86_400_000;
// A date and time with a mandatory zone; a zone-less time would be read as machine-local time.
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-](\d{2}):(\d{2}))$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;

function utcIso(timestamp: string): string {
  const match = TIMESTAMP.exec(timestamp);
  // Date.parse rolls impossible fields over (Feb 30 becomes Mar 2), so fields are checked first.
  if (!match || !isDate(match[1]!)) throw new InvalidTimestampError(timestamp);
  const [hour, minute, second = '0', offsetHour = '0', offsetMinute = '0'] = match.slice(2);
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59)
    throw new InvalidTimestampError(timestamp);
  if (Number(offsetHour) > 23 || Number(offsetMinute) > 59) throw new InvalidTimestampError(timestamp);
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms)) throw new InvalidTimestampError(timestamp);
  return new Date(ms).toISOString();
}

function isDate(date: string): boolean {
  const match = DATE.exec(date);
  if (!match) return false;
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number(match[1]) >= 1000 && new Date(ms).toISOString().slice(0, 10) === date;
}

/**
 * The UTC period a timestamp belongs to: `YYYY-MM-DD` for `day`, `YYYY-MM-DDTHH` for `hour`.
 * Timestamps must carry a zone (`Z` or an offset); offsets are converted to UTC.
 *
 * @example
 * periodOf('2026-11-21T23:30:00+02:00', 'day'); // '2026-11-21'
 * periodOf('2026-11-21T23:30:00-02:00', 'hour'); // '2026-11-22T01'
 */
export function periodOf(timestamp: string, granularity: Granularity): string {
  const iso = utcIso(timestamp);
  return granularity === 'day' ? iso.slice(0, 10) : iso.slice(0, 13);
}

/**
 * The UTC month (`YYYY-MM`) of a timestamp or a `YYYY-MM-DD` date, as budgets use it.
 *
 * @example
 * monthOf('2026-11-30T23:59:59Z'); // '2026-11'
 */
export function monthOf(timestampOrDate: string): string {
  if (DATE.test(timestampOrDate)) return assertDate(timestampOrDate).slice(0, 7);
  return utcIso(timestampOrDate).slice(0, 7);
}

/**
 * Returns the date unchanged when it is a real calendar date in `YYYY-MM-DD` form.
 *
 * @example
 * assertDate('2026-02-28'); // '2026-02-28'
 * assertDate('2026-02-30'); // throws InvalidDateError
 */
export function assertDate(date: string): string {
  if (!isDate(date)) throw new InvalidDateError(date, 'YYYY-MM-DD');
  return date;
}

/**
 * Returns the month unchanged when it is a valid `YYYY-MM`.
 *
 * @example
 * assertMonth('2026-11'); // '2026-11'
 */
export function assertMonth(month: string): string {
  const match = MONTH.exec(month);
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 12) throw new InvalidDateError(month, 'YYYY-MM');
  return month;
}

/**
 * The date `days` days after `date` (negative goes back).
 *
 * @example
 * addDays('2026-03-01', -1); // '2026-02-28'
 */
export function addDays(date: string, days: number): string {
  const ms = Date.parse(`${assertDate(date)}T00:00:00Z`) + days * MS_PER_DAY;
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Day of the week of a date, 0 = Sunday … 6 = Saturday (UTC).
 *
 * @example
 * weekdayOf('2026-11-21'); // 6 (a Saturday)
 */
export function weekdayOf(date: string): number {
  return new Date(`${assertDate(date)}T00:00:00Z`).getUTCDay();
}

/**
 * The `count` dates before `date`, oldest first: the history window anomaly detection reads.
 *
 * @example
 * trailingDays('2026-11-21', 3); // ['2026-11-18', '2026-11-19', '2026-11-20']
 */
export function trailingDays(date: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => addDays(date, index - count));
}
