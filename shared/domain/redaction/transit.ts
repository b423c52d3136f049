/**
 * Values in transit encodings: `email=jane%40example.com` in a query string, a PEM key or a
 * phone number after a literal `\n` in a JSON-escaped string, `jane\u0040example.com`, a request
 * serialized as a string inside another JSON document (escaped twice). When a text holds such
 * escapes, the scan runs on its decoded view (up to three levels: `\\\"` → `\"` → `"`), and what
 * is found there is replaced in the text itself: each decoded character remembers where it came
 * from, so a value's span covers its escapes whole and the output stays validly encoded.
 */
import type { Span } from './detectors';
import type { BuiltinScanner, ScanOutcome } from './scanner';

/** A decoded text and, for each of its characters, where it starts in the original (plus the original length). */
interface DecodedView {
  text: string;
  starts: Int32Array;
}

/** Whether a transit escape starts at `at` (a `%` or `\\` there). */
export function isEscapeAt(text: string, at: number): boolean {
  if (text[at] === '%') return hexAt(text, at + 1, 2) >= 0;
  const next = text[at + 1];
  return next !== undefined && (next in SIMPLE_ESCAPES || (next === 'u' && hexAt(text, at + 2, 4) >= 0));
}

/** Whether a text has an escape: native searches for `%` and `\\`, as most texts have neither. */
function hasEscape(text: string): boolean {
  for (let at = text.indexOf('%'); at >= 0; at = text.indexOf('%', at + 1)) {
    if (isEscapeAt(text, at)) return true;
  }
  for (let at = text.indexOf('\\'); at >= 0; at = text.indexOf('\\', at + 2)) {
    if (isEscapeAt(text, at)) return true;
  }
  return false;
}

const LEVELS = 3;

/** JSON escapes that stand for one character. */
const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  '"': '"',
  '/': '/',
  '\\': '\\',
};

function hexAt(text: string, at: number, digits: number): number {
  let value = 0;
  for (let k = 0; k < digits; k++) {
    const code = text.charCodeAt(at + k);
    const digit =
      code >= 48 && code <= 57
        ? code - 48
        : code >= 65 && code <= 70
          ? code - 55
          : code >= 97 && code <= 102
            ? code - 87
            : -1;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

/**
 * One level of decoding: JSON string escapes and percent-encoded ASCII (`%40`; bytes of non-ASCII
 * characters are left encoded: no detector looks for them).
 */
function decodeOnce(text: string): DecodedView {
  let out = '';
  const starts = new Int32Array(text.length + 1);
  let count = 0;
  let runStart = 0;
  let i = 0;
  const flush = (to: number) => {
    out += text.slice(runStart, to);
    for (let k = runStart; k < to; k++) starts[count++] = k;
  };
  while (i < text.length) {
    const char = text[i]!;
    let decoded: string | undefined;
    let width = 0;
    if (char === '\\') {
      const next = text[i + 1];
      if (next !== undefined && next in SIMPLE_ESCAPES) {
        decoded = SIMPLE_ESCAPES[next];
        width = 2;
      } else if (next === 'u') {
        const code = hexAt(text, i + 2, 4);
        if (code >= 0) {
          decoded = String.fromCharCode(code);
          width = 6;
        }
      }
    } else if (char === '%') {
      const code = hexAt(text, i + 1, 2);
      if (code >= 0 && code < 0x80) {
        decoded = String.fromCharCode(code);
        width = 3;
      }
    }
    if (decoded === undefined) {
      i++;
      continue;
    }
    flush(i);
    out += decoded;
    starts[count++] = i;
    i += width;
    runStart = i;
  }
  flush(text.length);
  starts[count++] = text.length;
  return { text: out, starts: starts.subarray(0, count) };
}

/**
 * The decoded view of a text with escapes, or `null` when it has none.
 *
 * @example
 * decodeTransit('email=jane%40example.com')?.text; // 'email=jane@example.com'
 */
export function decodeTransit(text: string): DecodedView | null {
  return hasEscape(text) ? decodeOnceOrMore(text) : null;
}

function decodeOnceOrMore(text: string): DecodedView {
  let view = decodeOnce(text);
  for (let level = 1; level < LEVELS && hasEscape(view.text); level++) {
    const inner = decodeOnce(view.text);
    view = { text: inner.text, starts: inner.starts.map((at) => view.starts[at]!) };
  }
  return view;
}

function mapSpan<T extends Span>(span: T, starts: Int32Array): T {
  return { ...span, start: starts[span.start]!, end: starts[span.end]! };
}

/**
 * Scans a text through its decoded view when it has transit escapes; spans are in the text's own
 * coordinates.
 */
export function scanDecoded(scanner: BuiltinScanner, text: string, fieldName?: string): ScanOutcome {
  // The scanner notices escapes in its one pass (it stops at the first), so texts without any cost nothing more.
  const plain = scanner.scan(text, fieldName);
  if (!plain.escaped) return plain;
  const view = decodeOnceOrMore(text);
  const outcome = scanner.scan(view.text, fieldName, true);
  return {
    detections: outcome.detections.map((detection) => mapSpan(detection, view.starts)),
    placeholders: outcome.placeholders.map((placeholder) => mapSpan(placeholder, view.starts)),
  };
}
