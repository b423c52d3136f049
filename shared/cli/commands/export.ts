/**
 * `tokentrail export`: every interaction of a time range or a session, page after page of
 * `GET /v1/interactions`, as NDJSON (one interaction per line, as the API answers it) or CSV
 * (the columns of `shared/cli/csv.ts`), on the local stack or a deployed one (`--stack <name>`).
 * The list API answers summaries: redacted metadata, tokens, cost and counts, never payloads.
 *
 * @example
 * npm run -s tokentrail -- export --from 2026-11-01 --to 2026-11-30 --format csv --out november.csv
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { resolveApiKey } from '../api-key';
import { CSV_COLUMNS, csvRecord, csvRow } from '../csv';
import { type ApiErrorBody, describeError, fetchJson, RetriesExhaustedError } from '../http';
import { type CliIo, parseCommandOptions } from '../io';
import { resolveTarget } from '../target';

const USAGE = `usage: tokentrail export [--from D] [--to D] [--session S] [--model M] [--status S]
                         [--format ndjson|csv] [--out file] [--key K] [--stack S]

Writes interactions to standard output (or --out), every page of GET /v1/interactions:
NDJSON (default), one interaction per line as the API answers it, or CSV (RFC 4180) with
the columns
  ${CSV_COLUMNS.join(',')}
(USD as the API's decimals, empty when not priced; redactions: the count of all types;
tags: the tag object as JSON; text the application chose that starts with = + - or @ gets a
leading ' so a spreadsheet shows it instead of running it — NDJSON keeps values exactly).
D is a UTC day (YYYY-MM-DD; --to includes that day) or an ISO timestamp with an offset (--to
excludes it). Without --from or --session: the last 24 hours.
Key: --key, else TOKENTRAIL_API_KEY, else the local stack's development key.
Exit status: 0 when everything was written, 1 when the API refused or failed, 2 on bad usage.
`;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
/** The list API's largest page. */
const PAGE_SIZE = 100;

/**
 * Turns `--from`/`--to` into the API's ISO timestamps: a day starts at 00:00 UTC, and a day
 * given as `--to` ends at the next day's start, because the API's range is half-open.
 *
 * @example
 * rangeBound('2026-11-30', 'to'); // '2026-12-01T00:00:00.000Z'
 * rangeBound('2026-11-30T12:00:00Z', 'to'); // '2026-11-30T12:00:00Z'
 * rangeBound('yesterday', 'from'); // undefined
 */
export function rangeBound(value: string, bound: 'from' | 'to'): string | undefined {
  if (DAY.test(value)) {
    const start = Date.parse(`${value}T00:00:00Z`);
    // Date.parse rolls 2026-02-30 over to March: a real day prints back as itself.
    if (Number.isNaN(start) || new Date(start).toISOString().slice(0, 10) !== value) return undefined;
    return new Date(start + (bound === 'to' ? 86_400_000 : 0)).toISOString();
  }
  return TIMESTAMP.test(value) && !Number.isNaN(Date.parse(value)) ? value : undefined;
}

/**
 * Runs `tokentrail export`; answers the exit status.
 *
 * @example
 * const code = await run(['--session', 'demo', '--format', 'csv'], processIo());
 */
export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandOptions('export', USAGE, io, () => parseOptions(args));
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const from = values.from === undefined ? undefined : rangeBound(values.from, 'from');
  const to = values.to === undefined ? undefined : rangeBound(values.to, 'to');
  if (
    positionals.length > 0 ||
    !['ndjson', 'csv'].includes(values.format) ||
    (values.from !== undefined && !from) ||
    (values.to !== undefined && !to)
  ) {
    io.stderr(USAGE);
    return 2;
  }
  if (from && to && Date.parse(from) >= Date.parse(to)) {
    io.stderr('export: --from must be before --to\n');
    return 2;
  }
  const target = await resolveTarget(values.stack, io.env);
  let key: string;
  try {
    key = resolveApiKey(values.key, target, io.env);
  } catch (error) {
    io.stderr(`export: ${(error as Error).message}\n`);
    return 2;
  }
  let fd: number | undefined;
  if (values.out) {
    try {
      // Exports hold redacted data, yet are nobody else's business: owner-only, like .tokentrail.
      fd = openSync(values.out, 'w', 0o600);
    } catch (error) {
      io.stderr(`export: cannot write ${values.out}: ${(error as NodeJS.ErrnoException).code ?? 'error'}\n`);
      return 2;
    }
  }
  const write = (text: string) => (fd === undefined ? io.stdout(text) : writeSync(fd, text));

  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (from) query.set('from', from);
  if (to) query.set('to', to);
  if (values.session) query.set('sessionId', values.session);
  if (values.model) query.set('model', values.model);
  if (values.status) query.set('status', values.status);
  const csv = values.format === 'csv';
  let count = 0;
  let pages = 0;
  let lastProgress = Date.now();
  try {
    if (csv) write(csvRow(CSV_COLUMNS));
    let cursor: string | undefined;
    do {
      const page = new URLSearchParams(query);
      if (cursor) page.set('cursor', cursor);
      const answer = await fetchJson(
        `${target.url}/v1/interactions?${page}`,
        { headers: { authorization: `Bearer ${key}`, 'user-agent': 'tokentrail-cli' } },
        {
          onRetry: (reason, delay, next, attempts) =>
            io.stderr(`export: ${reason}, try ${next}/${attempts} in ${(delay / 1000).toFixed(1)} s\n`),
        },
      );
      if (answer.status !== 200) {
        const issues = (answer.body as ApiErrorBody | undefined)?.error?.issues ?? [];
        io.stderr(
          `export: ${describeError(answer)}${issues.map((issue) => `\n  ${issue.path}: ${issue.message}`).join('')}\n`,
        );
        return 1;
      }
      const body = answer.body as { interactions: Record<string, unknown>[]; nextCursor?: string | null };
      write(
        body.interactions
          .map((item) => (csv ? csvRow(csvRecord(item)) : `${JSON.stringify(item)}\n`))
          .join(''),
      );
      count += body.interactions.length;
      pages += 1;
      cursor = body.nextCursor ?? undefined;
      if (cursor && Date.now() - lastProgress >= 1000) {
        lastProgress = Date.now();
        io.stderr(`export: ${count} interaction(s) so far…\n`);
      }
    } while (cursor);
  } catch (error) {
    if (!(error instanceof RetriesExhaustedError)) throw error;
    io.stderr(`export: ${error.message}; ${count} interaction(s) were written before\n`);
    return 1;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  io.stderr(
    `export: ${count} interaction(s) in ${pages} page(s)${values.out ? ` written to ${values.out}` : ''}\n`,
  );
  return 0;
}

function parseOptions(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      session: { type: 'string' },
      model: { type: 'string' },
      status: { type: 'string' },
      format: { type: 'string', default: 'ndjson' },
      out: { type: 'string' },
      key: { type: 'string' },
      stack: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
