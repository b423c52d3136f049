/**
 * One pass over a text with every enabled built-in detector: the detectors' patterns are joined
 * into a single regular expression (one capturing group each), so a text is scanned once whatever
 * the number of detectors. A candidate that its detector's check rejects is retried against the
 * later detectors at the same position, then the scan moves on by one character.
 */
import {
  BUILTIN_DETECTORS,
  type BuiltinDetector,
  type BuiltinDetectorType,
  type CheckContext,
  PLACEHOLDER_SOURCE,
  type Span,
} from './detectors';

/** One value to replace: its type and where it is. */
export interface Detection extends Span {
  type: string;
}

/** What a scan found: values to replace, and existing placeholders (kept, and off-limits to custom rules). */
export interface ScanOutcome {
  detections: Detection[];
  placeholders: Span[];
}

/** A compiled scanner for one set of enabled detectors. */
export interface BuiltinScanner {
  scan(text: string): ScanOutcome;
}

const scanners = new Map<string, BuiltinScanner>();

/**
 * Returns the scanner for the detectors not in `disabled` (compiled once per distinct set).
 *
 * @example
 * const { detections } = builtinScanner([]).scan('ada@example.com');
 * // [{ type: 'EMAIL', start: 0, end: 15 }]
 */
export function builtinScanner(
  disabled: readonly BuiltinDetectorType[],
  context: CheckContext = {},
): BuiltinScanner {
  const detectors = BUILTIN_DETECTORS.filter((detector) => !disabled.includes(detector.type));
  if (context.secretKeys?.size) return compileScanner(detectors, context);
  const key = detectors.map((detector) => detector.type).join(',');
  let scanner = scanners.get(key);
  if (!scanner) {
    scanner = compileScanner(detectors, context);
    scanners.set(key, scanner);
  }
  return scanner;
}

function compileScanner(detectors: readonly BuiltinDetector[], context: CheckContext): BuiltinScanner {
  const combined = new RegExp(
    [`(${PLACEHOLDER_SOURCE})`, ...detectors.map((detector) => `(${detector.source})`)].join('|'),
    'g',
  );
  const sticky = detectors.map((detector) => new RegExp(detector.source, 'y'));

  const accept = (index: number, text: string, start: number, end: number, floor: number): Span | null => {
    const check = detectors[index]!.check;
    return check ? check(text, start, end, context, floor) : { start, end };
  };

  /**
   * `OPENAI_API_KEY=sk-…`: the value of a secret-named key is reported as its own type when a
   * specific detector recognises exactly the whole value.
   */
  const specificTypeOf = (text: string, value: Span): string | undefined => {
    for (let i = 0; i < detectors.length; i++) {
      if (detectors[i]!.type === 'SECRET') continue;
      const alternative = sticky[i]!;
      alternative.lastIndex = value.start;
      const match = alternative.exec(text);
      if (match === null) continue;
      const span = accept(i, text, value.start, value.start + match[0].length, value.start);
      if (span?.start === value.start && span.end === value.end) return detectors[i]!.type;
    }
    return undefined;
  };

  const scan = (text: string): ScanOutcome => {
    const detections: Detection[] = [];
    const placeholders: Span[] = [];
    // Not re-entrant (nothing inside a scan calls back into it), so one compiled pattern is reused.
    const pattern = combined;
    pattern.lastIndex = 0;
    let cursor = 0;
    let match: RegExpExecArray | null = pattern.exec(text);
    while (match !== null) {
      const at = match.index;
      let group = 1;
      while (match[group] === undefined) group++;
      if (group === 1) {
        placeholders.push({ start: at, end: at + match[0].length });
        cursor = at + match[0].length;
      } else {
        let index = group - 2;
        let span = clampToCursor(accept(index, text, at, at + match[0].length, cursor), at, cursor);
        for (let next = index + 1; span === null && next < detectors.length; next++) {
          const alternative = sticky[next]!;
          alternative.lastIndex = at;
          const retry = alternative.exec(text);
          if (retry !== null) {
            span = clampToCursor(accept(next, text, at, at + retry[0].length, cursor), at, cursor);
            index = next;
          }
        }
        if (span !== null && span.end > span.start) {
          const type =
            detectors[index]!.type === 'SECRET'
              ? (specificTypeOf(text, span) ?? 'SECRET')
              : detectors[index]!.type;
          detections.push({ type, start: span.start, end: span.end });
          cursor = span.end;
          pattern.lastIndex = Math.max(span.end, at + 1);
        } else {
          pattern.lastIndex = at + 1;
        }
      }
      match = pattern.exec(text);
    }
    return { detections, placeholders };
  };

  return { scan };
}

/**
 * A span that a check extended backwards (an e-mail's local part) must not reach into the previous
 * detection: it starts where that one ended, or is dropped when nothing of it would be left.
 */
function clampToCursor(span: Span | null, at: number, cursor: number): Span | null {
  if (span === null || span.start >= cursor) return span;
  return cursor < at ? { start: cursor, end: span.end } : null;
}
