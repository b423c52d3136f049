/**
 * CSV output of `tokentrail export`: a fixed column set (RFC 4180: comma separated, CRLF line
 * ends, fields with a comma, quote or line break in double quotes, quotes doubled).
 * Money is copied from the API's decimal numbers as text, never computed.
 */

/** The columns, in order; README's CLI section documents them. */
export const CSV_COLUMNS = [
  'id',
  'timestamp',
  'project',
  'provider',
  'model',
  'status',
  'sessionId',
  'inputTokens',
  'outputTokens',
  'cachedInputTokens',
  'cacheWriteInputTokens',
  'reasoningTokens',
  'totalUsd',
  'inputUsd',
  'cachedInputUsd',
  'cacheWriteUsd',
  'outputUsd',
  'reasoningUsd',
  'priced',
  'latencyMs',
  'payloadStore',
  'redactions',
  'tags',
] as const;

/**
 * One field, quoted when it must be.
 *
 * @example
 * csvField('gpt-4o'); // 'gpt-4o'
 * csvField('a,"b"'); // '"a,""b"""'
 */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * Client-supplied text made inert for spreadsheets: a cell starting with `=`, `+`, `-`, `@`, a
 * tab or a carriage return would be read as a formula, so it gets a leading `'` (OWASP's advice
 * for CSV injection). NDJSON export keeps values exactly.
 *
 * @example
 * spreadsheetSafe('=HYPERLINK("http://x")'); // "'=HYPERLINK(\"http://x\")"
 * spreadsheetSafe('gpt-4o'); // 'gpt-4o'
 */
export function spreadsheetSafe(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/**
 * One record, CRLF-terminated.
 *
 * @example
 * csvRow(['id', 'model']); // 'id,model\r\n'
 */
export function csvRow(values: readonly string[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/**
 * A decimal amount as plain text. A JSON number prints as the API wrote it, except that
 * JavaScript writes small ones with an exponent (`1e-7`); the digits are then moved by text, so
 * no floating-point arithmetic ever touches money. Strings pass through; absent is empty.
 *
 * @example
 * plainDecimal(0.00355); // '0.00355'
 * plainDecimal(1.5e-8); // '0.000000015'
 * plainDecimal(undefined); // ''
 */
export function plainDecimal(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = String(value);
  const match = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/i.exec(text);
  if (!match) return text;
  const [, sign, whole, fraction = '', exponent] = match;
  const digits = `${whole}${fraction}`;
  const point = whole!.length + Number(exponent);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** The fields of `GET /v1/interactions` items that the CSV reads. */
interface ApiInteraction {
  id?: string;
  timestamp?: string;
  project?: string;
  provider?: string;
  model?: string;
  status?: string;
  sessionId?: string;
  latencyMs?: number;
  payloadStore?: string;
  tags?: Record<string, string>;
  tokens?: {
    input?: number;
    output?: number;
    cachedInput?: number;
    cacheWriteInput?: number;
    reasoning?: number;
  } | null;
  cost?: {
    priced?: boolean;
    totalUsd?: number | string;
    inputUsd?: number | string;
    cachedInputUsd?: number | string;
    cacheWriteUsd?: number | string;
    outputUsd?: number | string;
    reasoningUsd?: number | string;
  };
  redactions?: Record<string, number>;
}

/**
 * The CSV record of one interaction as the API answers it, in {@link CSV_COLUMNS} order.
 * Money cells are empty when the interaction is not priced: an unknown price is not $0.
 * `redactions` is the total count over all types; `tags` is the tag object as JSON. Text the
 * application chose is {@link spreadsheetSafe}.
 *
 * @example
 * csvRecord({ id: 'a', model: 'gpt-4o', cost: { priced: true, totalUsd: 0.00355 } }); // ['a', '', '', '', 'gpt-4o', …]
 */
export function csvRecord(item: ApiInteraction): string[] {
  const text = (value: unknown) => (value === undefined || value === null ? '' : String(value));
  // What applications send (ids, names, tags) is untrusted in a spreadsheet; our own values are not.
  const clientText = (value: unknown) => spreadsheetSafe(text(value));
  const tokens = item.tokens ?? undefined;
  const cost = item.cost ?? {};
  const money = (value: unknown) => (cost.priced === false ? '' : plainDecimal(value));
  const redactions = Object.values(item.redactions ?? {}).reduce((sum, n) => sum + n, 0);
  const record: Record<(typeof CSV_COLUMNS)[number], string> = {
    id: clientText(item.id),
    timestamp: text(item.timestamp),
    project: clientText(item.project),
    provider: clientText(item.provider),
    model: clientText(item.model),
    status: text(item.status),
    sessionId: clientText(item.sessionId),
    inputTokens: text(tokens?.input),
    outputTokens: text(tokens?.output),
    cachedInputTokens: text(tokens?.cachedInput),
    cacheWriteInputTokens: text(tokens?.cacheWriteInput),
    reasoningTokens: text(tokens?.reasoning),
    totalUsd: money(cost.totalUsd),
    inputUsd: money(cost.inputUsd),
    cachedInputUsd: money(cost.cachedInputUsd),
    cacheWriteUsd: money(cost.cacheWriteUsd),
    outputUsd: money(cost.outputUsd),
    reasoningUsd: money(cost.reasoningUsd),
    priced: text(cost.priced),
    latencyMs: plainDecimal(item.latencyMs),
    payloadStore: text(item.payloadStore),
    redactions: String(redactions),
    tags: item.tags && Object.keys(item.tags).length > 0 ? JSON.stringify(item.tags) : '',
  };
  return CSV_COLUMNS.map((column) => record[column]);
}
