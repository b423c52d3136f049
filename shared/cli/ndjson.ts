/**
 * NDJSON input of `tokentrail send`: one interaction per line. Pure helpers, so the line rules
 * (blank lines, unreadable lines, deterministic ids) are tested without a stack.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** What one line of an NDJSON file is. */
export type NdjsonLine =
  | { kind: 'blank'; line: number }
  /** Not a JSON value; `message` names the column, never the text (it may be payload). */
  | { kind: 'unreadable'; line: number; message: string }
  /** JSON to send as it is, with `id` set when the line had none. */
  | { kind: 'item'; line: number; id: string | undefined; json: string };

/**
 * The id `send` gives a line without one: a hash of its line number and its text. Sending the
 * same file again (after an interruption, or with lines appended) gives every line the id it
 * had, so the ledger, which stores each id once, stores nothing twice; two identical lines still
 * get two ids. Lines inserted in the middle shift the numbers, and so the ids, of those after them.
 *
 * @example
 * deterministicId('{"provider":"openai","model":"gpt-4o"}', 3); // 'ndjson-5c0f…' (32 hex digits)
 */
export function deterministicId(text: string, line: number): string {
  const digest = createHash('sha256').update(`${line}\n${text.trim()}`).digest('hex');
  return `ndjson-${digest.slice(0, 32)}`;
}

/**
 * Reads one line. An object without an `id` gets {@link deterministicId}, inserted textually
 * so the rest of the line (big integers, key order) reaches the API exactly as written.
 * Anything else that is JSON is passed on for the API to judge.
 *
 * @example
 * parseNdjsonLine('{"id":"a","provider":"openai","model":"m"}', 1); // { kind: 'item', line: 1, id: 'a', json: '{"id":"a",…}' }
 * parseNdjsonLine('   ', 2); // { kind: 'blank', line: 2 }
 * parseNdjsonLine('{oops', 3); // { kind: 'unreadable', line: 3, message: 'not valid JSON (column 2)' }
 */
export function parseNdjsonLine(raw: string, line: number): NdjsonLine {
  // A UTF-8 byte order mark may start a file; JSON.parse would reject it.
  const text = (line === 1 ? raw.replace(/^\uFEFF/, '') : raw).trim();
  if (text === '') return { kind: 'blank', line };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // Node's message quotes the text around the error: keep only where it is.
    const position = error instanceof SyntaxError ? /position (\d+)/.exec(error.message)?.[1] : undefined;
    const where = position === undefined ? '' : ` (column ${Number(position) + 1})`;
    return { kind: 'unreadable', line, message: `not valid JSON${where}` };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return { kind: 'item', line, id: undefined, json: text };
  }
  if (Object.hasOwn(value, 'id')) {
    const id = (value as { id: unknown }).id;
    return { kind: 'item', line, id: typeof id === 'string' ? id : undefined, json: text };
  }
  const id = deterministicId(text, line);
  const rest = text.slice(1).trimStart();
  const json = rest.startsWith('}') ? `{"id":${JSON.stringify(id)}}` : `{"id":${JSON.stringify(id)},${rest}`;
  return { kind: 'item', line, id, json };
}

/**
 * The lines of a file (streamed, so a large file is never held whole) or of a string (stdin),
 * numbered from 1. A trailing `\r` is dropped.
 *
 * @example
 * for await (const { text, line } of readLines({ file: 'calls.ndjson' })) console.log(line, text.length);
 */
export async function* readLines(
  source: { file: string } | { text: string },
): AsyncGenerator<{ text: string; line: number }> {
  let line = 0;
  if ('text' in source) {
    const lines = source.text.split('\n');
    // A final newline ends the last line; it does not start another.
    if (lines[lines.length - 1] === '') lines.pop();
    for (const text of lines) yield { text: text.replace(/\r$/, ''), line: ++line };
    return;
  }
  const input = createReadStream(source.file, { encoding: 'utf8' });
  const reader = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const text of reader) yield { text, line: ++line };
  } finally {
    reader.close();
    input.destroy();
  }
}
