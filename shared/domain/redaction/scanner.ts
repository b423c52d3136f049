/**
 * One pass over a text with every enabled built-in detector. A single search for the detectors'
 * triggers (`@`, `:`, `=`, the first digit of a number, `sk-`, `eyJ`, …) finds the few positions
 * where a value can start; there the detectors' patterns, joined into one sticky regular
 * expression (one capturing group each), are tried at once. A candidate that its detector's
 * check rejects is retried against the later detectors at the same position, then the search
 * moves on by one character.
 */
import { Buffer } from 'node:buffer';
import {
  BUILTIN_DETECTORS,
  type BuiltinDetector,
  type BuiltinDetectorType,
  type CheckContext,
  PLACEHOLDER_SOURCE,
  type Span,
  type Trigger,
} from './detectors';
import { isEscapeAt } from './transit';

/** One value to replace: its type and where it is. */
export interface Detection extends Span {
  type: string;
}

/** What a scan found: values to replace, and existing placeholders (kept, and off-limits to custom rules). */
export interface ScanOutcome {
  detections: Detection[];
  placeholders: Span[];
  /**
   * The text has a transit escape (`%40`, `\n`, `\u0040`): the scan stopped there, and the
   * text is to be scanned through its decoded view (see `transit.ts`).
   */
  escaped?: boolean;
}

/** A compiled scanner for one set of enabled detectors. */
export interface BuiltinScanner {
  /**
   * Scans a text; `fieldName` is the JSON key it is stored under, if any (it can name an
   * identifier). Stops at the first transit escape (`escaped`) unless `decoded` says the text is
   * already a decoded view.
   */
  scan(text: string, fieldName?: string, decoded?: boolean): ScanOutcome;
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
  // The configuration's context plus the field name of the text under scan (set by each scan).
  const scanContext: CheckContext = { ...context };

  const accept = (index: number, text: string, start: number, end: number, floor: number): Span | null => {
    const check = detectors[index]!.check;
    return check ? check(text, start, end, scanContext, floor) : { start, end };
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

  const scan = (text: string, fieldName?: string, decoded = false): ScanOutcome => {
    scanContext.fieldName = fieldName === undefined ? undefined : fieldWords(fieldName);
    const detections: Detection[] = [];
    const placeholders: Span[] = [];
    // Not re-entrant (nothing inside a scan calls back into it), so compiled patterns are reused.
    const bytes = bytesOf(text);
    let cursor = 0;
    let at = findTrigger(text, bytes, 0);
    while (at.position >= 0) {
      const position = at.position;
      if (at.group === ESCAPE_GROUP) {
        if (!decoded && isEscapeAt(text, position)) return { detections, placeholders, escaped: true };
        at = findTrigger(text, bytes, position + 1);
        continue;
      }
      const group = groups[at.group]!;
      if (group.placeholder) {
        group.chunks[0]!.combined.lastIndex = position;
        const match = group.chunks[0]!.combined.exec(text);
        if (match === null) {
          at = findTrigger(text, bytes, position + 1);
          continue;
        }
        // Keep it, and let nothing else start inside it.
        placeholders.push({ start: position, end: position + match[0].length });
        cursor = position + match[0].length;
        at = findTrigger(text, bytes, cursor);
        continue;
      }
      let span: Span | null = null;
      let index = -1;
      for (let c = 0; c < group.chunks.length && (span === null || span.end <= span.start); c++) {
        const { members, combined, prefilter } = group.chunks[c]!;
        if (prefilter && !prefilter(text, position)) continue;
        combined.lastIndex = position;
        const match = combined.exec(text);
        if (match === null) continue;
        let member = 0;
        while (match[member + 1] === undefined) member++;
        index = members[member]!;
        span = clampToCursor(
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
      }
      if (span !== null && span.end > span.start) {
        const type =
          detectors[index]!.type === 'SECRET'
            ? (specificTypeOf(text, span) ?? 'SECRET')
            : detectors[index]!.type;
        detections.push({ type, start: span.start, end: span.end });
        cursor = span.end;
        at = findTrigger(text, bytes, Math.max(span.end, position + 1));
      } else {
        at = findTrigger(text, bytes, position + 1);
      }
    }
    return { detections, placeholders };
  };

  return { scan };
}

/** A JSON key as words: `taxFileNumber`, `tax_file_number` and `tax-file-number` → `tax file number`. */
function fieldWords(key: string): string {
  return key
    .slice(0, 128)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_.-]+/g, ' ');
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
  /** Indexes into the detector list, in priority order (none for the placeholder group). */
  members: number[];
  /**
   * The members' patterns joined into sticky expressions, tried in order: one per run of
   * consecutive members that share a `prefilter` (tried only where it passes), so that a
   * position costs one expression for the common detectors and a few comparisons for the rest.
   */
  chunks: { members: number[]; combined: RegExp; prefilter?: (text: string, at: number) => boolean }[];
  placeholder?: boolean;
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

/** The group of the transit-escape triggers `%` and `\`, which the scan handles itself. */
const ESCAPE_GROUP = 1;

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

/** A digit or a lower-case letter (`NaN` before the text's start is neither). */
function isWordTail(code: number): boolean {
  return isDigitCode(code) || (code >= 97 && code <= 122);
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

/**
 * Whether a number starts at the digit `i` (see `NUMBER_START_TRIGGER`): it is not preceded by a
 * digit, and its first 32 characters of `0-9 .()+/-` hold at least 9 digits (a card, an SSN, a
 * phone number) or at least 4 digits and 3 dots (a dotted quad), or it is 8 digits and a capital
 * letter (a Spanish DNI); or it is two digits after a capital letter, or after a capital letter
 * and a space or hyphen (an IBAN's check digits, the digits of a NINO, PAN, NRIC, NIE, codice
 * fiscale or CURP). Returns −1 when it does; otherwise an index `skip > i` such that no trigger is
 * found in between: no digit there starts a number, and no character there is an anchor
 * (`kinds`), so the search can resume at `skip`.
 */
function numberScan(text: string, i: number, kinds: Uint8Array): number {
  const length = text.length;
  if (i > 0 && isDigitCode(text.charCodeAt(i - 1))) {
    let end = i + 1;
    while (end < length && kinds[text.charCodeAt(end)] === NUMBER) end++; // digits, none an anchor
    return end;
  }
  if (i > 0 && isDigitCode(text.charCodeAt(i + 1))) {
    // The capitals must not follow a digit or a lower-case letter (`2024-05-01T12:30`, `gpt4`).
    const capital = text.charCodeAt(i - 1) === 32 || text.charCodeAt(i - 1) === 45 ? i - 2 : i - 1;
    if (capital >= 0 && isUpperCode(text.charCodeAt(capital)) && !isWordTail(text.charCodeAt(capital - 1)))
      return -1;
  }
  let digits = 0;
  let dots = 0;
  let anchorAt = -1;
  const limit = Math.min(length, i + 32);
  for (let j = i; j < limit; j++) {
    const code = text.charCodeAt(j);
    if (isDigitCode(code)) {
      if (++digits >= 9 || (digits >= 4 && dots >= 3)) return -1;
    } else if (code === 46) {
      dots++;
    } else if (!isNumberCode(code)) {
      if (isUpperCode(code) && endsWithDigits(text, j, 8)) return -1;
      // Every later digit of this run sees the same stop within its own 32 characters, and fewer
      // digits and dots before it (and no capital letters right before it).
      return anchorAt < 0 ? j : anchorAt;
    } else if (anchorAt < 0 && (kinds[code]! & ANCHOR) !== 0) {
      anchorAt = j; // `(`, `+`: the search must look at it
    }
  }
  return i + 1;
}

/** Whether `count` digits end just before `end` (or before a space or hyphen there): `12345678Z`, `12345678-Z`. */
function endsWithDigits(text: string, end: number, count: number): boolean {
  let j = end - 1;
  if (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 45) j--;
  for (let k = 0; k < count; k++, j--) if (j < 0 || !isDigitCode(text.charCodeAt(j))) return false;
  return true;
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

function caseVariants(char: string, anyCase: boolean): Set<string> {
  return new Set(anyCase ? [char.toLowerCase(), char.toUpperCase()] : [char]);
}

/** Where a literal trigger is looked for: at its `offset`-th character (its anchor). */
interface Anchor {
  entry: TriggerEntry;
  offset: number;
}

/** Character kinds in the search table: nothing, the anchor of a literal trigger, a digit. */
const ANCHOR = 1;
const NUMBER = 2;

/**
 * How often a character occurs in chat text, coarsely (lower is rarer): a literal trigger is
 * looked for at its rarest character, so that the search stops at few positions in prose.
 * `authorization` is found at its `z`, `eyJ` at its `J`, `ghp_` at its `_`.
 */
function commonness(char: string): number {
  if (/[0-9 .,-]/.test(char)) return 3;
  if (/[a-z]/.test(char)) return /[jkqvxz]/.test(char) ? 1 : 2;
  return 0;
}

/**
 * Cost of anchoring a literal at `offset`, compared as a pair: its character's commonness first;
 * among equals, an anchor after the literal's first character wins (the search then also tests
 * the character before it when both share a pair of the byte copy), the rarer that one the better.
 */
function anchorCost(literal: string, offset: number): [number, number] {
  return [commonness(literal[offset]!), offset > 0 ? commonness(literal[offset - 1]!) : 4];
}

function cheaper(a: [number, number], b: [number, number]): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}

/** Whether `later`, starting `shift` characters after `earlier`, can match at the same time. */
function canOverlap(earlier: TriggerEntry, later: TriggerEntry, shift: number): boolean {
  const anyCase = earlier.anyCase || later.anyCase;
  const length = Math.min(earlier.literal.length - shift, later.literal.length);
  for (let k = 0; k < length; k++) {
    const a = earlier.literal[shift + k]!;
    const b = later.literal[k]!;
    if (anyCase ? a.toLowerCase() !== b.toLowerCase() : a !== b) return false;
  }
  return true;
}

/**
 * Anchor offset of each literal trigger: the cheapest (see `anchorCost`) among the characters
 * before the first place where another trigger could start inside it. Then triggers are still
 * found in the order of their start positions (each is found at its anchor, and no anchor is
 * passed before an earlier start is seen).
 */
function anchorOffsets(entries: readonly TriggerEntry[]): number[] {
  return entries.map((entry) => {
    if (entry.numberStart) return 0;
    const literal = entry.literal;
    let last = literal.length - 1;
    for (let shift = 1; shift <= last; shift++) {
      // A number could start inside the literal, or another literal (found at any of its characters).
      if (
        isDigitCode(literal.charCodeAt(shift)) ||
        entries.some((other) => !other.numberStart && canOverlap(entry, other, shift))
      ) {
        last = shift - 1;
        break;
      }
    }
    let offset = 0;
    for (let k = 1; k <= last; k++) {
      if (cheaper(anchorCost(literal, k), anchorCost(literal, offset))) offset = k;
    }
    return offset;
  });
}

/**
 * The text under scan, one byte per UTF-16 code unit (`latin1` keeps each unit's low byte), so
 * that the search can test two characters with one table load. The copy is made natively (a
 * memory copy for the usual one-byte strings); a non-Latin-1 character may alias an ASCII trigger
 * byte, which only adds a candidate: every candidate is checked on the text itself.
 */
interface TextBytes {
  buffer: Buffer;
  /** Byte pairs: `pairs[w]` holds the bytes of characters `2w` and `2w + 1`. */
  pairs: Uint16Array;
}

function textBytes(capacity: number): TextBytes {
  const memory = new ArrayBuffer(capacity);
  return { buffer: Buffer.from(memory), pairs: new Uint16Array(memory) };
}

/** Byte order of `Uint16Array` reads, which put a pair's first character in the low byte or the high one. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reused for texts up to this length (scans are synchronous, one at a time); longer ones get their own. */
const SHARED_CAPACITY = 1 << 16;
const shared = textBytes(SHARED_CAPACITY);

function bytesOf(text: string): TextBytes {
  const bytes = text.length < SHARED_CAPACITY ? shared : textBytes((text.length + 2) & ~1);
  bytes.buffer.write(text, 0, 'latin1');
  return bytes;
}

/**
 * Groups detectors by trigger and builds the trigger search: one pass over the text with a table
 * from character code to kind (nothing, a literal's anchor, a digit). Prose costs one table load
 * per two characters (on the byte copy, see `TextBytes`); literals are found at their rarest
 * character and checked around it; a digit is a trigger only where a number starts. This is
 * faster than a native regular expression here: Irregexp runs a character class or an
 * alternation at about the speed of a per-character loop, and returning to JavaScript at each of
 * the many digits costs more.
 */
function compileTriggers(detectors: readonly BuiltinDetector[]): {
  groups: TriggerGroup[];
  findTrigger: (text: string, bytes: TextBytes, from: number) => TriggerHit;
} {
  const groups: TriggerGroup[] = [
    {
      members: [],
      chunks: [{ members: [], combined: new RegExp(`(${PLACEHOLDER_SOURCE})`, 'y') }],
      placeholder: true,
    },
    { members: [], chunks: [] }, // ESCAPE_GROUP: looked at by the scan itself
  ];
  const keys: string[] = ['=[', 'escape'];
  const entries: TriggerEntry[] = [
    { literal: '[', anyCase: false, numberStart: false, group: 0 },
    { literal: '%', anyCase: false, numberStart: false, group: ESCAPE_GROUP },
    { literal: '\\', anyCase: false, numberStart: false, group: ESCAPE_GROUP },
  ];
  detectors.forEach((detector, index) => {
    for (const trigger of detector.triggers) {
      const key = triggerKey(trigger);
      let group = keys.indexOf(key);
      if (group < 0) {
        group = keys.push(key) - 1;
        groups.push({ members: [], chunks: [] });
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
  for (const group of groups.slice(ESCAPE_GROUP + 1)) {
    let from = 0;
    while (from < group.members.length) {
      const prefilter = detectors[group.members[from]!]!.prefilter;
      let to = from + 1;
      while (to < group.members.length && detectors[group.members[to]!]!.prefilter === prefilter) to++;
      const members = group.members.slice(from, to);
      const combined = new RegExp(members.map((index) => `(${detectors[index]!.source})`).join('|'), 'y');
      group.chunks.push({ members, combined, prefilter });
      from = to;
    }
  }

  // The whole UTF-16 range, so the loop needs no range check; non-ASCII characters are never triggers.
  const kinds = new Uint8Array(65536);
  const anchors: Anchor[][] = Array.from({ length: 128 }, () => []);
  // (anchor, next character) pairs that some literal allows: most anchors in prose fail this test.
  const followers = new Uint8Array(128 * 128);
  // (previous character, anchor) pairs that some literal allows, and anchors that may start a literal (any previous character).
  const precursors = new Uint8Array(128 * 128);
  const startsLiteral = new Uint8Array(128);
  let numberGroup = -1;
  const offsets = anchorOffsets(entries);
  entries.forEach((entry, i) => {
    if (entry.numberStart) {
      numberGroup = entry.group;
      for (let code = 48; code <= 57; code++) kinds[code]! |= NUMBER;
      return;
    }
    const offset = offsets[i]!;
    const char = entry.literal[offset]!;
    const next = entry.literal[offset + 1];
    for (const variant of caseVariants(char, entry.anyCase)) {
      const code = variant.charCodeAt(0);
      kinds[code]! |= ANCHOR;
      anchors[code]!.push({ entry, offset });
      if (next === undefined) followers.fill(1, code << 7, (code + 1) << 7);
      else
        for (const after of caseVariants(next, entry.anyCase))
          followers[(code << 7) | after.charCodeAt(0)] = 1;
      if (offset === 0) startsLiteral[code] = 1;
      else
        for (const before of caseVariants(entry.literal[offset - 1]!, entry.anyCase))
          precursors[(before.charCodeAt(0) << 7) | code] = 1;
    }
  });
  // Whether a trigger can be at either character of a pair, from the pair alone: an anchor with a
  // neighbour some literal allows (the follower, when it is in the pair; the precursor, when the
  // anchor is second and not a literal's first character) or a digit (followed by a number
  // character). A character outside Latin-1 keeps only its low byte and may look like an ASCII
  // trigger or follower (an extra candidate, checked on the text), while an ASCII character is
  // always its own byte: a pair is ruled out only when its real characters cannot qualify.
  const pairStarts = new Uint8Array(65536);
  for (let first = 0; first < 256; first++) {
    const kind = kinds[first]!;
    for (let second = 0; second < 256; second++) {
      const atFirst =
        ((kind & ANCHOR) !== 0 && followers[(first << 7) | (second & 127)] === 1) ||
        ((kind & NUMBER) !== 0 && isNumberCode(second));
      const secondKind = kinds[second]!;
      const atSecond =
        (secondKind & NUMBER) !== 0 ||
        ((secondKind & ANCHOR) !== 0 &&
          (second >= 128 ||
            startsLiteral[second] === 1 ||
            first >= 128 ||
            precursors[(first << 7) | second] === 1));
      pairStarts[LITTLE_ENDIAN ? first | (second << 8) : (first << 8) | second] = atFirst || atSecond ? 1 : 0;
    }
  }

  const findTrigger = (text: string, { pairs }: TextBytes, from: number): TriggerHit => {
    const length = text.length;
    // The byte after an odd length is stale. It is never looked at as a character, and cannot hide
    // a trigger at the last one: no trigger there needs a next character that `pairStarts` tests
    // (a literal ending at its anchor allows any follower; a number needs more than one digit).
    const words = (length + 1) >> 1;
    let next = from;
    for (let w = from >> 1; w < words; w++) {
      if (pairStarts[pairs[w]!] === 0) continue;
      const end = Math.min(2 * w + 2, length);
      for (let i = Math.max(2 * w, next); i < end; i++) {
        const code = text.charCodeAt(i);
        const kind = kinds[code]!;
        if (kind === 0) continue;
        if ((kind & ANCHOR) !== 0 && followers[(code << 7) | (text.charCodeAt(i + 1) & 127)] === 1) {
          for (const { entry, offset } of anchors[code]!) {
            const start = i - offset;
            if (start >= from && literalAt(text, start, entry))
              return { position: start, group: entry.group };
          }
        }
        if ((kind & NUMBER) !== 0) {
          const skip = numberScan(text, i, kinds);
          if (skip < 0) return { position: i, group: numberGroup };
          // Resume at `skip`: the outer loop moves on to the pair that holds it.
          next = skip;
          w = (skip >> 1) - 1;
          break;
        }
      }
    }
    return NONE;
  };
  return { groups, findTrigger };
}
