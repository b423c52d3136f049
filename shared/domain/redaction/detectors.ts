/**
 * Built-in detectors. Each is one alternative of a combined pattern (see `scanner.ts`) plus an
 * optional check that turns a candidate into the exact span to redact, or rejects it as a
 * look-alike. Patterns are written so that one scan of a text is linear: every quantifier is
 * bounded, candidates start only at token boundaries (look-behinds), and costly checks run in
 * code on the few candidates, not in the pattern.
 */
import { Buffer } from 'node:buffer';
import { cardBrandPlausible, ibanChecksumValid, ibanLength, luhnValid, ssnValid } from './checksums';
import { NATIONAL_ID_DETECTORS, NATIONAL_ID_TYPES } from './national-ids';
import {
  anyCase,
  hasDigitAndLetter,
  isAlnum,
  isDigit,
  KEY_END,
  KEY_START,
  NOT_AFTER_WORD,
  NOT_BEFORE_WORD,
  NUMBER_END,
  NUMBER_START,
} from './patterns';
import { personDetectors } from './person';
import { isSecretKeyName } from './secret-keys';
import { SERVICE_KEY_DETECTORS, SERVICE_KEY_TYPES, TELEGRAM_DETECTOR } from './service-keys';

/** Types of the built-in detectors, as used in placeholders and counts. */
export const BUILTIN_DETECTOR_TYPES = [
  'EMAIL',
  'PHONE',
  'CREDIT_CARD',
  'US_SSN',
  'IBAN',
  'IPV4',
  'IPV6',
  'AWS_ACCESS_KEY',
  'OPENAI_KEY',
  'ANTHROPIC_KEY',
  'GITHUB_TOKEN',
  'SLACK_TOKEN',
  'STRIPE_KEY',
  'GOOGLE_API_KEY',
  'JWT',
  'PRIVATE_KEY',
  'AUTH_HEADER',
  'URL_CREDENTIALS',
  'SECRET',
  ...SERVICE_KEY_TYPES,
  ...NATIONAL_ID_TYPES,
  'PERSON',
] as const;

/** Detectors that run only when a project enables them (`enabled` in the configuration). */
export const OPT_IN_DETECTOR_TYPES = ['PERSON'] as const;

export type BuiltinDetectorType = (typeof BUILTIN_DETECTOR_TYPES)[number];

/**
 * Where a detector's match can start: a literal (`'sk-'`), a literal in any letter case, or the
 * first digit of a number whose first 32 characters of `0-9 .()+/-` hold at least 8 digits (the
 * fewest of a card, an SSN, a phone number without `+` or a Spanish DNI) or at least 4 digits and
 * 3 dots (a dotted quad), or that follows a capital letter (optionally with a space or hyphen
 * between), as an IBAN's check digits and the digits of letter-led identifiers do. A numeric
 * detector whose shortest match needs less must widen this rule (see `numberScan` in scanner.ts).
 */
export type Trigger = string | { anyCase: string } | { numberStart: true };

/** The trigger of every numeric detector (cards, SSNs, phones, IPv4, IBAN check digits). */
export const NUMBER_START_TRIGGER: Trigger = { numberStart: true };

/** A half-open range `[start, end)` of the text to replace. */
export interface Span {
  start: number;
  end: number;
}

/** What a check needs besides the candidate range. */
export interface CheckContext {
  /** Normalized extra secret key names from the project configuration. */
  secretKeys?: ReadonlySet<string>;
  /**
   * The JSON key the scanned string is stored under, as words (`tax_file_number` →
   * `tax file number`): names an identifier as well as the words before it do.
   */
  fieldName?: string;
}

export interface BuiltinDetector {
  type: BuiltinDetectorType;
  /** JS regex source without capturing groups (the scanner numbers one group per detector). */
  source: string;
  /**
   * Cheap patterns, one of which matches wherever `source` can start a match (at the same
   * position). The scanner searches for triggers first and tries only the detectors that share the
   * trigger found, so plain prose is skipped at the speed of a simple search. Distinct trigger
   * strings (across all detectors) never match at the same position.
   */
  triggers: readonly Trigger[];
  /**
   * A cheap test at the trigger position that must pass for `source` to be tried there (shared by
   * a family of detectors, tried together; see `TriggerGroup.chunks` in scanner.ts).
   */
  prefilter?: (text: string, at: number) => boolean;
  /** Turns the candidate `[start, end)` into the span to redact, or `null` for a look-alike. */
  /**
   * `floor` is where the previous detection ended: a check must not read context before it, so
   * that its decision is the same when it runs again on the redacted output.
   */
  check?: (text: string, start: number, end: number, context: CheckContext, floor: number) => Span | null;
}

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';

const SECRET_KEY_ENDINGS = [
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'secret',
  'key',
  'token',
  'authorization',
  'cookie',
  'credential',
  'credentials',
]
  .map(anyCase)
  .join('|');

const PLACEHOLDER_EXACT = /^\[(?:REDACTED:[A-Z][A-Z0-9_]{0,63}|[A-Z][A-Z0-9_]{0,63}:[0-9a-f]{6,16})\]$/;

/** Whether a string is one of our own placeholders (`[REDACTED:EMAIL]` or `[EMAIL:3f9a1c]`). */
export function isPlaceholder(value: string): boolean {
  return value.length <= 96 && PLACEHOLDER_EXACT.test(value);
}

/** Source of the placeholder pattern; the scanner keeps these intact so redaction is idempotent. */
export const PLACEHOLDER_SOURCE =
  '\\[(?:REDACTED:[A-Z][A-Z0-9_]{0,63}|[A-Z][A-Z0-9_]{0,63}:[0-9a-f]{6,16})\\]';

/** Local-part characters: RFC 5322 atoms less those that delimit text around an address (`"=&?/{}|`). */
const EMAIL_LOCAL = /[A-Za-z0-9._%+'!#*^~-]/;

function checkEmail(
  text: string,
  start: number,
  end: number,
  _context: CheckContext,
  floor: number,
): Span | null {
  // The pattern is anchored on '@'; walk back over the local part, not into the previous detection.
  let localStart = start;
  while (localStart > floor && start - localStart <= 64 && EMAIL_LOCAL.test(text[localStart - 1]!))
    localStart--;
  // A quote or dot before the address (`'jane@example.com'`) is punctuation, not part of it.
  while (localStart < start && (text[localStart] === "'" || text[localStart] === '.')) localStart++;
  if (start - localStart > 64 || localStart === start) return null; // local parts have 1 to 64 characters
  const domain = text.slice(start + 1, end);
  // `icon@2x.png` and friends are retina asset names, not addresses.
  if (/^\d+(?:\.\d+)?x\./i.test(domain)) return null;
  return { start: localStart, end };
}

function checkCreditCard(text: string, start: number, end: number): Span | null {
  const candidate = text.slice(start, end);
  const digits = candidate.replace(/[ -]/g, '');
  if (!cardBrandPlausible(digits) || !luhnValid(digits)) return null;
  if (digits.length !== candidate.length) {
    // With separators, groups must look like a printed card: 4-4-4-4(-1..3), 4-6-5 or 4-6-4.
    const separators = candidate.replace(/\d/g, '');
    if (new Set(separators).size !== 1) return null;
    const groups = candidate.split(separators[0]!).map((group) => group.length);
    const amexLike =
      groups.length === 3 && groups[0] === 4 && groups[1] === 6 && (groups[2] === 5 || groups[2] === 4);
    const fours = groups.slice(0, -1).every((n) => n === 4) && groups[groups.length - 1]! <= 4;
    if (!amexLike && !fours) return null;
  }
  return { start, end };
}

function checkSsn(text: string, start: number, end: number): Span | null {
  const digits = text.slice(start, end).replace(/[ -]/g, '');
  return ssnValid(digits.slice(0, 3), digits.slice(3, 5), digits.slice(5)) ? { start, end } : null;
}

const NANP = /^(?:(?:\+?1[ .-]?)?\([2-9]\d{2}\)[ .-]?|(?:\+?1[ .-])?[2-9]\d{2}[ .-])[2-9]\d{2}[ .-]\d{4}$/;
/** `ext. 12`, `x204`, `#3` after a number. */
const EXTENSION_SOURCE = '(?:,? ?(?:ext\\.?|extension|x|#) ?\\d{1,6})';
const EXTENSION = new RegExp(`${EXTENSION_SOURCE}$`);

function checkPhone(text: string, start: number, end: number): Span | null {
  const candidate = text.slice(start, end);
  const extension = EXTENSION.exec(candidate);
  const body = extension ? candidate.slice(0, extension.index) : candidate;
  // North American formats are fully constrained by the pattern.
  if (NANP.test(body)) return { start, end };
  if (body[0] === '+' || body.startsWith('00')) return checkInternationalPhone(text, start, end, body);
  if (body[0] === '0' || body.startsWith('(0')) return checkNationalPhone(body) ? { start, end } : null;
  // Brazilian `(11) 98765-4321` and Chinese mobile `138 0013 8000`: constrained by the pattern.
  return { start, end };
}

/** `+44 20 7946 0958`, `0044 …`: E.164 allows at most 15 digits (the `00` prefix aside). */
function checkInternationalPhone(text: string, start: number, end: number, body: string): Span | null {
  const prefixDigits = body[0] === '+' ? 0 : 2;
  let stop = start + body.length;
  let digits = countDigits(text, start, stop) - prefixDigits;
  if (digits <= 15) return digits >= 8 ? { start, end } : null;
  // Trailing groups belong to the next number (and the extension, if any, with them).
  while (digits > 15) {
    const cut = lastSeparator(text, start, stop);
    if (cut <= start) return null;
    stop = cut;
    digits = countDigits(text, start, stop) - prefixDigits;
  }
  return digits >= 8 ? { start, end: stop } : null;
}

/**
 * National forms with a trunk `0` (`020 7946 0958`, `01 42 68 53 00`, `03-1234-5678`,
 * `(030) 1234-5678`): 10 or 11 digits in groups, one kind of separator (dates and lists mix them
 * or have fewer digits).
 */
function checkNationalPhone(body: string): boolean {
  const digits = body.replace(/\D/g, '').length;
  if (digits < 10 || digits > 11) return false;
  const separators = new Set(body.replace(/^\(0\d+\) ?/, '').replace(/[\d]/g, ''));
  return separators.size <= 1;
}

function countDigits(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) if (isDigit(text.charCodeAt(i))) n++;
  return n;
}

function lastSeparator(text: string, start: number, end: number): number {
  for (let i = end - 1; i > start; i--) {
    const c = text[i];
    if (c === ' ' || c === '.' || c === '-') return i;
  }
  return -1;
}

/** Words that, right before a dotted quad, make it a version or section number, not an address. */
const VERSION_CONTEXT =
  /(?:\b(?:v|ver|version|release|build|firmware|fw|rev|revision|section|chapter|sec|ch)\.?\s*[:=#]?\s*|§\s*|[A-Za-z][A-Za-z0-9_-]*\/)$/i;

function checkIpv4(
  text: string,
  start: number,
  end: number,
  _context: CheckContext,
  floor: number,
): Span | null {
  const before = text.slice(Math.max(0, floor, start - 24), start);
  if (VERSION_CONTEXT.test(before)) return null;
  return { start, end };
}

const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;
const DOTTED_QUAD = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);

function checkIpv6(
  text: string,
  colonAt: number,
  end: number,
  _context: CheckContext,
  floor: number,
): Span | null {
  // The pattern is anchored on the first ':'; the first group (up to 4 hex digits) is before it.
  let start = colonAt;
  while (start > floor && colonAt - start < 4 && /[0-9A-Fa-f]/.test(text[start - 1]!)) start--;
  if (start === colonAt && text[colonAt + 1] !== ':') return null;
  let stop = end;
  while (stop > start && text[stop - 1] === '.') stop--;
  const candidate = text.slice(start, stop);
  const halves = candidate.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (half: string) => (half === '' ? [] : half.split(':'));
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  const all = [...head, ...tail];
  let count = 0;
  let hexDigits = 0;
  for (let i = 0; i < all.length; i++) {
    const group = all[i]!;
    if (i === all.length - 1 && group.includes('.')) {
      if (!DOTTED_QUAD.test(group)) return null;
      count += 2;
      hexDigits += 4;
    } else if (HEX_GROUP.test(group)) {
      count += 1;
      hexDigits += group.length;
    } else {
      return null;
    }
  }
  if (halves.length === 1) {
    if (count !== 8) return null; // times (12:30:45) and MAC addresses have fewer groups
  } else if (count > 7 || all.length < 2 || hexDigits < 4) {
    return null; // `::1`, `a::b` and `std::` style fragments are not addresses worth redacting
  }
  return { start, end: stop };
}

function checkIban(
  text: string,
  digitsAt: number,
  end: number,
  _context: CheckContext,
  floor: number,
): Span | null {
  // The pattern is anchored on the check digits; the country code is the two letters before.
  const start = digitsAt - 2;
  if (start < floor) return null;
  const country = text.slice(start, start + 2);
  const expected = ibanLength(country);
  let compact = '';
  let stop = start;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === 32) continue;
    compact += text[i];
    stop = i + 1;
    if (expected !== undefined && compact.length === expected) break;
  }
  if (expected !== undefined && compact.length !== expected) return null;
  if (stop < text.length && isAlnum(text.charCodeAt(stop))) return null;
  return ibanChecksumValid(compact) ? { start, end: stop } : null;
}

/** Keeps `Authorization: Bearer ` and redacts the credential after it. */
function checkAuthHeader(text: string, start: number, end: number): Span | null {
  const candidate = text.slice(start, end);
  const credentialStart = start + Math.max(candidate.lastIndexOf(' '), candidate.lastIndexOf('\t')) + 1;
  const credential = text.slice(credentialStart, end);
  if (text.startsWith('Basic', start)) {
    // A bare `Basic xyz` must decode to `user:password`, so prose ("Basic tiers") stays intact.
    return isBasicCredential(credential) ? { start: credentialStart, end } : null;
  }
  // A bare `Bearer xyz` must look like a token (long, with a digit) so prose stays intact.
  const standalone = text.startsWith('Bearer', start);
  if (credential.length < (standalone ? 16 : 1)) return null;
  if (standalone && !/\d/.test(credential)) return null;
  return { start: credentialStart, end };
}

/** Whether a value is base64 of printable `user:password`. */
function isBasicCredential(value: string): boolean {
  if (value.length < 8 || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return false;
  const decoded = Buffer.from(value, 'base64').toString('latin1');
  return /^[\x20-\x7e]{1,256}:[\x20-\x7e]{1,256}$/.test(decoded);
}

function checkUrlCredentials(_text: string, start: number, end: number): Span | null {
  // start is at '://', end just after the '@' that ends the user info.
  return { start: start + 3, end: end - 1 };
}

function checkKeyBody(prefixLength: number) {
  return (text: string, start: number, end: number): Span | null =>
    hasDigitAndLetter(text.slice(start + prefixLength, end)) ? { start, end } : null;
}

const KEY_NAME_CHAR = /[A-Za-z0-9_.-]/;
const UNQUOTED_VALUE_STOP = /[\s"',;&<>[\]{}()`]/;
/** Values that are not secrets: empties, masks, references to secrets, and auth schemes (`Authorization: Bearer …` is AUTH_HEADER's). */
const NOT_A_VALUE =
  /^(?:null|none|nil|undefined|true|false|bearer|basic|token|digest|\*+|x+|\$.*|\{\{.*|process\.env.*|os\.(?:environ|getenv).*)$/i;
const CONTAINS_PLACEHOLDER = /\[(?:REDACTED:[A-Z][A-Z0-9_]{0,63}|[A-Z][A-Z0-9_]{0,63}:[0-9a-f]{6,16})\]/;

/**
 * `password=...`, `"api_key": "..."`, `client_secret: ...`: the pattern stops at the `:`/`=` after a
 * name ending like a secret; this check reads the whole name and the value by hand, so a rejected
 * candidate costs only the length of its name.
 */
function checkSecretAssignment(
  text: string,
  start: number,
  _end: number,
  context: CheckContext,
  floor: number,
): Span | null {
  let keyEnd = start;
  while (keyEnd > 0 && (text[keyEnd - 1] === ' ' || text[keyEnd - 1] === '\t')) keyEnd--;
  if (text[keyEnd - 1] === '"' || text[keyEnd - 1] === "'") keyEnd--;
  if (text[keyEnd - 1] === '\\') keyEnd--;
  let keyStart = keyEnd;
  while (keyStart > floor && keyEnd - keyStart < 64 && KEY_NAME_CHAR.test(text[keyStart - 1]!)) keyStart--;
  if (!isSecretKeyName(text.slice(keyStart, keyEnd), context.secretKeys)) return null;

  let i = start + 1;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  let valueStart: number;
  let valueEnd: number;
  if (text.startsWith('\\"', i)) {
    valueStart = i + 2;
    valueEnd = text.indexOf('\\"', valueStart);
    if (valueEnd < 0 || valueEnd - valueStart > 4096) return null;
  } else if (text[i] === '"' || text[i] === "'") {
    const quote = text[i]!;
    valueStart = i + 1;
    valueEnd = valueStart;
    const limit = Math.min(text.length, valueStart + 4096);
    while (valueEnd < limit && text[valueEnd] !== quote && text[valueEnd] !== '\n') {
      valueEnd += text[valueEnd] === '\\' ? 2 : 1;
    }
    if (valueEnd >= limit || text[valueEnd] !== quote) return null;
  } else {
    valueStart = i;
    valueEnd = i;
    const limit = Math.min(text.length, valueStart + 1024);
    if (text[i] === '=' || text[i] === ':') return null;
    while (valueEnd < limit && !UNQUOTED_VALUE_STOP.test(text[valueEnd]!)) valueEnd++;
    // `api_key=os.environ[...]`, `token = get_token()`: code reading a secret, not a secret.
    if (text[valueEnd] === '(' || text[valueEnd] === '[') return null;
  }
  if (valueEnd <= valueStart) return null;
  const value = text.slice(valueStart, valueEnd);
  // A value already holding a placeholder was handled by a detector that started earlier (`"Bearer [REDACTED:AUTH_HEADER]"`).
  if (NOT_A_VALUE.test(value) || CONTAINS_PLACEHOLDER.test(value)) return null;
  return { start: valueStart, end: valueEnd };
}

/** The detectors on by default, in priority order (see `BUILTIN_DETECTORS`). */
const CORE_DETECTORS: readonly BuiltinDetector[] = [
  {
    type: 'PRIVATE_KEY',
    triggers: ['-----BEGIN'],
    source:
      '-----BEGIN[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----(?:[A-Za-z0-9+/=\\s:,.\\\\]|-(?!----)){0,32768}(?:-----END[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----)?',
  },
  {
    type: 'AUTH_HEADER',
    triggers: [{ anyCase: 'authorization' }, 'Bearer', 'Basic'],
    source: `(?<![A-Za-z0-9_])(?:${anyCase('authorization')}\\\\?["']?[ \\t]{0,8}[:=][ \\t]{0,8}\\\\?["']?[ \\t]{0,8}(?:${anyCase('bearer')}|${anyCase('basic')}|${anyCase('token')})|Bearer|Basic)[ \\t]{1,8}[A-Za-z0-9._~+/=-]{1,4096}`,
    check: checkAuthHeader,
  },
  {
    type: 'URL_CREDENTIALS',
    triggers: [':'],
    source: `:\\/\\/[^\\s/?#@:\\[\\]"'<>\\\\]{0,256}:[^\\s/?#\\[\\]"'<>\\\\]{1,256}@(?=[A-Za-z0-9\\[])`,
    check: checkUrlCredentials,
  },
  {
    type: 'JWT',
    triggers: ['eyJ'],
    source: `${KEY_START}eyJ[A-Za-z0-9_-]{4,4096}\\.ey[A-Za-z0-9_-]{4,16384}\\.[A-Za-z0-9_-]{0,4096}${KEY_END}`,
  },
  {
    type: 'ANTHROPIC_KEY',
    triggers: ['sk-'],
    source: `${KEY_START}sk-ant-[A-Za-z0-9_-]{16,256}${KEY_END}`,
  },
  {
    type: 'OPENAI_KEY',
    triggers: ['sk-'],
    source: `${KEY_START}sk-(?!ant-)[A-Za-z0-9_-]{20,256}${KEY_END}`,
    check: checkKeyBody(3),
  },
  {
    type: 'AWS_ACCESS_KEY',
    triggers: ['AKIA', 'ASIA', 'ABIA', 'ACCA'],
    source: '(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])',
  },
  {
    type: 'GITHUB_TOKEN',
    triggers: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
    source: `${NOT_AFTER_WORD}(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,244})${NOT_BEFORE_WORD}`,
  },
  {
    type: 'SLACK_TOKEN',
    triggers: ['xoxa-', 'xoxb-', 'xoxp-', 'xoxo-', 'xoxr-', 'xoxs-'],
    source: `${KEY_START}xox[abpors]-[A-Za-z0-9-]{10,250}${KEY_END}`,
    check: checkKeyBody(5),
  },
  {
    type: 'STRIPE_KEY',
    triggers: ['sk_', 'rk_live_', 'rk_test_', 'whsec_'],
    source: `${NOT_AFTER_WORD}(?:[sr]k_(?:live|test)_[A-Za-z0-9]{10,247}|whsec_[A-Za-z0-9]{20,247})${NOT_BEFORE_WORD}`,
  },
  {
    type: 'GOOGLE_API_KEY',
    triggers: ['AIza'],
    source: `${KEY_START}AIza[0-9A-Za-z_-]{35}${KEY_END}`,
  },
  ...SERVICE_KEY_DETECTORS,
  {
    // Anchored on '@' so that long words without one cost nothing; the check walks back over the local part.
    type: 'EMAIL',
    triggers: ['@'],
    source:
      '@(?<=[A-Za-z0-9._%+-]@)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9-]|\\.[A-Za-z0-9])',
    check: checkEmail,
  },
  // National identifiers first among the numbers: their checks are specific (and prefiltered).
  ...NATIONAL_ID_DETECTORS,
  {
    type: 'IBAN',
    triggers: [NUMBER_START_TRIGGER],
    source: '(?<=(?<![A-Za-z0-9])[A-Z]{2})\\d{2}(?: ?[A-Z0-9]){11,34}',
    check: checkIban,
  },
  {
    type: 'CREDIT_CARD',
    triggers: [NUMBER_START_TRIGGER],
    source: `${NUMBER_START}[2-6]\\d{3}(?:[ -]?\\d){8,15}${NUMBER_END}`,
    check: checkCreditCard,
  },
  {
    type: 'US_SSN',
    triggers: [NUMBER_START_TRIGGER],
    source: `${NUMBER_START}\\d{3}(?:-\\d{2}-| \\d{2} )\\d{4}${NUMBER_END}`,
    check: checkSsn,
  },
  {
    type: 'PHONE',
    triggers: ['+0', '+1', '+2', '+3', '+4', '+5', '+6', '+7', '+8', '+9', '(', NUMBER_START_TRIGGER],
    // A trunk-0 run next to another number is part of a list, not a phone; so it is next to the
    // placeholder that replaced one, or redacting the output again would find a "new" phone.
    source: `${NUMBER_START}(?:(?:(?:\\+?1[ .-]?)?\\([2-9]\\d{2}\\)[ .-]?|(?:\\+?1[ .-])?[2-9]\\d{2}[ .-])[2-9]\\d{2}[ .-]\\d{4}|(?:\\+|00)[1-9]\\d{0,14}(?:[ .-]?\\(\\d{1,5}\\)[ .-]?\\d{1,6})?(?:[ .-]\\d{1,14}){0,7}|\\(0[1-9]\\d{0,4}\\)[ .-]?\\d{2,8}(?:[ .-]\\d{2,8}){0,3}|(?<!(?:\\d|:\\w{1,64}\\])[ .-])0[1-9]\\d{0,4}(?:[ .-]\\d{2,8}){1,4}(?![ .-](?:\\d|\\[[A-Z][A-Z0-9_]*:))|\\(\\d{2}\\) ?9?\\d{4}-\\d{4}|1[3-9]\\d[ -]\\d{4}[ -]\\d{4})${EXTENSION_SOURCE}?${NUMBER_END}`,
    check: checkPhone,
  },
  {
    type: 'IPV6',
    triggers: [':'],
    source:
      '(?:(?<=(?<![A-Za-z0-9_:.])[0-9A-Fa-f]{1,4})|(?<![A-Za-z0-9_:.])(?=::)):[0-9A-Fa-f:.]{1,42}(?![A-Za-z0-9_:])',
    check: checkIpv6,
  },
  {
    type: 'IPV4',
    triggers: [NUMBER_START_TRIGGER],
    source: `(?<![A-Za-z0-9_.])${OCTET}(?:\\.${OCTET}){3}(?![A-Za-z0-9_]|\\.\\d)`,
    check: checkIpv4,
  },
  {
    // Anchored on the ':' or '=' after a name that ends like a secret; the check reads name and value.
    type: 'SECRET',
    triggers: [':', '='],
    source: `[:=](?<=(?:${SECRET_KEY_ENDINGS})\\\\?["']?[ \\t]{0,8}[:=])`,
    check: checkSecretAssignment,
  },
  // Last of the `:` group, behind a prefilter: a bot id's digits before the `:`.
  TELEGRAM_DETECTOR,
];

/** Literal triggers of the core detectors, which the `PERSON` given-name triggers must not shadow. */
const CORE_LITERALS = CORE_DETECTORS.flatMap((detector) =>
  detector.triggers.flatMap((trigger) =>
    typeof trigger === 'string' ? [trigger] : 'anyCase' in trigger ? [trigger.anyCase] : [],
  ),
);

/**
 * Built-in detectors in priority order: when two candidates start at the same position the
 * earlier one wins (a placeholder first, so redacted output is never redacted again). `PERSON`
 * comes last and is off unless enabled.
 */
export const BUILTIN_DETECTORS: readonly BuiltinDetector[] = [
  ...CORE_DETECTORS,
  ...personDetectors(CORE_LITERALS),
];
