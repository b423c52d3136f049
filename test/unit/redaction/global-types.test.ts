import {
  aadhaarValid,
  australianTfnValid,
  brazilCnpjValid,
  brazilCpfValid,
  canadianSinValid,
  chineseResidentIdValid,
  createRedactor,
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
  verhoeffValid,
} from '../../../shared/domain/redaction';
import { FAMILIES, FORMS } from './corpus/global';
import { IDENTIFIERS } from './corpus/identifiers';
import { seededRandom } from './corpus/values';

const redactor = createRedactor();

/** A value in each form: a sentence naming it, a JSON value under its key, URL-encoded, JSON-escaped (twice). */
function forms(value: string, cue: string, key: string): [string, string | Record<string, unknown>][] {
  const sentence = `Customer wrote:\n${cue} ${value}, please check.`;
  return [
    ['text', sentence],
    ['json', { [key]: value }],
    ['url', `GET /v1/lookup?${key}=${encodeURIComponent(value)}&lang=en`],
    [
      'escaped',
      JSON.stringify({ body: JSON.stringify({ messages: [{ role: 'user', content: sentence }] }) }),
    ],
  ];
}

function redact(input: string | Record<string, unknown>) {
  return typeof input === 'string' ? redactor.redactText(input) : redactor.redactValue(input);
}

describe('checks of national identifiers (published examples)', () => {
  it.each([
    ['UK NINO', ukNinoValid, 'AB123456C', 'AB123456E'],
    ['Canadian SIN', canadianSinValid, '046454286', '046454287'],
    ['Brazilian CPF', brazilCpfValid, '52998224725', '52998224726'],
    ['Brazilian CNPJ', brazilCnpjValid, '11222333000181', '11222333000182'],
    ['Verhoeff', verhoeffValid, '2363', '2364'],
    ['Aadhaar', aadhaarValid, '234123412346', '234123412347'],
    ['Indian PAN', indianPanValid, 'ABCPE1234F', 'ABCDE1234F'],
    ['Spanish DNI', spanishIdValid, '12345678Z', '12345678A'],
    ['Spanish NIE', spanishIdValid, 'X1234567L', 'X1234567A'],
    ['French NIR', frenchNirValid, '255081416802538', '255081416802539'],
    ['German tax id', germanTaxIdValid, '65929970489', '65929970488'],
    ['codice fiscale', italianFiscalCodeValid, 'RSSMRA85T10A562S', 'RSSMRA85T10A562T'],
    ['Dutch BSN', dutchBsnValid, '111222333', '111222334'],
    ['Australian TFN', australianTfnValid, '123456782', '123456783'],
    ['Mexican CURP', mexicanCurpValid, 'HEGG560427MVZRRL04', 'HEGG560427MVZRRL05'],
    ['Japanese My Number', japaneseMyNumberValid, '123456789018', '123456789017'],
    ['Korean RRN', koreanRrnValid, '9001011234568', '9001011234567'],
    ['Singapore NRIC', singaporeNricValid, 'S1234567D', 'S1234567E'],
    ['Chinese resident id', chineseResidentIdValid, '11010519491231002X', '110105194912310021'],
  ])('%s', (_name, valid, good, bad) => {
    expect([valid(good), valid(bad)]).toEqual([true, false]);
  });
});

describe('each national identifier type, in every form', () => {
  const random = seededRandom(404);
  describe.each(Object.entries(IDENTIFIERS))('%s', (type, kind) => {
    const cue = kind.cues[0]!;
    const key = kind.keys[0]!;
    const valid = Array.from({ length: 3 }, () => kind.valid(random));
    const invalid = Array.from({ length: 3 }, () => kind.invalid(random));

    it.each(FORMS)('valid values are masked (%s)', (form) => {
      for (const value of valid) {
        const [, input] = forms(value, cue, key).find(([name]) => name === form)!;
        const { counts } = redact(input);
        expect({ value, counts }).toEqual({ value, counts: { [type]: 1 } });
      }
    });

    it.each(FORMS)('values failing their check are kept (%s)', (form) => {
      for (const value of invalid) {
        const [, input] = forms(value, cue, key).find(([name]) => name === form)!;
        expect({ value, counts: redact(input).counts }).toEqual({ value, counts: {} });
      }
    });
  });
});

describe('service credentials, phones and e-mails by their format, in every form', () => {
  const random = seededRandom(405);
  const families = Object.entries(FAMILIES).filter(([family]) => !(family in IDENTIFIERS));
  it.each(families)('%s', (_family, make) => {
    for (let i = 0; i < 3; i++) {
      const sample = make(random);
      for (const [form, input] of forms(sample.value, sample.cue, sample.key)) {
        // Other values may sit beside it (a database URL's host can be an IP address).
        const found = redact(input).counts[sample.type];
        expect({ form, value: sample.value, found }).toEqual({ form, value: sample.value, found: 1 });
      }
    }
  });
});

describe('look-alikes that were wrongly masked', () => {
  it.each([
    'ISBN 978-3-16-148410-0, ISBN 0-306-40615-2 and 9783161484100',
    'arn:aws:iam::123456789012:role/Admin and arn:aws:lambda:eu-west-1:123456789012:function:ingest',
    'claude-3-5-sonnet-20241022, gpt-4o-2024-08-06, o1-2024-12-17, anthropic.claude-3-haiku-20240307-v1:0',
    'order 046454286 shipped on 2024-05-01T12:30:45Z (ticket 111222333)',
    'Q3 2024 revenue on A4 paper, SHA256 and COVID-19',
  ])('%s', (text) => {
    expect(redactor.redactText(text)).toEqual({ text, counts: {} });
  });
});

describe('transit encodings', () => {
  it('replaces values inside escapes and keeps the text validly encoded', () => {
    const pem =
      '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nq83nd0a9Yp2bXz\n-----END PRIVATE KEY-----\n';
    const request = JSON.stringify({ key: pem, to: 'jane@example.com', phone: '+44 20 7946 0958' });
    const logged = JSON.stringify({ level: 'info', body: request });
    const { text, counts } = redactor.redactText(logged);
    expect(counts).toEqual({ PRIVATE_KEY: 1, EMAIL: 1, PHONE: 1 });
    expect(JSON.parse(JSON.parse(text).body)).toEqual({
      key: '[REDACTED:PRIVATE_KEY]\n',
      to: '[REDACTED:EMAIL]',
      phone: '[REDACTED:PHONE]',
    });
  });

  it('decodes percent-escapes and \\u escapes, and leaves lone ones alone', () => {
    expect(redactor.redactText('POST /subscribe?email=jane%40example.com&list=news').text).toBe(
      'POST /subscribe?email=[REDACTED:EMAIL]&list=news',
    );
    expect(redactor.redactText('{"to":"jane\\u0040example.com"}').text).toBe('{"to":"[REDACTED:EMAIL]"}');
    const plain = 'up 12.5% from Q2, path C:\\temp\\x and 100%';
    expect(redactor.redactText(plain)).toEqual({ text: plain, counts: {} });
  });
});
