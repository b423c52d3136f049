/**
 * Labelled redaction corpus: sentences in the voice of chat messages, tool output and logs, each
 * with the number of values of each type it contains (`expect`), and look-alikes (`mimics` names
 * the type they resemble) whose text must come back unchanged.
 */
import {
  anthropicKey,
  awsAccessKey,
  cardFailingLuhn,
  chars,
  creditCard,
  email,
  githubToken,
  googleApiKey,
  hexHash,
  iban,
  ibanFailingChecksum,
  int,
  internationalPhone,
  invalidSsn,
  ipv4,
  ipv6,
  jwt,
  nanpPhone,
  openAiKey,
  pick,
  privateKey,
  type Random,
  seededRandom,
  slackToken,
  ssn,
  stripeKey,
  token,
  urlWithCredentials,
  uuid,
} from './values';

export interface CorpusItem {
  text: string;
  /** Values of each type the text contains. */
  expect: Record<string, number>;
}

export interface LookAlike {
  text: string;
  /** The type the text resembles without being one. */
  mimics: string;
}

type Generator = (random: Random) => string;

/** Templates per type: `{}` is where the value goes. */
const POSITIVE: Record<string, { value: Generator; templates: string[] }> = {
  EMAIL: {
    value: email,
    templates: [
      'Hi, can you email the report to {} before Friday?',
      'My email is {}.',
      'Contact: {}',
      'Send the invoice to <{}> please',
      'CC {}, they own the account.',
      '"email": "{}"',
      'From: Jane <{}>\nSubject: refund',
      'reach me at {}, or on Slack',
      'mailto:{}',
      '(primary contact {})',
    ],
  },
  PHONE: {
    value: (random) => (random() < 0.6 ? nanpPhone(random) : internationalPhone(random)),
    templates: [
      'Call me at {} after 5pm.',
      'My phone number is {}.',
      'Phone: {}',
      'You can text {} if the call drops',
      'The hotel number is {}, ask for room service.',
      '"phone": "{}"',
      'tel {} (mobile)',
      'Customer called from {} twice today.',
    ],
  },
  CREDIT_CARD: {
    value: creditCard,
    templates: [
      'My card number is {} and it expires 04/27.',
      'Please charge {} for the order.',
      'card: {}',
      'I paid with {}, can you refund it?',
      '"card_number": "{}"',
      'The customer typed {} into the chat',
    ],
  },
  US_SSN: {
    value: ssn,
    templates: [
      'My SSN is {}.',
      'social security number: {}',
      'Applicant SSN {} (verified)',
      '"ssn": "{}"',
      'Her social is {}, please update the file.',
    ],
  },
  IBAN: {
    value: iban,
    templates: [
      'Please wire the money to IBAN {}.',
      'Bank account: {}',
      'IBAN {} (Sparkasse)',
      '"iban": "{}"',
      'Refund to {} please.',
    ],
  },
  IPV4: {
    value: ipv4,
    templates: [
      'The request came from {} at midnight.',
      'client_ip={} status=200',
      'ssh admin@{} failed',
      'Blocked {} after 5 failed logins.',
      'Connect to http://{}:8080/health',
      '"ip": "{}"',
    ],
  },
  IPV6: {
    value: ipv6,
    templates: [
      'The request came from {} at midnight.',
      'remote_addr={} method=GET',
      'Open http://[{}]:8080/ in the browser',
      'IPv6 address: {}.',
      '"ip": "{}"',
    ],
  },
  AWS_ACCESS_KEY: {
    value: awsAccessKey,
    templates: [
      'aws_access_key_id = {}',
      'I used the key {} but got AccessDenied',
      'export AWS_ACCESS_KEY_ID={}',
      '"AccessKeyId": "{}"',
    ],
  },
  OPENAI_KEY: {
    value: openAiKey,
    templates: [
      'Here is my key {} why does it 401?',
      'OPENAI_API_KEY={}',
      'client = OpenAI(api_key="{}")',
      'Using {} for the batch job',
    ],
  },
  ANTHROPIC_KEY: {
    value: anthropicKey,
    templates: ['ANTHROPIC_API_KEY={}', 'my anthropic key is {}', 'anthropic.Anthropic(api_key="{}")'],
  },
  GITHUB_TOKEN: {
    value: githubToken,
    templates: ['GITHUB_TOKEN={}', 'git clone with token {} fails', 'use {} for the CI checkout'],
  },
  SLACK_TOKEN: {
    value: slackToken,
    templates: ['SLACK_BOT_TOKEN={}', 'The bot token {} was revoked', 'post with {} to #alerts'],
  },
  STRIPE_KEY: {
    value: stripeKey,
    templates: ['STRIPE_SECRET_KEY={}', 'stripe.api_key = "{}"', 'The webhook used {} by mistake'],
  },
  GOOGLE_API_KEY: {
    value: googleApiKey,
    templates: ['GOOGLE_API_KEY={}', 'maps?key={}&q=berlin', 'the Gemini key {} hit quota'],
  },
  JWT: {
    value: jwt,
    templates: ['The token {} expired', 'cookie session={}; Path=/', 'id_token: {}'],
  },
  PRIVATE_KEY: {
    value: privateKey,
    templates: ['Here is the deploy key:\n{}\nplease install it', '{}', 'key file contents: {}'],
  },
};

/** Values detected through their surroundings: Authorization headers, URL credentials, secret keys. */
function contextual(random: Random): CorpusItem[] {
  const items: CorpusItem[] = [];
  for (let i = 0; i < 40; i++) {
    const credential = token(
      random,
      int(random, 20, 60),
      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-',
    );
    const basic = Buffer.from(`${pick(random, ['admin', 'bob', 'svc'])}:${token(random, 12)}`).toString(
      'base64',
    );
    items.push({
      text: pick(random, [
        `curl -H "Authorization: Bearer ${credential}" https://api.example.com/v1/models`,
        `Authorization: Basic ${basic}`,
        `headers = {"Authorization": "Bearer ${credential}"}`,
        `proxy-authorization: Basic ${basic}`,
        `sent request with authorization=Bearer ${credential} and got 403`,
        `fetch(url, { headers: { Authorization: 'Token ${credential}' } })`,
      ]),
      expect: { AUTH_HEADER: 1 },
    });
    items.push({
      text: `Connect with ${urlWithCredentials(random)} from the worker`,
      expect: { URL_CREDENTIALS: 1 },
    });
    const secret = token(
      random,
      int(random, 8, 24),
      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#%^*',
    );
    items.push({
      text: pick(random, [
        `{"username": "ops", "password": "${secret}"}`,
        `DB_PASSWORD=${secret}`,
        `client_secret: ${secret}`,
        `the config has "apiKey": "${secret}" in it`,
        `login failed for user=ops password=${secret}`,
        `refresh_token=${secret}&grant_type=refresh_token`,
        `passwd='${secret}'`,
        `"private_key": "${secret}"`,
        `x-api-key: ${secret}`,
        `secret = "${secret}"`,
      ]),
      expect: { SECRET: 1 },
    });
  }
  return items;
}

function positives(random: Random): CorpusItem[] {
  const items: CorpusItem[] = [];
  for (const [type, { value, templates }] of Object.entries(POSITIVE)) {
    const rounds = Math.max(30, templates.length * 4);
    for (let i = 0; i < rounds; i++) {
      const template = templates[i % templates.length]!;
      items.push({ text: template.replace('{}', value(random)), expect: { [type]: 1 } });
    }
  }
  // Several types in one message, as users write them.
  for (let i = 0; i < 60; i++) {
    const mail = email(random);
    const phone = nanpPhone(random);
    const card = creditCard(random);
    const address = ipv4(random);
    items.push({
      text: `Hi, I'm ${pick(random, ['Ada', 'Grace', 'Alan'])}. My email is ${mail} and my phone is ${phone}. I was charged twice on card ${card} yesterday from IP ${address}. Order #${int(random, 100000, 999999)}, total $${int(random, 10, 999)}.${int(random, 10, 99)}.`,
      expect: { EMAIL: 1, PHONE: 1, CREDIT_CARD: 1, IPV4: 1 },
    });
  }
  return items;
}

function lookAlikes(random: Random): LookAlike[] {
  const items: LookAlike[] = [];
  const add = (mimics: string, count: number, make: (random: Random) => string) => {
    for (let i = 0; i < count; i++) items.push({ text: make(random), mimics });
  };
  add('CREDIT_CARD', 40, (r) => `Order ${cardFailingLuhn(r)} shipped`);
  add('CREDIT_CARD', 20, (r) => `tracking number ${cardFailingLuhn(r).replace(/(\d{4})(?=\d)/g, '$1 ')}`);
  add('CREDIT_CARD', 20, (r) => `event at ${1_700_000_000_000 + int(r, 0, 1e11)} ms (epoch)`);
  add('CREDIT_CARD', 15, (r) => `order id 1${chars(r, '0123456789', 15)} confirmed`);
  add('CREDIT_CARD', 15, (r) => `request ${uuid(r)} took ${int(r, 10, 999)} ms`);
  add('CREDIT_CARD', 15, (r) => `sha256 ${hexHash(r, 64)}`);
  add('CREDIT_CARD', 10, (r) => `commit ${hexHash(r, 40)} merged`);
  add('PHONE', 20, (r) => `total ${int(r, 1, 99)},${int(r, 100, 999)}.${int(r, 10, 99)} USD`);
  add(
    'PHONE',
    20,
    (r) =>
      `on 20${int(r, 10, 29)}-0${int(r, 1, 9)}-${int(r, 10, 28)}T${int(r, 10, 23)}:${int(r, 10, 59)}:${int(r, 10, 59)}Z`,
  );
  add('PHONE', 15, (r) => `invoice INV-${int(r, 1000, 9999)}-${int(r, 100000, 999999)}`);
  add(
    'PHONE',
    15,
    (r) => `ISBN 978-${int(r, 0, 9)}-${int(r, 100, 999)}-${int(r, 10000, 99999)}-${int(r, 0, 9)}`,
  );
  add(
    'PHONE',
    15,
    (r) => `between ${int(r, 100, 199)}-${int(r, 200, 999)}-${int(r, 1000, 9999)} in the range table`,
  );
  add('PHONE', 10, (r) => `zip ${int(r, 10000, 99999)}-${int(r, 1000, 9999)}`);
  add('PHONE', 10, (r) => `the build took ${int(r, 1000000, 9999999)} ms, ${int(r, 10, 99)} steps`);
  add('US_SSN', 40, (r) => `ssn field placeholder ${invalidSsn(r)}`);
  add('US_SSN', 10, (r) => `date ${int(r, 10, 12)}-${int(r, 10, 28)}-${int(r, 1990, 2030)}`);
  add('IBAN', 30, (r) => `account ${ibanFailingChecksum(r)} was rejected`);
  add('IBAN', 10, (r) => `part number AB12${chars(r, '0123456789', 12)}`);
  add('IPV4', 20, (r) => `version ${int(r, 1, 9)}.${int(r, 0, 9)}.${int(r, 0, 20)}.${int(r, 0, 200)}`);
  add(
    'IPV4',
    15,
    (r) => `Mozilla/5.0 Chrome/${int(r, 100, 130)}.0.${int(r, 0, 255)}.${int(r, 0, 200)} Safari/537.36`,
  );
  add('IPV4', 15, (r) => `upgrade to v${int(r, 1, 9)}.${int(r, 0, 9)}.${int(r, 0, 9)}.${int(r, 0, 9)} today`);
  add('IPV4', 15, (r) => `semver ${int(r, 0, 20)}.${int(r, 0, 30)}.${int(r, 0, 99)} released`);
  add('IPV4', 10, (r) => `pi is ${int(r, 3, 3)}.${int(r, 1000, 9999)} and e is 2.71828`);
  add('IPV4', 10, (r) => `OID 1.3.6.1.4.1.${int(r, 1000, 99999)}`);
  add(
    'IPV4',
    10,
    (r) => `value ${int(r, 256, 999)}.${int(r, 0, 255)}.${int(r, 0, 255)}.${int(r, 0, 255)} out of range`,
  );
  add(
    'IPV6',
    20,
    (r) => `started at ${int(r, 10, 23)}:${int(r, 10, 59)}:${int(r, 10, 59)}.${int(r, 100, 999)}`,
  );
  add('IPV6', 15, (r) => `MAC ${Array.from({ length: 6 }, () => chars(r, '0123456789abcdef', 2)).join(':')}`);
  add('IPV6', 10, () => 'std::vector<int> and a[::2] and Foo::bar()');
  add('IPV6', 10, (r) => `localhost is ::1, ratio ${int(r, 1, 9)}:${int(r, 1, 9)}`);
  add('EMAIL', 15, (r) => `@${pick(r, ['ada', 'grace', 'team'])} can you review?`);
  add('EMAIL', 15, (r) => `icon@${int(r, 2, 3)}x.png and logo@2x.webp`);
  add('EMAIL', 10, () => 'ssh root@localhost and npm i @scope/pkg@1.2.3');
  add('EMAIL', 10, (r) => `price is ${int(r, 2, 9)} @ $${int(r, 1, 9)}.99 each`);
  add(
    'OPENAI_KEY',
    15,
    () => 'we use sk-learn and task-management-system-for-teams plus risk-assessment-framework-v2',
  );
  add('OPENAI_KEY', 10, () => 'the sk-this-is-not-a-real-key-but-words prefix looks like a key');
  add(
    'AWS_ACCESS_KEY',
    10,
    (r) => `the AKIA prefix means access key, AKIA${chars(r, 'ABCDEFGHIJ', 8)} is too short`,
  );
  add('JWT', 10, () => 'a JWT starts with eyJ because base64 of {" is eyJ');
  add('SECRET', 15, () => 'The password field is required and the token count is 512.');
  add(
    'SECRET',
    15,
    (r) => `{"max_tokens": ${int(r, 16, 4096)}, "eos_token": "</s>", "next_page_token": null}`,
  );
  add('SECRET', 10, () => 'api_key = os.environ["OPENAI_API_KEY"] and token = get_token()');
  add('SECRET', 10, () => `password: null, secret: \${SECRET_VALUE}, api_key: {{ api_key }}`);
  add('AUTH_HEADER', 10, () => 'The bearer of this letter is authorized, Bearer tokens expire.');
  add(
    'URL_CREDENTIALS',
    10,
    (r) => `see https://example.com:${int(r, 1000, 9999)}/path?a=1 and http://host/x@y`,
  );
  add(
    'PRIVATE_KEY',
    10,
    () => 'generate a private key with openssl genpkey, then -----BEGIN PUBLIC KEY----- MIIB',
  );
  add('GITHUB_TOKEN', 10, () => 'ghp_ tokens are 40 characters; ghp_short is not one');
  add('STRIPE_KEY', 10, () => 'pk_live_ keys are publishable, sk_live_ is secret');
  return items;
}

/** The corpus: items with values to find, and look-alikes to keep. */
export function buildCorpus(seed = 20240501): { items: CorpusItem[]; lookAlikes: LookAlike[] } {
  const random = seededRandom(seed);
  return { items: [...positives(random), ...contextual(random)], lookAlikes: lookAlikes(random) };
}
