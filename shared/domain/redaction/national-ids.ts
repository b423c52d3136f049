/**
 * National identifiers of the main markets, each recognised by its printed shape and its check
 * (digit, letter or date). Identifiers whose check is weak (one mod-10 or mod-11 digit over a bare
 * run of 9 or 12 digits, which order numbers pass one time in ten) are redacted only next to a
 * word that names them (`SIN`, `BSN`, `TFN`, `Steuer-ID`, `マイナンバー`, …, in the 40 characters
 * before, or in the JSON key the text is stored under); the others by shape and check alone.
 *
 * Letter-led identifiers (NINO, PAN, NRIC, NIE, codice fiscale, CURP) are found at their first
 * digit, which the scanner's number trigger reports when it follows a capital letter: the pattern
 * looks behind for the letters, and the check moves the start back over them.
 */
import {
  aadhaarValid,
  australianTfnValid,
  brazilCnpjValid,
  brazilCpfValid,
  canadianSinValid,
  chineseResidentIdValid,
  dutchBsnValid,
  frenchNirValid,
  germanTaxIdValid,
  indianPanValid,
  italianFiscalCodeValid,
  japaneseMyNumberValid,
  koreanRrnValid,
  mexicanCurpValid,
  singaporeNricValid,
  spanishIdValid,
  ukNinoValid,
} from './checksums';
import type { BuiltinDetector, CheckContext, Span } from './detectors';
import { ALNUM_END, GROUPED_END, GROUPED_START, isAlnum, isUpper } from './patterns';

/** How far back a naming word is looked for (same line or not: forms put labels above values). */
const CUE_WINDOW = 40;

/** Whether a word naming the identifier is just before it, or names the JSON key it is stored under. */
function cueNear(text: string, start: number, floor: number, context: CheckContext, cue: RegExp): boolean {
  let from = Math.max(floor, start - CUE_WINDOW);
  // Only words after the previous number count: in `SIN 046 454 286, TFN 123 456 782` the second is a TFN.
  for (let i = start - 1; i >= from; i--) {
    if (text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) {
      from = i + 1;
      break;
    }
  }
  const before = text.slice(from, start);
  // camelCase names also read as words (`taxFileNumber=`), as JSON keys do.
  if (cue.test(before) || cue.test(before.replace(/([a-z])([A-Z])/g, '$1 $2'))) return true;
  return context.fieldName !== undefined && cue.test(context.fieldName);
}

/**
 * A naming word: any of `words`, not inside a longer word (`sin` is not `using`); a space in a
 * word also matches `_`, `-` or nothing (`tax_file_number`, `steuer-id`, `mynumber`).
 */
function cueOf(words: readonly string[]): RegExp {
  const alternatives = words.map((word) => word.replace(/ /g, '[ _-]?'));
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})(?![\\p{L}])`, 'iu');
}

const CUES = {
  CA_SIN: cueOf(['sin', 'social insurance', 'nas', 'assurance sociale']),
  AU_TFN: cueOf(['tfn', 'tax file']),
  NL_BSN: cueOf(['bsn', 'burger service nummer', 'burgerservicenummer', 'sofi nummer', 'sofi']),
  DE_TAX_ID: cueOf([
    'steuer id',
    'steuer id nr',
    'steuer identifikationsnummer',
    'steueridentifikationsnummer',
    'id nr',
    'tax id',
    'tin',
  ]),
  JP_MY_NUMBER: cueOf(['my number', 'マイナンバー', '個人番号']),
  IN_AADHAAR: cueOf(['aadhaa?r', 'adhaar', 'uidai', 'uid', 'आधार']),
  BR_CPF: cueOf(['cpf']),
  BR_CNPJ: cueOf(['cnpj']),
} as const;

function compact(text: string, start: number, end: number): string {
  return text.slice(start, end).replace(/[\s.\-/]/g, '');
}

function hasSeparator(text: string, start: number, end: number): boolean {
  return /[\s.\-/]/.test(text.slice(start, end));
}

type Check = NonNullable<BuiltinDetector['check']>;

/** Accepts the candidate when `valid(compact form)` holds (and, for weak checks, a naming word is near). */
function checked(valid: (value: string) => boolean, cue?: RegExp): Check {
  return (text, start, end, context, floor) => {
    if (!valid(compact(text, start, end))) return null;
    if (cue && !cueNear(text, start, floor, context, cue)) return null;
    return { start, end };
  };
}

/** Accepts a punctuated candidate by its check alone, a bare digit run only next to a naming word. */
function checkedUnlessBare(valid: (value: string) => boolean, cue: RegExp): Check {
  return (text, start, end, context, floor) => {
    if (!valid(compact(text, start, end))) return null;
    if (!hasSeparator(text, start, end) && !cueNear(text, start, floor, context, cue)) return null;
    return { start, end };
  };
}

/** Letter-led identifiers: the candidate starts at the first digit; `letters` letters (and `gap` separators at most) come before. */
function checkedWithPrefix(valid: (value: string) => boolean, letters: number, gap = 0): Check {
  return (text, start, end, _context, floor) => {
    let from = start;
    for (let skipped = 0; skipped < gap && (text[from - 1] === ' ' || text[from - 1] === '-'); skipped++)
      from--;
    from -= letters;
    if (from < floor) return null;
    return valid(compact(text, from, end)) ? { start: from, end } : null;
  };
}

function aadhaarCheck(
  text: string,
  start: number,
  end: number,
  context: CheckContext,
  floor: number,
): Span | null {
  if (!aadhaarValid(compact(text, start, end))) return null;
  if (cueNear(text, start, floor, context, CUES.IN_AADHAAR)) return { start, end };
  // Printed in groups of four, as on the card; unless the text says it is a Japanese My Number.
  if (!hasSeparator(text, start, end) || cueNear(text, start, floor, context, CUES.JP_MY_NUMBER)) return null;
  return { start, end };
}

/**
 * Where a national identifier can start, tested before their patterns run: two digits after a
 * capital letter (a letter-led identifier), or a number not continuing a word, a decimal or a
 * longer grouped number, with at least 9 digits in its first 22 characters of `0-9 ./-` (or 8 and
 * a capital letter: a DNI). Most numbers in prose (times, addresses, versions) fail here.
 */
function nationalIdMayStart(text: string, at: number): boolean {
  const before = text.charCodeAt(at - 1);
  if (isUpper(before) || ((before === 32 || before === 45) && isUpper(text.charCodeAt(at - 2)))) return true;
  if (at > 0 && (isAlnum(before) || before === 95 || before === 46 || before === 43 || before === 45))
    return false;
  let digits = 0;
  const limit = Math.min(text.length, at + 22);
  let i = at;
  for (; i < limit; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) digits++;
    else if (code !== 32 && code !== 46 && code !== 45 && code !== 47) break;
  }
  return digits >= 9 || (digits === 8 && isUpper(text.charCodeAt(i)));
}

const NINE_DIGITS = '\\d{3}(?: \\d{3} \\d{3}|-\\d{3}-\\d{3}|\\d{6})';
const TWELVE_DIGITS = '\\d{4}(?: \\d{4} \\d{4}|-\\d{4}-\\d{4}|\\d{8})';
/** Digits a codice fiscale may carry, or the letters that replace them (omocodia). */
const FISCAL_DIGIT = '[0-9LMNPQRSTUV]';

/** National identifiers, tried at a number's first digit in this order (stronger checks first). */
export const NATIONAL_ID_DETECTORS: readonly BuiltinDetector[] = [
  {
    type: 'CN_RESIDENT_ID',
    triggers: [{ numberStart: true }],
    prefilter: nationalIdMayStart,
    source: `${GROUPED_START}[1-9]\\d{5}(?:18|19|20)\\d{2}[01]\\d[0-3]\\d{4}[\\dX]${ALNUM_END}`,
    check: checked(chineseResidentIdValid),
  },
  {
    type: 'KR_RRN',
    triggers: [{ numberStart: true }],
    prefilter: nationalIdMayStart,
    source: `${GROUPED_START}\\d{2}[01]\\d[0-3]\\d-?[1-8]\\d{6}${GROUPED_END}`,
    check: checked(koreanRrnValid),
  },
  {
    type: 'BR_CNPJ',
    triggers: [{ numberStart: true }],
    prefilter: nationalIdMayStart,
    source: `${GROUPED_START}(?:\\d{2}\\.\\d{3}\\.\\d{3}\\/\\d{4}-\\d{2}|\\d{14})${GROUPED_END}`,
    check: checkedUnlessBare(brazilCnpjValid, CUES.BR_CNPJ),
  },
  {
    type: 'BR_CPF',
    triggers: [{ numberStart: true }],
    prefilter: nationalIdMayStart,
    source: `${GROUPED_START}(?:\\d{3}\\.\\d{3}\\.\\d{3}-\\d{2}|\\d{11})${GROUPED_END}`,
    check: checkedUnlessBare(brazilCpfValid, CUES.BR_CPF),
  },
  {
    type: 'FR_NIR',
    triggers: [{ numberStart: true }],
    prefilter: nationalIdMayStart,
    source: `${GROUPED_START}[1278] ?\\d{2} ?\\d{2} ?\\d{2} ?\\d{3} ?\\d{3} ?\\d{2}${GROUPED_END}`,
    check: checked(frenchNirValid),
  },
  {
    type: 'DE_TAX_ID',
    triggers: [{ numberStart: true }],
    prefilter: nationalIdMayStart,
    source: `${GROUPED_START}[1-9](?:\\d{10}|\\d \\d{3} \\d{3} \\d{3}|\\d{2} \\d{3} \\d{3} \\d{2})${GROUPED_END}`,
    check: checked(germanTaxIdValid, CUES.DE_TAX_ID),
  },
  {
    type: 'IN_AADHAAR',
    triggers: [{ numberStart: true }],
    prefilter: nationalIdMayStart,
    source: `${GROUPED_START}[2-9]\\d{3}(?: \\d{4} \\d{4}|-\\d{4}-\\d{4}|\\d{8})${GROUPED_END}`,
    check: aadhaarCheck,
  },
  {
    type: 'JP_MY_NUMBER',
    triggers: [{ numberStart: true }],
    prefilter: nationalIdMayStart,
    source: `${GROUPED_START}${TWELVE_DIGITS}${GROUPED_END}`,
    check: checked(japaneseMyNumberValid, CUES.JP_MY_NUMBER),
  },
  {
    type: 'CA_SIN',
    triggers: [{ numberStart: true }],
    prefilter: nationalIdMayStart,
    source: `${GROUPED_START}${NINE_DIGITS}${GROUPED_END}`,
    check: checked(canadianSinValid, CUES.CA_SIN),
  },
  {
    type: 'AU_TFN',
    triggers: [{ numberStart: true }],
    prefilter: nationalIdMayStart,
    source: `${GROUPED_START}${NINE_DIGITS}${GROUPED_END}`,
    check: checked(australianTfnValid, CUES.AU_TFN),
  },
  {
    type: 'NL_BSN',
    triggers: [{ numberStart: true }],
    prefilter: nationalIdMayStart,
    source: `${GROUPED_START}(?:${NINE_DIGITS}|\\d{4}\\.\\d{2}\\.\\d{3}|\\d{3}\\.\\d{3}\\.\\d{3})${GROUPED_END}`,
    check: checked(dutchBsnValid, CUES.NL_BSN),
  },
  {
    type: 'ES_DNI',
    triggers: [{ numberStart: true }],
    prefilter: nationalIdMayStart,
    source: `${GROUPED_START}(?:\\d{8}|\\d{2}\\.\\d{3}\\.\\d{3})[ -]?[A-Z]${ALNUM_END}`,
    check: checked(spanishIdValid),
  },
  {
    type: 'ES_NIE',
    triggers: [{ numberStart: true }],
    prefilter: nationalIdMayStart,
    source: `(?<=(?<![A-Za-z0-9])[XYZ][ -]?)\\d{7}[ -]?[A-Z]${ALNUM_END}`,
    check: checkedWithPrefix(spanishIdValid, 1, 1),
  },
  {
    type: 'SG_NRIC',
    triggers: [{ numberStart: true }],
    prefilter: nationalIdMayStart,
    source: `(?<=(?<![A-Za-z0-9])[STFG])\\d{7}[A-Z]${ALNUM_END}`,
    check: checkedWithPrefix(singaporeNricValid, 1),
  },
  {
    type: 'UK_NINO',
    triggers: [{ numberStart: true }],
    prefilter: nationalIdMayStart,
    source: `(?<=(?<![A-Za-z0-9])[A-Z]{2} ?)(?:\\d{6} ?|\\d{2} \\d{2} \\d{2} )[A-D]${ALNUM_END}`,
    check: checkedWithPrefix(ukNinoValid, 2, 1),
  },
  {
    type: 'IN_PAN',
    triggers: [{ numberStart: true }],
    prefilter: nationalIdMayStart,
    source: `(?<=(?<![A-Za-z0-9])[A-Z]{5})\\d{4}[A-Z]${ALNUM_END}`,
    check: checkedWithPrefix(indianPanValid, 5),
  },
  {
    type: 'IT_FISCAL_CODE',
    triggers: [{ numberStart: true }],
    prefilter: nationalIdMayStart,
    source: `(?<=(?<![A-Za-z0-9])[A-Z]{6})\\d${FISCAL_DIGIT}[ABCDEHLMPRST]${FISCAL_DIGIT}{2}[A-Z]${FISCAL_DIGIT}{3}[A-Z]${ALNUM_END}`,
    check: checkedWithPrefix(italianFiscalCodeValid, 6),
  },
  {
    type: 'MX_CURP',
    triggers: [{ numberStart: true }],
    prefilter: nationalIdMayStart,
    source: `(?<=(?<![A-Za-z0-9])[A-Z][AEIOUX][A-Z]{2})\\d{6}[HMX][A-Z]{5}[0-9A-Z]\\d${ALNUM_END}`,
    check: checkedWithPrefix(mexicanCurpValid, 4),
  },
];

/** Types of the national identifier detectors, in the order above. */
export const NATIONAL_ID_TYPES = [
  'CN_RESIDENT_ID',
  'KR_RRN',
  'BR_CNPJ',
  'BR_CPF',
  'FR_NIR',
  'DE_TAX_ID',
  'IN_AADHAAR',
  'JP_MY_NUMBER',
  'CA_SIN',
  'AU_TFN',
  'NL_BSN',
  'ES_DNI',
  'ES_NIE',
  'SG_NRIC',
  'UK_NINO',
  'IN_PAN',
  'IT_FISCAL_CODE',
  'MX_CURP',
] as const;
