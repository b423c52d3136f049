/**
 * Checksums and structure checks that separate real identifiers from look-alikes (order
 * numbers, timestamps, random digit runs). Pure functions over strings of digits or letters.
 */

const ZERO = 48;

/**
 * Luhn (mod 10) check used by payment card numbers.
 *
 * @example
 * luhnValid('4111111111111111'); // true
 * luhnValid('4111111111111112'); // false
 */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/**
 * Whether a 12–19 digit string has the prefix and length of a real card brand (Visa, Mastercard,
 * American Express, Discover, Diners, JCB, UnionPay, Maestro). Card numbers starting with other
 * digits are treated as look-alikes (millisecond timestamps start with 1, for instance).
 *
 * @example
 * cardBrandPlausible('378282246310005'); // true (American Express, 15 digits)
 */
export function cardBrandPlausible(digits: string): boolean {
  const n = digits.length;
  if (n < 12 || n > 19) return false;
  const two = Number(digits.slice(0, 2));
  const four = Number(digits.slice(0, 4));
  switch (digits[0]) {
    case '4':
      return n === 13 || n === 16 || n === 19;
    case '5':
      if (two >= 51 && two <= 55) return n === 16;
      return n >= 16; // Maestro (50, 56–59); its rare 12–15 digit numbers look like national ids
    case '2':
      return four >= 2221 && four <= 2720 && n === 16;
    case '3':
      if (two === 34 || two === 37) return n === 15;
      if (two === 36 || two === 38 || two === 39 || (four >= 3000 && four <= 3059)) return n >= 14;
      if (four >= 3528 && four <= 3589) return n >= 16;
      return false;
    case '6':
      // Discover (6011, 644–649, 65), UnionPay (62), Maestro (63, 67); not 60xx, 61 or 640–643,
      // which are other numbers (a Chinese resident id of Shaanxi starts with 61).
      if (two === 62 || two === 65 || four === 6011 || (four >= 6440 && four <= 6499)) return n >= 16;
      return (two === 63 || two === 67) && n >= 16;
    default:
      return false;
  }
}

/**
 * US Social Security Number structure: area not 000, 666 or 9xx; group not 00; serial not 0000.
 *
 * @example
 * ssnValid('123', '45', '6789'); // true
 * ssnValid('666', '45', '6789'); // false
 */
export function ssnValid(area: string, group: string, serial: string): boolean {
  return area !== '000' && area !== '666' && area[0] !== '9' && group !== '00' && serial !== '0000';
}

/** IBAN length by country (ISO 13616 registry). Unknown countries fall back to 15–34 characters. */
// biome-ignore format: a registry table reads better in rows
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, BY: 28, CH: 21,
  CR: 22, CY: 28, CZ: 24, DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27,
  GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26,
  IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, MC: 27, MD: 24,
  ME: 22, MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29,
  RO: 24, RS: 22, SA: 24, SC: 31, SE: 24, SI: 19, SK: 24, SM: 27, ST: 25, SV: 28, TL: 23, TN: 24,
  TR: 26, UA: 29, VA: 22, VG: 24, XK: 20,
};

/** The registered IBAN length for a country code, if known. */
export function ibanLength(country: string): number | undefined {
  return IBAN_LENGTHS[country];
}

/**
 * ISO 7064 mod-97-10 check of a compact IBAN (no spaces, upper case).
 *
 * @example
 * ibanChecksumValid('DE89370400440532013000'); // true
 */
export function ibanChecksumValid(iban: string): boolean {
  if (iban.length < 15 || iban.length > 34) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const code = rearranged.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      remainder = (remainder * 10 + (code - 48)) % 97;
    } else if (code >= 65 && code <= 90) {
      remainder = (remainder * 100 + (code - 55)) % 97;
    } else {
      return false;
    }
  }
  return remainder === 1;
}

function digitAt(text: string, i: number): number {
  return text.charCodeAt(i) - ZERO;
}

function allDigits(text: string): boolean {
  return /^\d+$/.test(text);
}

/** Weighted digit sum: `Σ digit[i] × weights[i]`. */
function weightedSum(digits: string, weights: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += digitAt(digits, i) * weights[i]!;
  return sum;
}

/** Whether `YYYYMMDD` (or the given parts) is a real calendar date. */
function isDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const days = [
    31,
    year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28,
    31,
    30,
    31,
    30,
    31,
    31,
    30,
    31,
    30,
    31,
  ];
  return day <= days[month - 1]!;
}

/**
 * Canadian Social Insurance Number: 9 digits, Luhn, not starting with 8 (never issued).
 *
 * @example
 * canadianSinValid('046454286'); // true
 */
export function canadianSinValid(digits: string): boolean {
  return digits.length === 9 && allDigits(digits) && digits[0] !== '8' && luhnValid(digits);
}

/** One Brazilian mod-11 check digit over `digits` with weights counting down from `top`. */
function brazilCheckDigit(digits: string, weights: readonly number[]): number {
  const remainder = weightedSum(digits, weights) % 11;
  return remainder < 2 ? 0 : 11 - remainder;
}

/**
 * Brazilian CPF: 11 digits, the last two mod-11 check digits; repeated digits are never issued.
 *
 * @example
 * brazilCpfValid('52998224725'); // true
 */
export function brazilCpfValid(digits: string): boolean {
  if (digits.length !== 11 || !allDigits(digits) || /^(\d)\1{10}$/.test(digits)) return false;
  const first = brazilCheckDigit(digits, [10, 9, 8, 7, 6, 5, 4, 3, 2]);
  const second = brazilCheckDigit(digits, [11, 10, 9, 8, 7, 6, 5, 4, 3, 2]);
  return first === digitAt(digits, 9) && second === digitAt(digits, 10);
}

/**
 * Brazilian CNPJ: 14 digits, the last two mod-11 check digits.
 *
 * @example
 * brazilCnpjValid('11222333000181'); // true
 */
export function brazilCnpjValid(digits: string): boolean {
  if (digits.length !== 14 || !allDigits(digits) || /^(\d)\1{13}$/.test(digits)) return false;
  const first = brazilCheckDigit(digits, [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]);
  const second = brazilCheckDigit(digits, [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]);
  return first === digitAt(digits, 12) && second === digitAt(digits, 13);
}

// biome-ignore format: the Verhoeff tables read better as rows
const VERHOEFF_MULTIPLY = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
// biome-ignore format: the Verhoeff tables read better as rows
const VERHOEFF_PERMUTE = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

/**
 * Verhoeff check (dihedral group D5), as used by Aadhaar.
 *
 * @example
 * verhoeffValid('2363'); // true
 */
export function verhoeffValid(digits: string): boolean {
  if (digits.length === 0 || !allDigits(digits)) return false;
  let check = 0;
  for (let i = 0; i < digits.length; i++) {
    const digit = digitAt(digits, digits.length - 1 - i);
    check = VERHOEFF_MULTIPLY[check]![VERHOEFF_PERMUTE[i % 8]![digit]!]!;
  }
  return check === 0;
}

/**
 * Indian Aadhaar number: 12 digits, first digit 2–9, Verhoeff check digit.
 *
 * @example
 * aadhaarValid('234123412346'); // true
 */
export function aadhaarValid(digits: string): boolean {
  return digits.length === 12 && /^[2-9]/.test(digits) && verhoeffValid(digits);
}

/**
 * Indian PAN: five letters (the fourth names the holder type: P person, C company, H HUF, F firm,
 * A association, T trust, B body of individuals, L local authority, J juridical person, G
 * government, K krishi), four digits, one letter.
 *
 * @example
 * indianPanValid('ABCPE1234F'); // true
 */
export function indianPanValid(pan: string): boolean {
  return /^[A-Z]{3}[PCHFATBLJGK][A-Z]\d{4}[A-Z]$/.test(pan);
}

const SPANISH_ID_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

/**
 * Spanish DNI (8 digits and a letter) or NIE (X, Y or Z, 7 digits, a letter): the letter is the
 * number mod 23 (NIE: X, Y, Z stand for 0, 1, 2).
 *
 * @example
 * spanishIdValid('12345678Z'); // true (DNI)
 * spanishIdValid('X1234567L'); // true (NIE)
 */
export function spanishIdValid(id: string): boolean {
  const match = /^([XYZ]\d{7}|\d{8})([A-Z])$/.exec(id);
  if (!match) return false;
  const number = Number(match[1]!.replace(/^[XYZ]/, (letter) => String('XYZ'.indexOf(letter))));
  return SPANISH_ID_LETTERS[number % 23] === match[2];
}

/**
 * French NIR (social security number): 13 digits and a 2-digit key, `97 − (number mod 97)`;
 * sex 1/2 (7/8 temporary), month 01–12 or 20–42/50–99 (unknown); Corsica's `2A`/`2B` count as
 * 19/18.
 *
 * @example
 * frenchNirValid('255081416802538'); // true
 */
export function frenchNirValid(nir: string): boolean {
  if (!/^[1278]\d{2}(?:0[1-9]|1[0-2]|[2-35-9]\d|4[0-2])(?:\d{2}|2[AB])\d{6}\d{2}$/.test(nir)) return false;
  const numeric = nir.slice(0, 13).replace('2A', '19').replace('2B', '18');
  let remainder = 0;
  for (let i = 0; i < numeric.length; i++) remainder = (remainder * 10 + digitAt(numeric, i)) % 97;
  return 97 - remainder === Number(nir.slice(13));
}

/**
 * German tax identification number (Steuer-IdNr): 11 digits, first not 0; among the first ten
 * one digit occurs twice or three times and the others at most once; ISO 7064 MOD 11,10 check.
 *
 * @example
 * germanTaxIdValid('65929970489'); // true
 */
export function germanTaxIdValid(digits: string): boolean {
  if (digits.length !== 11 || !allDigits(digits) || digits[0] === '0') return false;
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < 10; i++) counts[digitAt(digits, i)]! += 1;
  const repeated = counts.filter((n) => n > 1);
  if (repeated.length !== 1 || repeated[0]! > 3) return false;
  let product = 10;
  for (let i = 0; i < 10; i++) {
    let sum = (digitAt(digits, i) + product) % 10;
    if (sum === 0) sum = 10;
    product = (sum * 2) % 11;
  }
  const check = (11 - product) % 10;
  return check === digitAt(digits, 10);
}

// Codice fiscale: values of characters in odd (1st, 3rd, …) positions; even positions count 0–9 / A–Z as 0–25.
// biome-ignore format: a table reads better in one row
const FISCAL_ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];

/**
 * Italian codice fiscale: 6 letters, 2 digits, month letter, 2 digits, a letter and 3 digits
 * (digits may be replaced by `LMNPQRSTUV`), and a check letter.
 *
 * @example
 * italianFiscalCodeValid('RSSMRA85T10A562S'); // true
 */
export function italianFiscalCodeValid(code: string): boolean {
  const number = '[0-9LMNPQRSTUV]';
  const shape = new RegExp(`^[A-Z]{6}${number}{2}[ABCDEHLMPRST]${number}{2}[A-Z]${number}{3}[A-Z]$`);
  if (!shape.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const char = code[i]!;
    const value = /\d/.test(char) ? Number(char) : char.charCodeAt(0) - 65;
    sum += i % 2 === 0 ? FISCAL_ODD[value]! : value;
  }
  return String.fromCharCode(65 + (sum % 26)) === code[15];
}

/**
 * Dutch BSN: 9 digits passing the "11-test" (weights 9…2, and −1 for the last digit).
 *
 * @example
 * dutchBsnValid('111222333'); // true
 */
export function dutchBsnValid(digits: string): boolean {
  if (digits.length !== 9 || !allDigits(digits) || digits === '000000000') return false;
  const sum = weightedSum(digits, [9, 8, 7, 6, 5, 4, 3, 2, -1]);
  return sum % 11 === 0;
}

/**
 * Australian Tax File Number: 9 digits, weighted sum (1, 4, 3, 7, 5, 8, 6, 9, 10) divisible by 11.
 *
 * @example
 * australianTfnValid('123456782'); // true
 */
export function australianTfnValid(digits: string): boolean {
  return (
    digits.length === 9 && allDigits(digits) && weightedSum(digits, [1, 4, 3, 7, 5, 8, 6, 9, 10]) % 11 === 0
  );
}

const CURP_ALPHABET = '0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ';
const CURP_STATES =
  'AS|BC|BS|CC|CL|CM|CS|CH|DF|DG|GT|GR|HG|JC|MC|MN|MS|NT|NL|OC|PL|QT|QR|SP|SL|SR|TC|TS|TL|VZ|YN|ZS|NE';
const CURP_SHAPE = new RegExp(
  `^[A-Z][AEIOUX][A-Z]{2}(\\d{2})(\\d{2})(\\d{2})[HMX](?:${CURP_STATES})[B-DF-HJ-NP-TV-Z]{3}[0-9A-Z]\\d$`,
);

/**
 * Mexican CURP: 18 characters (name letters, birth date, sex, state, consonants, a homonym
 * character) and a check digit over the first 17.
 *
 * @example
 * mexicanCurpValid('HEGG560427MVZRRL04'); // true
 */
export function mexicanCurpValid(curp: string): boolean {
  const match = CURP_SHAPE.exec(curp);
  if (!match || !isDate(2000, Number(match[2]), Number(match[3]))) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CURP_ALPHABET.indexOf(curp[i]!) * (18 - i);
  return (10 - (sum % 10)) % 10 === digitAt(curp, 17);
}

/**
 * Japanese My Number (individual number): 12 digits, the last a mod-11 check digit.
 *
 * @example
 * japaneseMyNumberValid('123456789018'); // true
 */
export function japaneseMyNumberValid(digits: string): boolean {
  if (digits.length !== 12 || !allDigits(digits)) return false;
  let sum = 0;
  for (let n = 1; n <= 11; n++) sum += digitAt(digits, 11 - n) * (n <= 6 ? n + 1 : n - 5);
  const remainder = sum % 11;
  return (remainder <= 1 ? 0 : 11 - remainder) === digitAt(digits, 11);
}

/**
 * Korean resident registration number: `YYMMDD-GNNNNNC`, a real birth date, a sex/century digit
 * 1–8, and a check digit (weights 2…9, 2…5). Numbers issued since October 2020 have no check
 * digit; they are kept, like other look-alikes, unless a project adds a custom rule.
 *
 * @example
 * koreanRrnValid('9001011234568'); // true
 */
export function koreanRrnValid(digits: string): boolean {
  if (digits.length !== 13 || !allDigits(digits)) return false;
  const century = '1256'.includes(digits[6]!) ? 1900 : '3478'.includes(digits[6]!) ? 2000 : 0;
  if (century === 0) return false;
  if (!isDate(century + Number(digits.slice(0, 2)), Number(digits.slice(2, 4)), Number(digits.slice(4, 6))))
    return false;
  const sum = weightedSum(digits, [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]);
  return (11 - (sum % 11)) % 10 === digitAt(digits, 12);
}

/**
 * Singapore NRIC/FIN: S, T, F or G, 7 digits and a check letter (weights 2, 7, 6, 5, 4, 3, 2;
 * T and G add 4).
 *
 * @example
 * singaporeNricValid('S1234567D'); // true
 */
export function singaporeNricValid(id: string): boolean {
  const match = /^([STFG])(\d{7})([A-Z])$/.exec(id);
  if (!match) return false;
  const prefix = match[1]!;
  const sum = weightedSum(match[2]!, [2, 7, 6, 5, 4, 3, 2]) + (prefix === 'T' || prefix === 'G' ? 4 : 0);
  const letters = prefix === 'S' || prefix === 'T' ? 'JZIHGFEDCBA' : 'XWUTRQPNMLK';
  return letters[sum % 11] === match[3];
}

/**
 * Chinese resident identity card number: 6-digit region, birth date `YYYYMMDD`, 3-digit sequence
 * and an ISO 7064 MOD 11-2 check character (`X` for 10).
 *
 * @example
 * chineseResidentIdValid('11010519491231002X'); // true
 */
export function chineseResidentIdValid(id: string): boolean {
  if (!/^[1-9]\d{16}[\dX]$/.test(id)) return false;
  const year = Number(id.slice(6, 10));
  if (year < 1900 || year > 2100 || !isDate(year, Number(id.slice(10, 12)), Number(id.slice(12, 14))))
    return false;
  const sum = weightedSum(id, [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]);
  return '10X98765432'[sum % 11] === id[17];
}

/**
 * UK National Insurance number: two prefix letters (not D, F, I, Q, U, V; second not O; not
 * BG, GB, KN, NK, NT, TN, ZZ), six digits and a suffix A–D.
 *
 * @example
 * ukNinoValid('AB123456C'); // true
 */
export function ukNinoValid(nino: string): boolean {
  if (!/^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$/.test(nino)) return false;
  return !['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ'].includes(nino.slice(0, 2));
}
