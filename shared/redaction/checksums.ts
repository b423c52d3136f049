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
      return n >= 12; // Maestro (50, 56–59)
    case '2':
      return four >= 2221 && four <= 2720 && n === 16;
    case '3':
      if (two === 34 || two === 37) return n === 15;
      if (two === 36 || two === 38 || two === 39 || (four >= 3000 && four <= 3059)) return n >= 14;
      if (four >= 3528 && four <= 3589) return n >= 16;
      return false;
    case '6':
      return n >= 12; // Discover, UnionPay, Maestro
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
