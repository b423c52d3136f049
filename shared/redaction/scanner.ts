/**
 * One pass over a text with every enabled built-in detector. A single search for the detectors'
 * triggers (`@`, `:`, `=`, the first digit of a number, `sk-`, `eyJ`, …) finds the few positions
 * where a value can start; there the detectors' patterns, joined into one sticky regular
 * expression (one capturing group each), are tried at once. A candidate that its detector's
 * check rejects is retried against the later detectors at the same position, then the search
 * moves on by one character.
 */
import {
  BUILTIN_DETECTORS,
  type BuiltinDetector,
  type BuiltinDetectorType,
  type CheckContext,
  PLACEHOLDER_SOURCE,
  type Span,
  type Trigger,
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
  const { groups, findTrigger } = compileTriggers(detectors);
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
    // Not re-entrant (nothing inside a scan calls back into it), so compiled patterns are reused.
    let cursor = 0;
    let at = findTrigger(text, 0);
    while (at.position >= 0) {
      const position = at.position;
      const { members, combined } = groups[at.group]!;
      combined.lastIndex = position;
      const match = combined.exec(text);
      if (match === null) {
        at = findTrigger(text, position + 1);
        continue;
      }
      if (members.length === 0) {
        // The placeholder group: keep it, and let nothing else start inside it.
        placeholders.push({ start: position, end: position + match[0].length });
        cursor = position + match[0].length;
        at = findTrigger(text, cursor);
        continue;
      }
      let member = 0;
      while (match[member + 1] === undefined) member++;
      let index = members[member]!;
      let span = clampToCursor(
        accept(index, text, position, position + match[0].length, cursor),
        position,
        cursor,
      );
      for (let next = member + 1; span === null && next < members.length; next++) {
        const alternative = sticky[members[next]!]!;
        alternative.lastIndex = position;
        const retry = alternative.exec(text);
        if (retry !== null) {
          index = members[next]!;
          span = clampToCursor(
            accept(index, text, position, position + retry[0].length, cursor),
            position,
            cursor,
          );
        }
      }
      if (span !== null && span.end > span.start) {
        const type =
          detectors[index]!.type === 'SECRET'
            ? (specificTypeOf(text, span) ?? 'SECRET')
            : detectors[index]!.type;
        detections.push({ type, start: span.start, end: span.end });
        cursor = span.end;
        at = findTrigger(text, Math.max(span.end, position + 1));
      } else {
        at = findTrigger(text, position + 1);
      }
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

/** Detectors that share a trigger, and their patterns joined into one sticky expression. */
interface TriggerGroup {
  /** Indexes into the detector list, in priority order; empty for the placeholder group. */
  members: number[];
  combined: RegExp;
}

interface TriggerEntry {
  /** Literal to compare (lower case when `anyCase`), unless `numberStart`. */
  literal: string;
  anyCase: boolean;
  numberStart: boolean;
  group: number;
}

/** Found trigger: a position (−1 when none is left) and the group to try there. */
interface TriggerHit {
  position: number;
  group: number;
}

const NONE: TriggerHit = { position: -1, group: -1 };

function triggerKey(trigger: Trigger): string {
  if (typeof trigger === 'string') return `=${trigger}`;
  return 'anyCase' in trigger ? `~${trigger.anyCase.toLowerCase()}` : '#number';
}

function isDigitCode(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isUpperCode(code: number): boolean {
  return code >= 65 && code <= 90;
}

/** Characters a number may contain in the first 32 characters of any numeric detector. */
function isNumberCode(code: number): boolean {
  return (
    isDigitCode(code) ||
    code === 32 ||
    code === 46 ||
    code === 45 ||
    code === 40 ||
    code === 41 ||
    code === 43 ||
    code === 47
  );
}

function numberStartsAt(text: string, i: number): boolean {
  if (i > 0 && isDigitCode(text.charCodeAt(i - 1))) return false;
  // IBAN check digits follow two capital letters and may be followed by letters.
  if (i >= 2 && isUpperCode(text.charCodeAt(i - 1)) && isUpperCode(text.charCodeAt(i - 2))) return true;
  let digits = 0;
  const limit = Math.min(text.length, i + 32);
  for (let j = i; j < limit; j++) {
    const code = text.charCodeAt(j);
    if (!isNumberCode(code)) break;
    if (isDigitCode(code) && ++digits >= 4) return true;
  }
  return false;
}

function literalAt(text: string, i: number, entry: TriggerEntry): boolean {
  if (!entry.anyCase) return text.startsWith(entry.literal, i);
  const literal = entry.literal;
  if (i + literal.length > text.length) return false;
  for (let k = 0; k < literal.length; k++) {
    if ((text.charCodeAt(i + k) | 0x20) !== literal.charCodeAt(k)) return false;
  }
  return true;
}

/**
 * Groups detectors by trigger and builds the trigger search: a table from the first character
 * (ASCII) to the triggers starting with it, checked by hand. This is several times faster than
 * a regular expression alternation over plain text, where almost no position is a trigger.
 */
function compileTriggers(detectors: readonly BuiltinDetector[]): {
  groups: TriggerGroup[];
  findTrigger: (text: string, from: number) => TriggerHit;
} {
  const groups: TriggerGroup[] = [{ members: [], combined: new RegExp(`(${PLACEHOLDER_SOURCE})`, 'y') }];
  const keys: string[] = ['=['];
  const entries: TriggerEntry[] = [{ literal: '[', anyCase: false, numberStart: false, group: 0 }];
  detectors.forEach((detector, index) => {
    for (const trigger of detector.triggers) {
      const key = triggerKey(trigger);
      let group = keys.indexOf(key);
      if (group < 0) {
        group = keys.push(key) - 1;
        groups.push({ members: [], combined: /$^/y });
        entries.push({
          literal:
            typeof trigger === 'string' ? trigger : 'anyCase' in trigger ? trigger.anyCase.toLowerCase() : '',
          anyCase: typeof trigger !== 'string' && 'anyCase' in trigger,
          numberStart: typeof trigger !== 'string' && 'numberStart' in trigger,
          group,
        });
      }
      groups[group]!.members.push(index);
    }
  });
  for (const group of groups.slice(1)) {
    group.combined = new RegExp(group.members.map((index) => `(${detectors[index]!.source})`).join('|'), 'y');
  }

  // Two-level prefilter: most characters are rejected by the first table, most of the rest by
  // the (first, second) character pair table, before any trigger is compared.
  const table: TriggerEntry[][] = Array.from({ length: 128 }, () => []);
  const firstChars = new Uint8Array(128);
  const pairs = new Uint8Array(128 * 128);
  const allow = (first: number, second?: number) => {
    firstChars[first] = 1;
    if (second === undefined) pairs.fill(1, first << 7, (first + 1) << 7);
    else pairs[(first << 7) | second] = 1;
  };
  for (const entry of entries) {
    if (entry.numberStart) {
      for (let code = 48; code <= 57; code++) {
        table[code]!.push(entry);
        allow(code);
      }
      continue;
    }
    const literal = entry.literal;
    const firsts = entry.anyCase ? [literal[0]!, literal[0]!.toUpperCase()] : [literal[0]!];
    const seconds =
      literal.length < 2 ? [] : entry.anyCase ? [literal[1]!, literal[1]!.toUpperCase()] : [literal[1]!];
    for (const first of new Set(firsts)) {
      table[first.charCodeAt(0)]!.push(entry);
      if (seconds.length === 0) allow(first.charCodeAt(0));
      for (const second of seconds) allow(first.charCodeAt(0), second.charCodeAt(0));
    }
  }

  const findTrigger = (text: string, from: number): TriggerHit => {
    const length = text.length;
    for (let i = from; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 128 || firstChars[code] === 0) continue;
      const next = i + 1 < length ? text.charCodeAt(i + 1) & 127 : 0;
      if (pairs[(code << 7) | next] === 0) continue;
      for (const entry of table[code]!) {
        if (entry.numberStart ? numberStartsAt(text, i) : literalAt(text, i, entry)) {
          return { position: i, group: entry.group };
        }
      }
    }
    return NONE;
  };
  return { groups, findTrigger };
}
