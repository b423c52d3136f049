import fc from 'fast-check';
import { createRedactor, isSecretKeyName } from '../../../shared/domain/redaction';

/** Fragments that exercise every detector, their boundaries and our own placeholders. */
const FRAGMENTS = [
  'ada@example.com',
  'a@b',
  '@',
  '.',
  ':',
  '::',
  '=',
  '"',
  "'",
  ' ',
  '\n',
  '-',
  '+',
  '(',
  ')',
  '[',
  ']',
  '/',
  '://',
  'https://bob:pw1234@host.example',
  '4111 1111 1111 1111',
  '4111111111111112',
  '123-45-6789',
  '(415) 555-2671',
  '0123-45-6789',
  '020 7946 0958',
  '+44 20 7946 0958',
  '+1',
  'DE89370400440532013000',
  '192.168.0.1',
  '1.2.3.4',
  'version ',
  'fe80::1:2',
  '2001:db8::8a2e:370:7334',
  '12:30:45',
  'AKIAIOSFODNN7EXAMPLE',
  'sk-proj-abc123DEF456ghi789JKL012',
  'sk-ant-api03-abcdefghijklmnop1234',
  'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
  'xoxb-123456789012-abcdefABCDEF',
  'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
  'AIzaSyD-1234567890abcdefghijklmnopqrstu',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----',
  '-----BEGIN RSA PRIVATE KEY-----',
  'Authorization: Bearer abc123def',
  'Bearer ',
  'password=',
  '"api_key": "',
  'token: ',
  'hunter2',
  '[REDACTED:EMAIL]',
  '[EMAIL:3f9a1c]',
  '[REDACTED:',
  'REDACTED',
  '0',
  '7',
  'a',
  'Z',
];

const textArbitrary = fc
  .array(
    fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...FRAGMENTS) }, { weight: 1, arbitrary: fc.string() }),
    {
      maxLength: 24,
    },
  )
  .map((parts) => parts.join(''));

const placeholder = createRedactor();
const hashed = createRedactor({ style: 'hash', hashSecret: 'property-test-secret-0001' });
const custom = createRedactor({ customRules: [{ name: 'TICKET', pattern: 'TCK-[0-9]{3,}' }] });

describe('redaction properties', () => {
  it.each([
    ['placeholder', placeholder],
    ['hash', hashed],
    ['custom rules', custom],
  ])('is idempotent (%s style)', (_name, redactor) => {
    fc.assert(
      fc.property(textArbitrary, fc.constantFrom('', ' TCK-1234 ', 'TCK-'), (text, extra) => {
        const once = redactor.redactText(text + extra).text;
        const twice = redactor.redactText(once);
        expect(twice.text).toBe(once);
        expect(twice.counts).toEqual({});
      }),
      { numRuns: 2000 },
    );
  });

  it.each(['0123-45-6789 192.168.0.1', '192.168.0.1 0123-45-6789', '020 7946 0958 ada@example.com'])(
    'is idempotent where a trunk-0 number stands next to a redacted value: %s',
    (text) => {
      for (const redactor of [placeholder, hashed]) {
        const once = redactor.redactText(text).text;
        expect(redactor.redactText(once)).toEqual({ text: once, counts: {} });
      }
    },
  );

  it('returns a text unchanged exactly when nothing matched', () => {
    fc.assert(
      fc.property(fc.oneof(textArbitrary, fc.string(), fc.string({ unit: 'grapheme' })), (text) => {
        const { text: out, counts } = placeholder.redactText(text);
        const matched = Object.keys(counts).length > 0;
        expect(out === text).toBe(!matched);
      }),
      { numRuns: 2000 },
    );
  });

  it('preserves JSON structure: keys, array lengths and non-string leaves', () => {
    const key = fc.oneof(
      fc.string(),
      fc.constantFrom('role', 'content', 'text', 'parts', 'messages', 'type'),
    );
    const safeKey = key.filter((k) => !isSecretKeyName(k));
    const leaf = fc.oneof(
      textArbitrary,
      fc.integer(),
      fc.double({ noNaN: true }),
      fc.boolean(),
      fc.constant(null),
    );
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('tree'), { maxLength: 5 }),
        fc.dictionary(safeKey, tie('tree'), { maxKeys: 5 }),
      ),
    }));
    fc.assert(
      fc.property(tree, (value) => {
        const { value: out } = placeholder.redactValue(value);
        expectSameShape(value, out);
      }),
      { numRuns: 500 },
    );
  });
});

function expectSameShape(input: unknown, output: unknown): void {
  if (typeof input === 'string') {
    expect(typeof output).toBe('string');
  } else if (Array.isArray(input)) {
    expect(Array.isArray(output)).toBe(true);
    expect((output as unknown[]).length).toBe(input.length);
    for (const [i, item] of input.entries()) expectSameShape(item, (output as unknown[])[i]);
  } else if (input !== null && typeof input === 'object') {
    expect(Object.keys(output as object)).toEqual(Object.keys(input));
    for (const key of Object.keys(input)) {
      expectSameShape((input as Record<string, unknown>)[key], (output as Record<string, unknown>)[key]);
    }
  } else {
    expect(output).toBe(input);
  }
}
