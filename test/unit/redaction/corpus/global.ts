/**
 * The global corpus: personal data and secrets of the families a global user expects masked
 * (national identifiers with their checks, phone numbers in national written forms, unusual
 * e-mail addresses, service credentials recognised by format, values in transit encodings),
 * each in four forms (a chat sentence, a JSON value under its key, URL-encoded in a query string,
 * JSON-escaped inside a logged request), and look-alikes that must be kept. Reproducible from a
 * seed: `buildGlobalCorpus(seed)`.
 */
import { IDENTIFIERS } from './identifiers';
import { chars, digits, int, pick, type Random, seededRandom, token } from './values';

/** How a value is carried. */
export type Form = 'text' | 'json' | 'url' | 'escaped';
export const FORMS: readonly Form[] = ['text', 'json', 'url', 'escaped'];

export interface GlobalItem {
  family: string;
  form: Form;
  /** A text (for `text`, `url` and `escaped`) or a JSON value (for `json`). */
  input: string | Record<string, unknown>;
  /** Values of each type it contains. */
  expect: Record<string, number>;
}

export interface GlobalLookAlike {
  /** The family it resembles. */
  mimics: string;
  input: string | Record<string, unknown>;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const HEX = '0123456789abcdef';
const B64 = `${ALNUM}+/`;

/** A value of one family: the value, its type, the words that may precede it and the JSON key it goes under. */
interface Sample {
  value: string;
  type: string;
  cue: string;
  key: string;
}

type Family = (random: Random) => Sample;

const nationalFamilies: Record<string, Family> = Object.fromEntries(
  Object.entries(IDENTIFIERS).map(([type, kind]) => [
    type,
    (random: Random) => ({
      value: kind.valid(random),
      type,
      cue: pick(random, kind.cues),
      key: pick(random, kind.keys),
    }),
  ]),
);

function phone(random: Random): string {
  const d = (n: number) => digits(random, n);
  return pick(random, [
    `07${int(random, 4, 9)}${d(2)} ${d(6)}`, // UK mobile
    `020 ${int(random, 3, 8)}${d(3)} ${d(4)}`, // London
    `0161 ${int(random, 2, 9)}${d(2)} ${d(4)}`, // Manchester
    `0${int(random, 1, 9)} ${d(2)} ${d(2)} ${d(2)} ${d(2)}`, // France
    `0${int(random, 1, 7)}.${d(2)}.${d(2)}.${d(2)}.${d(2)}`, // France, dotted
    `030 ${int(random, 2, 9)}${d(7)}`, // Berlin
    `(030) ${int(random, 2, 9)}${d(3)}-${d(4)}`,
    `015${int(random, 1, 9)} ${d(8)}`, // German mobile
    `03-${d(4)}-${d(4)}`, // Tokyo
    `090-${d(4)}-${d(4)}`, // Japanese mobile
    `010-${d(4)}-${d(4)}`, // Korean mobile
    `(02) ${d(4)} ${d(4)}`, // Sydney
    `04${d(2)} ${d(3)} ${d(3)}`, // Australian mobile
    `+33 1 ${d(2)} ${d(2)} ${d(2)} ${d(2)}`,
    `+33 (0)6 ${d(2)} ${d(2)} ${d(2)} ${d(2)}`,
    `+81 3-${d(4)}-${d(4)}`,
    `+81 90-${d(4)}-${d(4)}`,
    `0044 20 ${d(4)} ${d(4)}`,
    `0049 30 ${d(8)}`,
    `+44 20 ${d(4)} ${d(4)} ext. ${d(3)}`,
    `+1 415 ${int(random, 2, 9)}${d(2)} ${d(4)} x${d(3)}`,
    `(415) ${int(random, 2, 9)}${d(2)}-${d(4)} ext ${d(2)}`,
    `+49 (0)30 ${d(8)}`,
    `+91 98${d(3)} ${d(5)}`,
    `+55 11 9${d(4)}-${d(4)}`,
    `(11) 9${d(4)}-${d(4)}`, // São Paulo mobile
    `138 ${d(4)} ${d(4)}`, // Chinese mobile
    `+86 138 ${d(4)} ${d(4)}`,
    `+82 10-${d(4)}-${d(4)}`,
    `+61 4${d(2)} ${d(3)} ${d(3)}`,
  ]);
}

function unusualEmail(random: Random): string {
  const name = pick(random, [
    'jane',
    'o.brien',
    'li.wei',
    'ana-maria',
    'j_smith',
    'x',
    'ops+alerts',
    'user.name+tag+sorting',
  ]);
  const local = pick(random, [
    name,
    `${name}${int(random, 1, 9999)}`,
    name.toUpperCase(),
    `o'connor`,
    `${name}!${int(random, 1, 9)}`,
    `#${name}`,
    `${int(random, 10000, 99999)}`,
    `${name}.${chars(random, LOWER, 4)}`,
    `${name}~test`,
  ]);
  const domain = pick(random, [
    'example.com',
    'mail.example.co.uk',
    'sub.domain.example.org',
    'xn--bcher-kva.example',
    'example.technology',
    'a.io',
    'my-company.com.br',
    'uni-tuebingen.de',
    'example.museum',
    '123.example.net',
  ]);
  return `${local}@${domain}`;
}

function databaseUrl(random: Random): string {
  const user = pick(random, ['app', 'admin', 'root', 'default', 'svc_reader']);
  const password = pick(random, [
    token(random, int(random, 10, 24)),
    `${token(random, 8)}%40${token(random, 4)}`,
    `${token(random, 6)}!${token(random, 6)}$`,
  ]);
  return pick(random, [
    `postgres://${user}:${password}@db.internal:5432/app`,
    `postgresql://${user}:${password}@pg.example.com/prod?sslmode=require`,
    `mysql://${user}:${password}@10.0.0.12:3306/shop`,
    `mongodb+srv://${user}:${password}@cluster0.ab1cd.mongodb.net/test?retryWrites=true`,
    `mongodb://${user}:${password}@mongo1:27017,mongo2:27017/admin`,
    `redis://:${password}@cache.internal:6379/0`,
    `rediss://${user}:${password}@redis.example.com:6380`,
    `amqp://${user}:${password}@rabbit:5672/vhost`,
  ]);
}

/** Credentials recognised by their format; `key` is a name that does not look secret. */
const secretFamilies: Record<string, Family> = {
  DATABASE_URL: (r) => ({ value: databaseUrl(r), type: 'URL_CREDENTIALS', cue: 'connect with', key: 'dsn' }),
  AZURE_STORAGE_KEY: (r) => ({
    value: `DefaultEndpointsProtocol=https;AccountName=${chars(r, LOWER, 10)};AccountKey=${chars(r, B64, 86)}==;EndpointSuffix=core.windows.net`,
    type: 'AZURE_STORAGE_KEY',
    cue: 'storage:',
    key: 'storage',
  }),
  HUGGINGFACE_TOKEN: (r) => ({
    value: `hf_${chars(r, ALNUM.slice(0, 52), 34)}`,
    type: 'HUGGINGFACE_TOKEN',
    cue: 'hub login',
    key: 'hub',
  }),
  NPM_TOKEN: (r) => ({
    value: `npm_${token(r, 36)}`,
    type: 'NPM_TOKEN',
    cue: '//registry.npmjs.org/:_authToken is',
    key: 'registry',
  }),
  GITLAB_TOKEN: (r) => ({
    value: pick(r, [
      `glpat-${token(r, 20, `${ALNUM}_-`)}`,
      `gldt-${token(r, 20)}`,
      `glrt-${token(r, 20)}`,
      `glptt-${chars(r, HEX, 40)}`,
    ]),
    type: 'GITLAB_TOKEN',
    cue: 'clone using',
    key: 'ci',
  }),
  SENDGRID_KEY: (r) => ({
    value: `SG.${token(r, 22, `${ALNUM}_-`)}.${token(r, 43, `${ALNUM}_-`)}`,
    type: 'SENDGRID_KEY',
    cue: 'mailer uses',
    key: 'mailer',
  }),
  TWILIO_KEY: (r) => ({
    value: `SK${chars(r, HEX, 32)}`,
    type: 'TWILIO_KEY',
    cue: 'twilio sid',
    key: 'twilio',
  }),
  GOOGLE_OAUTH_SECRET: (r) => ({
    value: `GOCSPX-${token(r, 28, `${ALNUM}_-`)}`,
    type: 'GOOGLE_OAUTH_SECRET',
    cue: 'oauth client',
    key: 'oauth',
  }),
  SLACK_WEBHOOK: (r) => ({
    value: `https://hooks.slack.com/services/T${chars(r, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 8)}/B${chars(r, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 10)}/${token(r, 24)}`,
    type: 'SLACK_WEBHOOK',
    cue: 'alerts go to',
    key: 'alerts',
  }),
  STRIPE_RESTRICTED_KEY: (r) => ({
    value: `rk_live_${token(r, 99)}`,
    type: 'STRIPE_KEY',
    cue: 'billing uses',
    key: 'billing',
  }),
  PYPI_TOKEN: (r) => ({
    value: `pypi-AgEIcHlwaS5vcmc${token(r, 70, `${ALNUM}_-`)}`,
    type: 'PYPI_TOKEN',
    cue: 'twine upload -p',
    key: 'upload',
  }),
  DIGITALOCEAN_TOKEN: (r) => ({
    value: `${pick(r, ['dop', 'doo', 'dor'])}_v1_${chars(r, HEX, 64)}`,
    type: 'DIGITALOCEAN_TOKEN',
    cue: 'doctl auth init -t',
    key: 'doctl',
  }),
  SHOPIFY_TOKEN: (r) => ({
    value: `${pick(r, ['shpat', 'shpca', 'shppa', 'shpss'])}_${chars(r, HEX, 32)}`,
    type: 'SHOPIFY_TOKEN',
    cue: 'shop admin',
    key: 'shop',
  }),
  TELEGRAM_BOT_TOKEN: (r) => ({
    value: `${int(r, 100000000, 9999999999)}:AA${token(r, 33, `${ALNUM}_-`)}`,
    type: 'TELEGRAM_BOT_TOKEN',
    cue: 'bot',
    key: 'bot',
  }),
  BASIC_CREDENTIALS: (r) => ({
    value: `Basic ${Buffer.from(`${pick(r, ['admin', 'deploy', 'jane'])}:${token(r, 12)}`).toString('base64')}`,
    type: 'AUTH_HEADER',
    cue: 'the proxy expects',
    key: 'proxy',
  }),
  GROQ_KEY: (r) => ({ value: `gsk_${token(r, 52)}`, type: 'GROQ_KEY', cue: 'groq client with', key: 'groq' }),
  XAI_KEY: (r) => ({ value: `xai-${token(r, 80)}`, type: 'XAI_KEY', cue: 'grok via', key: 'grok' }),
  GEMINI_KEY: (r) => ({
    value: `AIza${token(r, 35, `${ALNUM}_-`)}`,
    type: 'GOOGLE_API_KEY',
    cue: 'gemini with',
    key: 'gemini',
  }),
  OPENAI_SERVICE_ACCOUNT_KEY: (r) => ({
    value: pick(r, [`sk-svcacct-${token(r, 74, `${ALNUM}_-`)}`, `sk-admin-${token(r, 64, `${ALNUM}_-`)}`]),
    type: 'OPENAI_KEY',
    cue: 'batch worker runs as',
    key: 'worker',
  }),
};

const personalFamilies: Record<string, Family> = {
  PHONE_NATIONAL: (r) => ({
    value: phone(r),
    type: 'PHONE',
    cue: pick(r, ['call me on', 'tel.', 'Mobil:', 'phone']),
    key: 'phone',
  }),
  EMAIL_UNUSUAL: (r) => ({
    value: unusualEmail(r),
    type: 'EMAIL',
    cue: pick(r, ['write to', 'e-mail:', 'contact']),
    key: 'contact',
  }),
};

/** Every family of the corpus. */
export const FAMILIES: Record<string, Family> = {
  ...nationalFamilies,
  ...personalFamilies,
  ...secretFamilies,
};

const SENTENCES = [
  'Hi, my {cue} {value}, please update the account.',
  'Customer wrote: "{cue} {value}" and asked for a refund.',
  'Form field — {cue}: {value}',
  'Please verify ({cue} {value}) before Friday.',
  '{cue} {value}\nThanks!',
];

function sentence(random: Random, sample: Sample): string {
  return pick(random, SENTENCES).replace('{cue}', sample.cue).replace('{value}', sample.value);
}

/** A request as an agent logs it: JSON text whose message content holds the sentence (escaped once or twice). */
function escaped(random: Random, text: string): string {
  const request = JSON.stringify({
    model: 'gpt-4o-2024-08-06',
    messages: [{ role: 'user', content: `Context:\n${text}` }],
  });
  return random() < 0.5 ? request : JSON.stringify({ level: 'info', body: request });
}

function inForm(random: Random, form: Form, sample: Sample): string | Record<string, unknown> {
  switch (form) {
    case 'text':
      return sentence(random, sample);
    case 'json':
      return { [sample.key]: sample.value, note: 'from the intake form' };
    case 'url':
      return `GET https://api.example.com/v1/lookup?${encodeURIComponent(sample.key)}=${encodeURIComponent(sample.value)}&lang=en`;
    case 'escaped':
      return escaped(random, sentence(random, sample));
  }
}

/** Look-alikes: checksum-invalid identifiers (named, in every form) and everyday strings that resemble values. */
function lookAlikes(random: Random): GlobalLookAlike[] {
  const out: GlobalLookAlike[] = [];
  for (const [type, kind] of Object.entries(IDENTIFIERS)) {
    for (let i = 0; i < 24; i++) {
      const sample: Sample = {
        value: kind.invalid(random),
        type,
        cue: pick(random, kind.cues),
        key: pick(random, kind.keys),
      };
      out.push({ mimics: type, input: inForm(random, FORMS[i % FORMS.length]!, sample) });
    }
  }
  const add = (mimics: string, count: number, make: (r: Random) => string) => {
    for (let i = 0; i < count; i++) out.push({ mimics, input: make(random) });
  };
  const isbn13 = (r: Random) => {
    const body = `978${digits(r, 9)}`;
    const sum = [...body].reduce((s, c, i) => s + Number(c) * (i % 2 === 0 ? 1 : 3), 0);
    return body + String((10 - (sum % 10)) % 10);
  };
  const isbn10 = (r: Random) => {
    const body = `${int(r, 0, 1)}${digits(r, 8)}`;
    const sum = [...body].reduce((s, c, i) => s + Number(c) * (10 - i), 0);
    const check = (11 - (sum % 11)) % 11;
    return body + (check === 10 ? 'X' : String(check));
  };
  add('ISBN', 25, (r) => {
    const isbn = isbn13(r);
    return pick(r, [
      `ISBN ${isbn}`,
      `ISBN-13: ${isbn.slice(0, 3)}-${isbn[3]}-${isbn.slice(4, 7)}-${isbn.slice(7, 12)}-${isbn[12]}`,
      `isbn ${isbn.slice(0, 3)} ${isbn[3]} ${isbn.slice(4, 7)} ${isbn.slice(7, 12)} ${isbn[12]}`,
    ]);
  });
  add('ISBN', 15, (r) => {
    const isbn = isbn10(r);
    return pick(r, [`ISBN ${isbn}`, `ISBN-10 ${isbn[0]}-${isbn.slice(1, 4)}-${isbn.slice(4, 9)}-${isbn[9]}`]);
  });
  add('AWS_ARN', 30, (r) => {
    const account = digits(r, 12);
    return pick(r, [
      `arn:aws:iam::${account}:role/${pick(r, ['Admin', 'LambdaExec', 'ci-deploy'])}`,
      `arn:aws:lambda:eu-west-1:${account}:function:ingest`,
      `arn:aws:sts::${account}:assumed-role/ops/jane`,
      `"Resource": "arn:aws:sqs:us-east-1:${account}:ingest-dlq"`,
      `arn:aws:bedrock:us-east-1:${account}:inference-profile/us.anthropic.claude-3-5-sonnet-20241022-v2:0`,
    ]);
  });
  add('MODEL_ID', 30, (r) =>
    pick(r, [
      'claude-3-5-sonnet-20241022',
      'gpt-4o-2024-08-06',
      'gpt-4o-mini-2024-07-18',
      'o1-2024-12-17',
      'claude-sonnet-4-5@20250929',
      'anthropic.claude-3-haiku-20240307-v1:0',
      '"model": "claude-3-opus-20240229"',
      'models/gemini-1.5-pro-002',
      'gpt-4-0125-preview',
      `ft:gpt-4o-mini-2024-07-18:acme::${chars(r, ALNUM, 8)}`,
    ]),
  );
  add('NUMBERS', 60, (r) =>
    pick(r, [
      `order ${digits(r, 9)} shipped`,
      `invoice ${int(r, 2020, 2026)}-${digits(r, 6)}`,
      `ticket #${int(r, 1, 9)}${digits(r, 9)}`,
      `tracking ${int(r, 1, 9)}${digits(r, 11)}`,
      `at ${int(r, 2020, 2026)}-0${int(r, 1, 9)}-1${int(r, 0, 9)}T1${int(r, 0, 9)}:${int(r, 10, 59)}:${int(r, 10, 59)}.${digits(r, 3)}Z`,
      `epoch ${int(r, 1600000000, 1800000000)}`,
      `${int(r, 100, 999)} ${digits(r, 3)} ${digits(r, 3)} € de chiffre d'affaires`,
      `version ${int(r, 1, 20)}.${int(r, 0, 30)}.${int(r, 0, 99)}.${int(r, 0, 9999)}`,
      `sha ${chars(r, HEX, 40)}`,
      `Q${int(r, 1, 4)} ${int(r, 2020, 2026)} revenue, A4 paper, SHA256, COVID-19, RFC 3339, ISO 8601`,
      `${int(r, 1, 28)}.${int(r, 1, 12)}.${int(r, 1990, 2026)} ${int(r, 10, 23)}:${int(r, 10, 59)}`,
      `room ${int(r, 100, 999)}, floor ${int(r, 1, 30)}, badge ${digits(r, 6)}`,
      `the run took 1${digits(r, 7)} ms over ${digits(r, 4)} steps`,
    ]),
  );
  add('SECRETS', 40, (r) =>
    pick(r, [
      'run npm_install_hooks and hf_transfer for speed',
      'set AccountKey=<your-account-key> in the connection string',
      'the Basic plan includes 3 seats; Basic dGVzdA== is not a credential',
      'glpat-xxxxxxxxxxxxxxxxxxxx is the placeholder in the docs',
      'see https://hooks.slack.com/services/ for incoming webhooks',
      'xai-grok-beta and gsk_ prefixes identify keys',
      `bot ${int(r, 1000, 9999)}:ABC is too short to be a token`,
      'SG.example is a SendGrid key prefix, SKU 12345 is a product',
      'pypi-token is the name of the secret',
      `dop_v1_ followed by 64 hex characters; shpat_ tokens are 38 long`,
    ]),
  );
  add('EMAIL_UNUSUAL', 20, (r) =>
    pick(r, [
      `@${pick(r, ['jane', 'ops-team'])} can you review?`,
      'icon@2x.png and logo@3x.webp',
      'npm i @scope/pkg@1.2.3',
      `price ${int(r, 2, 9)} @ $${int(r, 1, 9)}.99 each`,
      'ssh root@localhost',
    ]),
  );
  add('PHONE_NATIONAL', 40, (r) =>
    pick(r, [
      `on ${int(r, 10, 28)}.0${int(r, 1, 9)}.${int(r, 2000, 2026)}`,
      `ISBN ${isbn10(r).replace(/^(\d)(\d{3})(\d{5})(.)$/, '$1-$2-$3-$4')}`,
      `see section 4.2.1 and 10.4`,
      `total 1 ${digits(r, 3)},${digits(r, 2)} €`,
      `build 10.0.${digits(r, 5)}.${digits(r, 4)}`,
      `items 1, 2, 3 and 4`,
      `score ${int(r, 0, 9)}-${int(r, 0, 9)} at ${int(r, 10, 23)}:${int(r, 10, 59)}`,
    ]),
  );
  return out;
}

/** Items per family and form. */
const PER_FORM = 14;

/**
 * The corpus for a seed: for each family, `PER_FORM` items in each form; and the look-alikes.
 *
 * @example
 * const { items, lookAlikes } = buildGlobalCorpus(20251204);
 */
export function buildGlobalCorpus(seed = 20251204): { items: GlobalItem[]; lookAlikes: GlobalLookAlike[] } {
  const random = seededRandom(seed);
  const items: GlobalItem[] = [];
  for (const [family, make] of Object.entries(FAMILIES)) {
    for (const form of FORMS) {
      for (let i = 0; i < PER_FORM; i++) {
        const sample = make(random);
        items.push({ family, form, input: inForm(random, form, sample), expect: { [sample.type]: 1 } });
      }
    }
  }
  // Transit encodings in their own right: an e-mail in a query string, a PEM key in an escaped JSON string.
  for (let i = 0; i < 40; i++) {
    items.push({
      family: 'TRANSIT_URL_ENCODED_EMAIL',
      form: 'url',
      input: `POST /subscribe?email=${encodeURIComponent(unusualEmail(random))}&list=news`,
      expect: { EMAIL: 1 },
    });
    const pem = `-----BEGIN ${pick(random, ['RSA ', 'EC ', ''])}PRIVATE KEY-----\n${Array.from({ length: int(random, 3, 8) }, () => chars(random, B64, 64)).join('\n')}\n-----END ${'RSA '}PRIVATE KEY-----\n`;
    items.push({
      family: 'TRANSIT_ESCAPED_PEM',
      form: 'escaped',
      input: escaped(random, `deploy key:\n${pem}`),
      expect: { PRIVATE_KEY: 1 },
    });
  }
  return { items, lookAlikes: lookAlikes(random) };
}
