import {
  createRedactor,
  InvalidRedactionConfigError,
  parseDropPath,
  parseRedactionConfig,
  RedactionBudgetExceededError,
  sanitizeErrorMessage,
} from '../../../shared/domain/redaction';

const SECRET = 'project-hash-secret-0001';

function issuesOf(raw: unknown): { path: string; message: string }[] {
  try {
    parseRedactionConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRedactionConfigError);
    return (error as InvalidRedactionConfigError).issues;
  }
  throw new Error('expected the config to be rejected');
}

describe('configuration parsing', () => {
  it('accepts an empty or undefined config and a full one', () => {
    expect(parseRedactionConfig(undefined)).toEqual({});
    const full = {
      disabled: ['IPV4', 'IPV6'],
      style: 'hash',
      hashSecret: SECRET,
      hashLength: 8,
      customRules: [{ name: 'EMPLOYEE_ID', pattern: 'EMP-[0-9]{6}', flags: 'i' }],
      allowlist: { values: ['support@example.com'], patterns: ['.*@example\\.org'] },
      dropPaths: ['request.messages[*].content', '**.image_url', '["odd.key"][0]'],
      secretKeys: ['session_cookie'],
      customRuleBudgetChars: 1000,
      onBudgetExceeded: 'throw',
    };
    expect(parseRedactionConfig(full)).toEqual(full);
  });

  it('reports every issue with its path and no secret values', () => {
    const issues = issuesOf({
      disabled: ['EMAIL', 'NOPE'],
      style: 'hash',
      hashSecret: 'short-secret',
      customRules: [
        { name: 'lower', pattern: 'x' },
        { name: 'LOOKBEHIND', pattern: '(?<=a)b' },
        { name: 'BACKREF', pattern: '(a)\\1' },
        { name: 'EMPTY', pattern: 'a*' },
        { name: 'EMAIL', pattern: 'mail' },
        { name: 'BAD_FLAGS', pattern: 'x', flags: 'gy' },
      ],
      allowlist: { patterns: ['(unclosed'] },
      dropPaths: ['a..b', 'a[', 'a[x]'],
      unknownField: true,
    });
    const byPath = Object.fromEntries(issues.map((issue) => [issue.path, issue.message]));
    expect(Object.keys(byPath).sort()).toEqual(
      [
        '',
        'allowlist.patterns.0',
        'customRules.0.name',
        'customRules.1.pattern',
        'customRules.2.pattern',
        'customRules.3.pattern',
        'customRules.5.flags',
        'disabled.1',
        'dropPaths.0',
        'dropPaths.1',
        'dropPaths.2',
        'hashSecret',
      ].sort(),
    );
    expect(byPath['customRules.1.pattern']).toMatch(/not valid RE2 syntax.*look-around/);
    expect(byPath['customRules.3.pattern']).toBe('pattern matches the empty string');
    expect(byPath['dropPaths.0']).toBe('invalid path: empty segment at character 3');
    expect(JSON.stringify(issues)).not.toContain('short-secret');
  });

  it('rejects a hash style without a secret and reserved or duplicate rule names', () => {
    expect(issuesOf({ style: 'hash' })).toEqual([
      { path: 'hashSecret', message: 'required when style is "hash"' },
    ]);
    const issues = issuesOf({
      customRules: [
        { name: 'EMAIL', pattern: 'x' },
        { name: 'TICKET', pattern: 'x' },
        { name: 'TICKET', pattern: 'y' },
      ],
    });
    expect(issues).toEqual([
      { path: 'customRules.0.name', message: 'is a built-in type name' },
      { path: 'customRules.2.name', message: 'is used by another rule' },
    ]);
  });

  it('createRedactor validates its config too', () => {
    expect(() => createRedactor({ customRules: [{ name: 'X', pattern: '(' }] })).toThrow(
      InvalidRedactionConfigError,
    );
  });
});

describe('replacement styles', () => {
  it('uses placeholders by default', () => {
    expect(createRedactor().redactText('ada@example.com').text).toBe('[REDACTED:EMAIL]');
  });

  it('hash style is deterministic, keyed and canonical', () => {
    const a = createRedactor({ style: 'hash', hashSecret: SECRET });
    const b = createRedactor({ style: 'hash', hashSecret: `${SECRET}-other` });
    const one = a.redactText('mail Ada@Example.com, card 4111 1111 1111 1111').text;
    const two = a.redactText('mail ada@example.com, card 4111-1111-1111-1111').text;
    expect(one).toMatch(/^mail \[EMAIL:[0-9a-f]{6}\], card \[CREDIT_CARD:[0-9a-f]{6}\]$/);
    expect(two).toBe(one);
    expect(b.redactText('ada@example.com').text).not.toBe(a.redactText('ada@example.com').text);
    expect(a.redactText('bob@example.com').text).not.toBe(a.redactText('ada@example.com').text);
    expect(a.redactText('(415) 555-2671').text).toBe(a.redactText('+1 415 555 2671').text);
    const long = createRedactor({ style: 'hash', hashSecret: SECRET, hashLength: 12 });
    expect(long.redactText('ada@example.com').text).toMatch(/^\[EMAIL:[0-9a-f]{12}\]$/);
    expect(one).not.toContain('ada');
  });
});

describe('detector selection, allowlist and secret keys', () => {
  it('disables detectors', () => {
    const redactor = createRedactor({ disabled: ['IPV4', 'EMAIL'] });
    expect(redactor.redactText('from 10.0.0.1 by ada@example.com, ssn 123-45-6789')).toEqual({
      text: 'from 10.0.0.1 by ada@example.com, ssn [REDACTED:US_SSN]',
      counts: { US_SSN: 1 },
    });
  });

  it('keeps allowlisted values and patterns', () => {
    const redactor = createRedactor({
      allowlist: { values: ['support@example.com'], patterns: ['.*@example\\.org', '10\\.0\\.0\\.[0-9]+'] },
    });
    expect(
      redactor.redactText('support@example.com, team@example.org, ada@example.com, 10.0.0.7, 192.168.1.1')
        .text,
    ).toBe('support@example.com, team@example.org, [REDACTED:EMAIL], 10.0.0.7, [REDACTED:IPV4]');
    expect(redactor.redactValue({ password: 'support@example.com' }).value).toEqual({
      password: 'support@example.com',
    });
  });

  it('treats configured key names as secret', () => {
    const redactor = createRedactor({ secretKeys: ['session_cookie', 'X-Internal-Auth'] });
    expect(
      redactor.redactValue({ sessionCookie: 'abc', 'x-internal-auth': 'def', other: 'ghi' }).value,
    ).toEqual({
      sessionCookie: '[REDACTED:SECRET]',
      'x-internal-auth': '[REDACTED:SECRET]',
      other: 'ghi',
    });
    expect(redactor.redactText('session_cookie=abc123').text).toBe('session_cookie=[REDACTED:SECRET]');
  });
});

describe('custom rules (re2js)', () => {
  it('redacts named rules with flags alongside built-in detectors', () => {
    const redactor = createRedactor({
      customRules: [
        { name: 'EMPLOYEE_ID', pattern: 'emp-(\\d{6})', flags: 'i' },
        { name: 'PROJECT', pattern: 'project (?P<code>[A-Z]{3})' },
      ],
    });
    expect(redactor.redactText('EMP-123456 on project ABC mailed ada@example.com')).toEqual({
      text: '[REDACTED:EMPLOYEE_ID] on [REDACTED:PROJECT] mailed [REDACTED:EMAIL]',
      counts: { EMPLOYEE_ID: 1, PROJECT: 1, EMAIL: 1 },
    });
  });

  it('never matches inside existing placeholders', () => {
    const redactor = createRedactor({ customRules: [{ name: 'UPPER', pattern: '[A-Z]{5,}' }] });
    expect(redactor.redactText('[REDACTED:EMAIL] and SHOUTING').text).toBe(
      '[REDACTED:EMAIL] and [REDACTED:UPPER]',
    );
  });

  it('runs in linear time on patterns that backtrack catastrophically in JS', () => {
    const redactor = createRedactor({
      customRules: [
        { name: 'EVIL', pattern: '(a+)+$' },
        { name: 'EVIL2', pattern: '(a|aa)+b' },
      ],
    });
    const input = `${'a'.repeat(50_000)}!`;
    expect(redactor.redactText(input).counts).toEqual({});
  });

  it('caps the characters scanned per payload', () => {
    const config = { customRules: [{ name: 'TICKET', pattern: 'TCK-\\d+' }], customRuleBudgetChars: 30 };
    const redactor = createRedactor(config);
    expect(redactor.redactValue(['TCK-1 ada@example.com', 'TCK-2 is the second ticket']).value).toEqual([
      '[REDACTED:TICKET] [REDACTED:EMAIL]',
      '[REDACTED:UNSCANNED]',
    ]);
    expect(redactor.redactText('TCK-3').text).toBe('[REDACTED:TICKET]'); // budget is per payload
    const strict = createRedactor({ ...config, onBudgetExceeded: 'throw' });
    expect(() => strict.redactText('x'.repeat(31))).toThrow(RedactionBudgetExceededError);
    expect(() => strict.redactText('x'.repeat(31))).toThrow(/30 characters per payload \(1 rules\)/);
  });
});

describe('drop paths', () => {
  it('parses the documented syntax', () => {
    expect(parseDropPath('request.messages[*].content')).toEqual([
      { kind: 'key', name: 'request' },
      { kind: 'key', name: 'messages' },
      { kind: 'any' },
      { kind: 'key', name: 'content' },
    ]);
    expect(parseDropPath('**.data')).toEqual([{ kind: 'deep' }, { kind: 'key', name: 'data' }]);
    expect(parseDropPath('a[2].*["x.y"]')).toEqual([
      { kind: 'key', name: 'a' },
      { kind: 'index', index: 2 },
      { kind: 'any' },
      { kind: 'key', name: 'x.y' },
    ]);
    expect(() => parseDropPath('a.')).toThrow('path ends with "."');
  });

  it('removes keys and nulls array items, counting DROPPED', () => {
    const redactor = createRedactor({
      dropPaths: ['request.messages[*].content', '**.image_url', 'response.choices[1]', 'metadata["x.y"]'],
    });
    const { value, counts } = redactor.redactValue({
      request: {
        model: 'gpt-4o',
        messages: [
          { role: 'user', content: 'ada@example.com' },
          { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x' } }] },
        ],
      },
      response: { choices: ['a', 'b', 'c'], nested: { deep: { image_url: 'x' } } },
      metadata: { 'x.y': 1, x: { y: 2 } },
    });
    expect(value).toEqual({
      request: { model: 'gpt-4o', messages: [{ role: 'user' }, { role: 'user' }] },
      response: { choices: ['a', null, 'c'], nested: { deep: {} } },
      metadata: { x: { y: 2 } },
    });
    expect(counts).toEqual({ DROPPED: 5 });
  });
});

describe('JSON traversal and provider formats', () => {
  const redactor = createRedactor();
  const png = `data:image/png;base64,${'iVBORw0KGgoAAAANSUhEUgAA'.repeat(40)}`;
  const audio = 'UklGRiQAAABXQVZFZm10IBAAAAABAAEA'.repeat(20);

  it('redacts OpenAI, Anthropic and Gemini message shapes and keeps blobs', () => {
    const payload = {
      openai: {
        messages: [
          { role: 'system', content: 'You are helpful.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'My card is 4111 1111 1111 1111' },
              { type: 'image_url', image_url: { url: png, detail: 'low' } },
              { type: 'input_audio', input_audio: { data: audio, format: 'wav' } },
            ],
          },
          {
            role: 'assistant',
            tool_calls: [
              {
                id: 'call_1',
                type: 'function',
                function: { name: 'lookup', arguments: '{"email":"ada@example.com","password":"hunter2"}' },
              },
            ],
          },
        ],
        logprobs: {
          content: [
            { token: 'Hello', logprob: -0.1, bytes: [72], top_logprobs: [{ token: 'Hi', logprob: -2 }] },
          ],
        },
      },
      anthropic: {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'call +44 20 7946 0958' },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: audio } },
              {
                type: 'tool_result',
                tool_use_id: 'toolu_1',
                content: [{ type: 'text', text: 'ip 10.1.2.3' }],
              },
            ],
          },
        ],
      },
      gemini: {
        contents: [
          {
            role: 'user',
            parts: [{ text: 'ssn 123-45-6789' }, { inlineData: { mimeType: 'audio/wav', data: audio } }],
          },
        ],
      },
    };
    const { value, counts } = redactor.redactValue(payload);
    expect(counts).toEqual({ CREDIT_CARD: 1, EMAIL: 1, SECRET: 1, PHONE: 1, IPV4: 1, US_SSN: 1 });
    const v = value as typeof payload;
    const userParts = v.openai.messages[1]!.content as { text?: string; image_url?: { url: string } }[];
    expect(userParts[0]!.text).toBe('My card is [REDACTED:CREDIT_CARD]');
    expect(userParts[1]!.image_url!.url).toBe(png);
    expect(v.openai.messages[2]!.tool_calls![0]!.function.arguments).toBe(
      '{"email":"[REDACTED:EMAIL]","password":"[REDACTED:SECRET]"}',
    );
    expect(v.openai.logprobs).toEqual(payload.openai.logprobs);
    expect(v.gemini.contents[0]!.parts[1]).toEqual(payload.gemini.contents[0]!.parts[1]);
  });

  it('still finds key formats that fit inside base64 blobs', () => {
    const blob = `${'QUJD'.repeat(100)}/AKIAIOSFODNN7EXAMPLE/${'QUJD'.repeat(100)}`;
    expect(redactor.redactText(blob).counts).toEqual({ AWS_ACCESS_KEY: 1 });
  });

  it('redacts secret-named keys whole, numbers included, and keeps empty values and non-secret token keys', () => {
    const { value, counts } = redactor.redactValue({
      headers: { Authorization: 'Bearer abc', 'X-Api-Key': 'k', Cookie: ['a=b', 'c=d'] },
      password: 123456,
      client_secret: '',
      max_tokens: 256,
      eos_token: '</s>',
      next_page_token: 'abc',
      usage: { prompt_tokens: 3 },
    });
    expect(value).toEqual({
      headers: {
        Authorization: '[REDACTED:SECRET]',
        'X-Api-Key': '[REDACTED:SECRET]',
        Cookie: ['[REDACTED:SECRET]', '[REDACTED:SECRET]'],
      },
      password: '[REDACTED:SECRET]',
      client_secret: '',
      max_tokens: 256,
      eos_token: '</s>',
      next_page_token: 'abc',
      usage: { prompt_tokens: 3 },
    });
    expect(counts).toEqual({ SECRET: 5 });
  });

  it('keeps __proto__ keys as data and leaves non-plain objects alone', () => {
    const input = JSON.parse('{"__proto__": {"email": "ada@example.com"}, "n": 1}') as Record<
      string,
      unknown
    >;
    const { value } = redactor.redactValue(input);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(JSON.stringify(value)).toBe('{"__proto__":{"email":"[REDACTED:EMAIL]"},"n":1}');
  });
});

describe('adversarial inputs complete in one linear pass', () => {
  const redactor = createRedactor();
  it.each([
    ['a@ repeated', 'a@'.repeat(200_000)],
    ['letters', 'a'.repeat(400_000)],
    ['digits', '1'.repeat(400_000)],
    ['spaced digits', '1 '.repeat(200_000)],
    ['colons', 'a:'.repeat(200_000)],
    ['secret names', 'monkey=monkey='.repeat(30_000)],
    ['PEM headers', '-----BEGIN PRIVATE KEY-----'.repeat(10_000)],
    ['plus signs', '+1 '.repeat(100_000)],
    ['percent escapes', '%4'.repeat(200_000)],
    ['escaped quotes', '\\"'.repeat(200_000)],
    ['escapes of escapes', '\\\\u0040'.repeat(50_000)],
    ['capitals before digits', 'AB12 '.repeat(80_000)],
    ['digits before a capital', '1234567Z '.repeat(40_000)],
    ['Basic credentials', 'Basic '.repeat(60_000)],
    ['bot ids', '123456789:A'.repeat(30_000)],
    ['grouped digits', '2345 '.repeat(80_000)],
  ])('%s', (_name, input) => {
    const { text } = redactor.redactText(input);
    expect(text.length).toBeGreaterThan(0);
  });

  it.each([
    ['name cues', 'my name is '.repeat(40_000)],
    ['capitalised words', 'Maria Ana '.repeat(40_000)],
  ])('%s (PERSON enabled)', (_name, input) => {
    const { text } = createRedactor({ enabled: ['PERSON'] }).redactText(input);
    expect(text.length).toBeGreaterThan(0);
  });
});

describe('sanitizeErrorMessage', () => {
  it('redacts with the default config and truncates to about 500 characters', () => {
    expect(sanitizeErrorMessage('401 for key sk-proj-abc123DEF456ghi789JKL012 (ada@example.com)')).toBe(
      '401 for key [REDACTED:OPENAI_KEY] ([REDACTED:EMAIL])',
    );
    const long = sanitizeErrorMessage(`${'x '.repeat(400)} ada@example.com`);
    expect(long.length).toBe(501);
    expect(long.endsWith('…')).toBe(true);
    const huge = sanitizeErrorMessage(
      `ada@example.com ${'y'.repeat(100_000)} sk-proj-abc123DEF456ghi789JKL012`,
    );
    expect(huge.startsWith('[REDACTED:EMAIL] yyy')).toBe(true);
    expect(huge).not.toContain('sk-proj');
  });
});
