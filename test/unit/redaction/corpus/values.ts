/**
 * Generators of realistic values for the labelled corpus: valid instances of every detector type
 * (checksums computed, not copied) and look-alikes that must be kept. Deterministic (seeded).
 */

/** Small seeded PRNG (mulberry32) so the corpus is the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = () => number;

export const pick = <T>(random: Random, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)]!;
export const int = (random: Random, min: number, max: number): number =>
  min + Math.floor(random() * (max - min + 1));

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const HEX = '0123456789abcdef';

export function chars(random: Random, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(random() * alphabet.length)];
  return out;
}

/** Random token with at least one digit, one upper and one lower case letter. */
function token(random: Random, length: number, alphabet = ALNUM): string {
  for (;;) {
    const candidate = chars(random, alphabet, length);
    if (/\d/.test(candidate) && /[A-Z]/.test(candidate) && /[a-z]/.test(candidate)) return candidate;
  }
}

export function digits(random: Random, n: number): string {
  return chars(random, '0123456789', n);
}

export function luhnCheckDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

const CARD_PREFIXES: [string, number][] = [
  ['4', 16],
  ['4', 13],
  ['51', 16],
  ['55', 16],
  ['2221', 16],
  ['2720', 16],
  ['34', 15],
  ['37', 15],
  ['6011', 16],
  ['65', 16],
  ['3528', 16],
  ['36', 14],
  ['62', 19],
];

/** A Luhn-valid card number of a real brand, optionally printed with separators. */
export function creditCard(random: Random): string {
  const [prefix, length] = pick(random, CARD_PREFIXES);
  const body = prefix + digits(random, length - prefix.length - 1);
  const number = body + luhnCheckDigit(body);
  const style = int(random, 0, 2);
  if (style === 0) return number;
  const separator = style === 1 ? ' ' : '-';
  if (length === 15) return [number.slice(0, 4), number.slice(4, 10), number.slice(10)].join(separator);
  return number.match(/.{1,4}/g)!.join(separator);
}

/** A 16-digit number of a card brand prefix that fails the Luhn check. */
export function cardFailingLuhn(random: Random): string {
  const body = `4${digits(random, 14)}`;
  const wrong = (Number(luhnCheckDigit(body)) + int(random, 1, 9)) % 10;
  return body + String(wrong);
}

export function ssn(random: Random): string {
  let area: string;
  do area = digits(random, 3);
  while (area === '000' || area === '666' || area[0] === '9');
  let group: string;
  do group = digits(random, 2);
  while (group === '00');
  let serial: string;
  do serial = digits(random, 4);
  while (serial === '0000');
  return random() < 0.85 ? `${area}-${group}-${serial}` : `${area} ${group} ${serial}`;
}

export function invalidSsn(random: Random): string {
  return pick(random, [
    `000-${int(random, 10, 99)}-${int(random, 1000, 9999)}`,
    `666-${int(random, 10, 99)}-${int(random, 1000, 9999)}`,
    `9${int(random, 10, 99)}-${int(random, 10, 99)}-${int(random, 1000, 9999)}`,
    `${int(random, 100, 665)}-00-${int(random, 1000, 9999)}`,
    `${int(random, 100, 665)}-${int(random, 10, 99)}-0000`,
  ]);
}

export function nanpPhone(random: Random): string {
  const area = `${int(random, 2, 9)}${digits(random, 2)}`;
  const exchange = `${int(random, 2, 9)}${digits(random, 2)}`;
  const line = digits(random, 4);
  return pick(random, [
    `(${area}) ${exchange}-${line}`,
    `${area}-${exchange}-${line}`,
    `${area}.${exchange}.${line}`,
    `${area} ${exchange} ${line}`,
    `+1 ${area} ${exchange} ${line}`,
    `+1-${area}-${exchange}-${line}`,
    `1-${area}-${exchange}-${line}`,
    `+1 (${area}) ${exchange}-${line}`,
    `+1${area}${exchange}${line}`,
  ]);
}

export function internationalPhone(random: Random): string {
  return pick(random, [
    `+44 20 ${digits(random, 4)} ${digits(random, 4)}`,
    `+44 7${digits(random, 3)} ${digits(random, 6)}`,
    `+49 30 ${digits(random, 8)}`,
    `+49 151 ${digits(random, 4)} ${digits(random, 4)}`,
    `+33 1 ${digits(random, 2)} ${digits(random, 2)} ${digits(random, 2)} ${digits(random, 2)}`,
    `+33 6${digits(random, 8)}`,
    `+34 91 ${digits(random, 3)} ${digits(random, 2)} ${digits(random, 2)}`,
    `+81 3-${digits(random, 4)}-${digits(random, 4)}`,
    `+61 2 ${digits(random, 4)} ${digits(random, 4)}`,
    `+91 ${int(random, 7, 9)}${digits(random, 4)} ${digits(random, 5)}`,
    `+55 11 9${digits(random, 4)}-${digits(random, 4)}`,
    `+353 1 ${digits(random, 3)} ${digits(random, 4)}`,
    `+44 (0)20 ${digits(random, 4)} ${digits(random, 4)}`,
    `+4930${digits(random, 8)}`,
  ]);
}

function mod97(numeric: string): number {
  let remainder = 0;
  for (const c of numeric) remainder = (remainder * 10 + Number(c)) % 97;
  return remainder;
}

function ibanNumeric(text: string): string {
  return [...text].map((c) => (/[A-Z]/.test(c) ? String(c.charCodeAt(0) - 55) : c)).join('');
}

const IBAN_FORMATS: [string, number, string][] = [
  ['DE', 22, '0'],
  ['GB', 22, 'A4'],
  ['FR', 27, '0'],
  ['ES', 24, '0'],
  ['IT', 27, 'A0'],
  ['NL', 18, 'A4'],
  ['BE', 16, '0'],
  ['CH', 21, '0'],
  ['AT', 20, '0'],
  ['PL', 28, '0'],
  ['SE', 24, '0'],
  ['NO', 15, '0'],
  ['IE', 22, 'A4'],
  ['PT', 25, '0'],
];

/** A mod-97-valid IBAN, compact or printed in groups of four. */
export function iban(random: Random): string {
  const [country, length, shape] = pick(random, IBAN_FORMATS);
  const bbanLength = length - 4;
  const letters = shape.startsWith('A') ? Number(shape.slice(1)) : 0;
  const bban = chars(random, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', letters) + digits(random, bbanLength - letters);
  const check = String(98 - mod97(ibanNumeric(`${bban}${country}00`))).padStart(2, '0');
  const compact = `${country}${check}${bban}`;
  return random() < 0.5 ? compact : compact.match(/.{1,4}/g)!.join(' ');
}

/** An IBAN-shaped string with a wrong check. */
export function ibanFailingChecksum(random: Random): string {
  const valid = iban(random).replace(/ /g, '');
  const check = Number(valid.slice(2, 4));
  const wrong = String(((check + int(random, 1, 50)) % 97) + 2).padStart(2, '0');
  return valid.slice(0, 2) + (wrong === valid.slice(2, 4) ? '01' : wrong) + valid.slice(4);
}

export function ipv4(random: Random): string {
  return pick(random, [
    `192.168.${int(random, 0, 255)}.${int(random, 1, 254)}`,
    `10.${int(random, 0, 255)}.${int(random, 0, 255)}.${int(random, 1, 254)}`,
    `172.${int(random, 16, 31)}.${int(random, 0, 255)}.${int(random, 1, 254)}`,
    `${int(random, 11, 223)}.${int(random, 0, 255)}.${int(random, 0, 255)}.${int(random, 1, 254)}`,
  ]);
}

export function ipv6(random: Random): string {
  const group = () => chars(random, HEX, int(random, 1, 4)).replace(/^0+(?=.)/, '');
  const full = Array.from({ length: 8 }, group).join(':');
  return pick(random, [
    full,
    `2001:db8:${group()}:${group()}::${group()}`,
    `fe80::${group()}:${group()}:${group()}:${group()}`,
    `2001:0db8:85a3:0000:0000:8a2e:0370:${chars(random, HEX, 4)}`,
    `::ffff:192.168.${int(random, 0, 255)}.${int(random, 1, 254)}`,
    `2606:4700:4700::${int(random, 1000, 1111)}`,
  ]);
}

export const awsAccessKey = (random: Random) =>
  `${pick(random, ['AKIA', 'ASIA'])}${chars(random, UPPER_DIGITS, 16)}`;
export const openAiKey = (random: Random) =>
  pick(random, [
    `sk-${token(random, 48)}`,
    `sk-proj-${token(random, 20)}T3BlbkFJ${token(random, 20)}`,
    `sk-proj-${token(random, 156, `${ALNUM}_-`)}`,
    `sk-svcacct-${token(random, 64, `${ALNUM}_-`)}`,
  ]);
export const anthropicKey = (random: Random) => `sk-ant-api03-${token(random, 93, `${ALNUM}_-`)}AA`;
export const githubToken = (random: Random) =>
  random() < 0.8
    ? `${pick(random, ['ghp', 'gho', 'ghu', 'ghs', 'ghr'])}_${token(random, 36)}`
    : `github_pat_${token(random, 22)}_${token(random, 59)}`;
export const slackToken = (random: Random) =>
  `xox${pick(random, ['b', 'p', 'a', 'r', 's', 'o'])}-${digits(random, 12)}-${digits(random, 13)}-${token(random, 24)}`;
export const stripeKey = (random: Random) =>
  `${pick(random, ['sk_live_', 'rk_live_', 'sk_test_', 'rk_test_'])}${token(random, pick(random, [24, 99]))}`;
export const googleApiKey = (random: Random) => `AIza${token(random, 35, `${ALNUM}_-`)}`;

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}

export function jwt(random: Random): string {
  const header = base64url(JSON.stringify({ alg: pick(random, ['HS256', 'RS256']), typ: 'JWT' }));
  const payload = base64url(
    JSON.stringify({ sub: digits(random, 10), name: 'Jane Doe', iat: 1_716_239_022 + int(random, 0, 1e6) }),
  );
  return `${header}.${payload}.${token(random, 43, `${ALNUM}_-`)}`;
}

export function privateKey(random: Random): string {
  const kind = pick(random, ['RSA ', 'EC ', 'OPENSSH ', '', 'ENCRYPTED ']);
  const lines = Array.from({ length: int(random, 3, 12) }, () => token(random, 64, `${ALNUM}+/`));
  return `-----BEGIN ${kind}PRIVATE KEY-----\n${lines.join('\n')}\n-----END ${kind}PRIVATE KEY-----`;
}

const FIRST = [
  'ada',
  'grace',
  'alan',
  'linus',
  'margaret',
  'ken',
  'barbara',
  'edsger',
  'frances',
  'john',
  'maria',
];
const LAST = [
  'lovelace',
  'hopper',
  'turing',
  'torvalds',
  'hamilton',
  'thompson',
  'liskov',
  'dijkstra',
  'allen',
];
const DOMAINS = [
  'example.com',
  'mail.example.org',
  'company.co.uk',
  'uni-berlin.de',
  'startup.io',
  'gmail.com',
];

export function email(random: Random): string {
  const first = pick(random, FIRST);
  const last = pick(random, LAST);
  const local = pick(random, [
    `${first}.${last}`,
    `${first}${int(random, 1, 99)}`,
    `${first}_${last}`,
    `${first[0]}${last}`,
    `${first}+tag`,
    `${first.toUpperCase()}.${last}`,
  ]);
  return `${local}@${pick(random, DOMAINS)}`;
}

export function urlWithCredentials(random: Random): string {
  const user = pick(random, FIRST);
  const password = token(random, int(random, 8, 20));
  return pick(random, [
    `https://${user}:${password}@db.example.com/path`,
    `postgres://${user}:${password}@db.internal:5432/app`,
    `redis://:${password}@cache.internal:6379/0`,
    `ftp://${user}:${password}@files.example.org`,
    `mongodb+srv://${user}:${password}@cluster0.abcde.mongodb.net/test`,
  ]);
}

export const hexHash = (random: Random, length: number) => chars(random, HEX, length);

export function uuid(random: Random): string {
  const h = hexHash(random, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

export { FIRST, LAST, token };
