/**
 * Generators of national identifiers for the global corpus: valid values (check digits computed
 * here from the published algorithms, independently of the redactor's validators) and values
 * whose check is wrong. Deterministic for a given random source.
 */
import { chars, digits, int, luhnCheckDigit, pick, type Random } from './values';

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** One identifier type: a valid value, the same value with its check broken, and how it is printed. */
export interface IdentifierKind {
  valid(random: Random): string;
  /** A value of the same shape whose check fails (kept by the redactor). */
  invalid(random: Random): string;
  /** Words that name it, used before the value in texts (required for the weak checks). */
  cues: readonly string[];
  /** JSON key names it is stored under. */
  keys: readonly string[];
}

/** Replaces the last digit (or letter) by another one of the same kind. */
function breakLast(value: string, random: Random): string {
  const last = value[value.length - 1]!;
  const alphabet = /\d/.test(last) ? '0123456789' : UPPER;
  let other = last;
  while (other === last) other = pick(random, [...alphabet]);
  return value.slice(0, -1) + other;
}

/** Keeps drawing until the check of `make` changes the value's validity. */
function invalidOf(make: (random: Random) => string, valid: (value: string) => boolean) {
  return (random: Random): string => {
    for (;;) {
      const value = breakLast(make(random), random);
      if (!valid(value)) return value;
    }
  };
}

function weighted(body: string, weights: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += Number(body[i]) * weights[i]!;
  return sum;
}

function date(random: Random, fromYear: number, toYear: number): { y: number; m: number; d: number } {
  return { y: int(random, fromYear, toYear), m: int(random, 1, 12), d: int(random, 1, 28) };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function group(value: string, sizes: readonly number[], separator: string): string {
  const parts: string[] = [];
  let at = 0;
  for (const size of sizes) {
    parts.push(value.slice(at, at + size));
    at += size;
  }
  return parts.join(separator);
}

// --- checks written from the specifications (used to build valid values and to break them) ---

function brazilDigit(body: string, weights: readonly number[]): string {
  const remainder = weighted(body, weights) % 11;
  return String(remainder < 2 ? 0 : 11 - remainder);
}

function cpfDigits(nine: string): string {
  const first = brazilDigit(nine, [10, 9, 8, 7, 6, 5, 4, 3, 2]);
  return nine + first + brazilDigit(nine + first, [11, 10, 9, 8, 7, 6, 5, 4, 3, 2]);
}

function cnpjDigits(twelve: string): string {
  const first = brazilDigit(twelve, [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]);
  return twelve + first + brazilDigit(twelve + first, [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]);
}

// Verhoeff tables (multiplication in D5, the permutation, the inverse).
const D = [
  '0123456789',
  '1234067895',
  '2340178956',
  '3401289567',
  '4012395678',
  '5987604321',
  '6598710432',
  '7659821043',
  '8765932104',
  '9876543210',
].map((row) => [...row].map(Number));
const P = [
  '0123456789',
  '1576283094',
  '5803796142',
  '8916043527',
  '9453126870',
  '4286573901',
  '2793806415',
  '7046913258',
].map((row) => [...row].map(Number));
const INVERSE = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

function verhoeffDigit(body: string): string {
  let c = 0;
  const reversed = [...body].reverse();
  for (let i = 0; i < reversed.length; i++) c = D[c]![P[(i + 1) % 8]![Number(reversed[i])]!]!;
  return String(INVERSE[c]);
}

function verhoeffOk(value: string): boolean {
  let c = 0;
  const reversed = [...value].reverse();
  for (let i = 0; i < reversed.length; i++) c = D[c]![P[i % 8]![Number(reversed[i])]!]!;
  return c === 0;
}

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

function mod97Of(numeric: string): number {
  return Number(BigInt(numeric) % 97n);
}

function germanCheck(ten: string): number {
  let product = 10;
  for (const char of ten) {
    let sum = (Number(char) + product) % 10;
    if (sum === 0) sum = 10;
    product = (sum * 2) % 11;
  }
  return (11 - product) % 10;
}

/** Ten digits, first not 0, one digit twice and the others once (a digit is missing). */
function germanBody(random: Random): string {
  const pool = [...'0123456789'];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = int(random, 0, i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  const nine = pool.slice(0, 9);
  nine.splice(int(random, 0, 9), 0, nine[int(random, 0, 8)]!);
  if (nine[0] === '0') return germanBody(random);
  return nine.join('');
}

function germanValid(value: string): boolean {
  const counts = new Map<string, number>();
  for (const c of value.slice(0, 10)) counts.set(c, (counts.get(c) ?? 0) + 1);
  const repeated = [...counts.values()].filter((n) => n > 1);
  return repeated.length === 1 && repeated[0]! <= 3 && germanCheck(value.slice(0, 10)) === Number(value[10]);
}

const FISCAL_ODD = [
  1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
];

function fiscalCheck(fifteen: string): string {
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const c = fifteen[i]!;
    const value = /\d/.test(c) ? Number(c) : c.charCodeAt(0) - 65;
    sum += i % 2 === 0 ? FISCAL_ODD[value]! : value;
  }
  return UPPER[sum % 26]!;
}

const CURP_ALPHABET = '0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ';

function curpCheck(seventeen: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CURP_ALPHABET.indexOf(seventeen[i]!) * (18 - i);
  return String((10 - (sum % 10)) % 10);
}

function myNumberCheck(eleven: string): string {
  let sum = 0;
  for (let n = 1; n <= 11; n++) sum += Number(eleven[11 - n]) * (n <= 6 ? n + 1 : n - 5);
  const remainder = sum % 11;
  return String(remainder <= 1 ? 0 : 11 - remainder);
}

function rrnCheck(twelve: string): string {
  return String((11 - (weighted(twelve, [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]) % 11)) % 10);
}

function nricLetter(prefix: string, seven: string): string {
  const sum = weighted(seven, [2, 7, 6, 5, 4, 3, 2]) + (prefix === 'T' || prefix === 'G' ? 4 : 0);
  return (prefix === 'S' || prefix === 'T' ? 'JZIHGFEDCBA' : 'XWUTRQPNMLK')[sum % 11]!;
}

function chinaCheck(seventeen: string): string {
  return '10X98765432'[weighted(seventeen, [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]) % 11]!;
}

// --- the identifier kinds ---

const ukNino = (random: Random) =>
  `${pick(random, [...'ABCEGHJKLMNOPRSTWXYZ'])}${pick(random, [...'ABCEGHJKLMNPRSTWXYZ'])}`.replace(
    /^(?:BG|GB|KN|NK|NT|TN|ZZ)$/,
    'AB',
  ) +
  digits(random, 6) +
  pick(random, [...'ABCD']);

const sin = (random: Random) => {
  const body = `${pick(random, [...'1234567'])}${digits(random, 7)}`;
  return body + luhnCheckDigit(body);
};

const cpf = (random: Random) => cpfDigits(`${int(random, 1, 9)}${digits(random, 8)}`);
const cnpj = (random: Random) =>
  cnpjDigits(`${int(random, 1, 9)}${digits(random, 7)}000${int(random, 1, 9)}`);
const aadhaar = (random: Random) => {
  const body = `${int(random, 2, 9)}${digits(random, 10)}`;
  return body + verhoeffDigit(body);
};
const pan = (random: Random) =>
  `${chars(random, UPPER, 3)}${pick(random, [...'PCHFATBLJG'])}${chars(random, UPPER, 1)}${digits(random, 4)}${chars(random, UPPER, 1)}`;
const dni = (random: Random) => {
  const number = digits(random, 8);
  return number + DNI_LETTERS[Number(number) % 23];
};
const nie = (random: Random) => {
  const prefix = pick(random, ['X', 'Y', 'Z']);
  const number = digits(random, 7);
  return prefix + number + DNI_LETTERS[Number(String('XYZ'.indexOf(prefix)) + number) % 23];
};
const nir = (random: Random) => {
  const { y, m } = date(random, 1940, 2005);
  const body = `${int(random, 1, 2)}${pad(y % 100)}${pad(m)}${pad(int(random, 1, 95))}${digits(random, 3)}${digits(random, 3)}`;
  return body + pad(97 - mod97Of(body));
};
const germanTaxId = (random: Random): string => {
  for (;;) {
    const body = germanBody(random);
    const value = body + germanCheck(body);
    if (germanValid(value)) return value;
  }
};
const fiscalCode = (random: Random) => {
  const { y, m, d } = date(random, 1940, 2005);
  const body = `${chars(random, UPPER, 6)}${pad(y % 100)}${'ABCDEHLMPRST'[m - 1]}${pad(d + (random() < 0.5 ? 40 : 0))}${chars(random, UPPER, 1)}${digits(random, 3)}`;
  return body + fiscalCheck(body);
};
const bsn = (random: Random): string => {
  for (;;) {
    const body = `${int(random, 1, 9)}${digits(random, 7)}`;
    const remainder = weighted(body, [9, 8, 7, 6, 5, 4, 3, 2]) % 11;
    if (remainder <= 9) return body + String(remainder); // the last digit counts −1
  }
};
const tfn = (random: Random): string => {
  for (;;) {
    const body = `${int(random, 1, 9)}${digits(random, 7)}`;
    const sum = weighted(body, [1, 4, 3, 7, 5, 8, 6, 9]);
    for (let last = 0; last <= 9; last++) if ((sum + 10 * last) % 11 === 0) return body + String(last);
  }
};
const CURP_STATES = ['AS', 'BC', 'CH', 'DF', 'JC', 'MC', 'NL', 'PL', 'QT', 'VZ', 'YN', 'ZS', 'NE'];
const curp = (random: Random) => {
  const { y, m, d } = date(random, 1940, 2005);
  const body = `${chars(random, 'BCDFGHLMNPRSTVZ', 1)}${pick(random, [...'AEIOUX'])}${chars(random, UPPER, 2)}${pad(y % 100)}${pad(m)}${pad(d)}${pick(random, ['H', 'M'])}${pick(random, CURP_STATES)}${chars(random, 'BCDFGHJKLMNPQRSTVWXZ', 3)}${y >= 2000 ? 'A' : String(int(random, 0, 9))}`;
  return body + curpCheck(body);
};
const myNumber = (random: Random) => {
  const body = digits(random, 11);
  return body + myNumberCheck(body);
};
const rrn = (random: Random) => {
  const { y, m, d } = date(random, 1940, 2019);
  const body = `${pad(y % 100)}${pad(m)}${pad(d)}${y >= 2000 ? int(random, 3, 4) : int(random, 1, 2)}${digits(random, 5)}`;
  return body + rrnCheck(body);
};
const nric = (random: Random) => {
  const prefix = pick(random, ['S', 'T', 'F', 'G']);
  const number = digits(random, 7);
  return prefix + number + nricLetter(prefix, number);
};
const REGIONS = ['110105', '310101', '440305', '510104', '330106', '420102', '320102', '610113'];
const chinaId = (random: Random) => {
  const { y, m, d } = date(random, 1950, 2010);
  const body = `${pick(random, REGIONS)}${y}${pad(m)}${pad(d)}${digits(random, 3)}`;
  return body + chinaCheck(body);
};

/** Printed forms of each identifier (applied to the compact value). */
const FORMS: Record<string, (value: string, random: Random) => string> = {
  UK_NINO: (v, r) =>
    r() < 0.5 ? v : `${v.slice(0, 2)} ${v.slice(2, 4)} ${v.slice(4, 6)} ${v.slice(6, 8)} ${v[8]}`,
  CA_SIN: (v, r) => pick(r, [group(v, [3, 3, 3], ' '), group(v, [3, 3, 3], '-'), v]),
  BR_CPF: (v, r) => (r() < 0.7 ? `${group(v, [3, 3, 3], '.')}-${v.slice(9)}` : v),
  BR_CNPJ: (v, r) => (r() < 0.7 ? `${group(v, [2, 3, 3], '.')}/${v.slice(8, 12)}-${v.slice(12)}` : v),
  IN_AADHAAR: (v, r) => pick(r, [group(v, [4, 4, 4], ' '), group(v, [4, 4, 4], '-'), v]),
  IN_PAN: (v) => v,
  ES_DNI: (v, r) => pick(r, [v, `${v.slice(0, 8)}-${v[8]}`]),
  ES_NIE: (v, r) => pick(r, [v, `${v[0]}-${v.slice(1, 8)}-${v[8]}`]),
  FR_NIR: (v, r) => (r() < 0.5 ? v : group(v, [1, 2, 2, 2, 3, 3, 2], ' ')),
  DE_TAX_ID: (v, r) => (r() < 0.5 ? v : group(v, [2, 3, 3, 3], ' ')),
  IT_FISCAL_CODE: (v) => v,
  NL_BSN: (v, r) => pick(r, [v, group(v, [4, 2, 3], '.')]),
  AU_TFN: (v, r) => pick(r, [v, group(v, [3, 3, 3], ' ')]),
  MX_CURP: (v) => v,
  JP_MY_NUMBER: (v, r) => pick(r, [v, group(v, [4, 4, 4], ' '), group(v, [4, 4, 4], '-')]),
  KR_RRN: (v, r) => (r() < 0.8 ? `${v.slice(0, 6)}-${v.slice(6)}` : v),
  SG_NRIC: (v) => v,
  CN_RESIDENT_ID: (v) => v,
};

function kind(
  type: string,
  make: (random: Random) => string,
  valid: (value: string) => boolean,
  cues: readonly string[],
  keys: readonly string[],
): [string, IdentifierKind] {
  const form = FORMS[type]!;
  return [
    type,
    {
      valid: (random) => form(make(random), random),
      invalid: (random) => form(invalidOf(make, valid)(random), random),
      cues,
      keys,
    },
  ];
}

/** Every national identifier type with its generators. */
export const IDENTIFIERS: Record<string, IdentifierKind> = Object.fromEntries([
  kind(
    'UK_NINO',
    ukNino,
    (v) => /[A-D]$/.test(v),
    ['National Insurance number', 'NI number', 'NINO'],
    ['nino', 'national_insurance_number'],
  ),
  kind(
    'CA_SIN',
    sin,
    (v) => luhnCheckDigit(v.slice(0, 8)) === v[8],
    ['SIN', 'social insurance number', 'NAS'],
    ['sin', 'socialInsuranceNumber'],
  ),
  kind('BR_CPF', cpf, (v) => cpfDigits(v.slice(0, 9)) === v, ['CPF', 'CPF do titular'], ['cpf']),
  kind('BR_CNPJ', cnpj, (v) => cnpjDigits(v.slice(0, 12)) === v, ['CNPJ', 'CNPJ da empresa'], ['cnpj']),
  kind(
    'IN_AADHAAR',
    aadhaar,
    verhoeffOk,
    ['Aadhaar', 'Aadhaar number', 'UIDAI'],
    ['aadhaar', 'aadhaar_number'],
  ),
  [
    'IN_PAN',
    {
      valid: pan,
      // No check digit: a wrong holder-type letter (the fourth) makes a look-alike.
      invalid: (random: Random) => {
        const value = pan(random);
        return `${value.slice(0, 3)}${pick(random, [...'DEIMNOQRSUVWXYZ'])}${value.slice(4)}`;
      },
      cues: ['PAN', 'PAN card'],
      keys: ['pan'],
    },
  ],
  kind(
    'ES_DNI',
    dni,
    (v) => DNI_LETTERS[Number(v.slice(0, 8)) % 23] === v[8],
    ['DNI', 'NIF'],
    ['dni', 'nif'],
  ),
  kind(
    'ES_NIE',
    nie,
    (v) => DNI_LETTERS[Number(String('XYZ'.indexOf(v[0]!)) + v.slice(1, 8)) % 23] === v[8],
    ['NIE'],
    ['nie'],
  ),
  kind(
    'FR_NIR',
    nir,
    (v) => 97 - mod97Of(v.slice(0, 13)) === Number(v.slice(13)),
    ['numéro de sécurité sociale', 'NIR'],
    ['nir', 'numero_securite_sociale'],
  ),
  kind(
    'DE_TAX_ID',
    germanTaxId,
    germanValid,
    ['Steuer-ID', 'Steueridentifikationsnummer', 'IdNr'],
    ['steuer_id', 'steuerId'],
  ),
  kind(
    'IT_FISCAL_CODE',
    fiscalCode,
    (v) => fiscalCheck(v.slice(0, 15)) === v[15],
    ['codice fiscale', 'CF'],
    ['codice_fiscale'],
  ),
  kind(
    'NL_BSN',
    bsn,
    (v) => (weighted(v, [9, 8, 7, 6, 5, 4, 3, 2]) - Number(v[8])) % 11 === 0,
    ['BSN', 'burgerservicenummer'],
    ['bsn', 'burgerservicenummer'],
  ),
  kind(
    'AU_TFN',
    tfn,
    (v) => weighted(v, [1, 4, 3, 7, 5, 8, 6, 9, 10]) % 11 === 0,
    ['TFN', 'tax file number'],
    ['tfn', 'taxFileNumber'],
  ),
  kind('MX_CURP', curp, (v) => curpCheck(v.slice(0, 17)) === v[17], ['CURP'], ['curp']),
  kind(
    'JP_MY_NUMBER',
    myNumber,
    (v) => myNumberCheck(v.slice(0, 11)) === v[11],
    ['My Number', 'マイナンバー', '個人番号'],
    ['my_number', 'myNumber'],
  ),
  kind(
    'KR_RRN',
    rrn,
    (v) => rrnCheck(v.slice(0, 12)) === v[12],
    ['주민등록번호', 'RRN', 'resident registration number'],
    ['rrn'],
  ),
  kind('SG_NRIC', nric, (v) => nricLetter(v[0]!, v.slice(1, 8)) === v[8], ['NRIC', 'FIN'], ['nric']),
  kind(
    'CN_RESIDENT_ID',
    chinaId,
    (v) => chinaCheck(v.slice(0, 17)) === v[17],
    ['身份证号', 'resident ID'],
    ['id_card', 'shenfenzheng'],
  ),
]);
