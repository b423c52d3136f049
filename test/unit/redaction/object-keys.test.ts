import { createRedactor, parseRedactionConfig } from '../../../shared/domain/redaction';

describe('redaction of object keys (issue 18, class 5)', () => {
  const redactor = createRedactor();

  it('redacts personal data and secrets used as object keys, at any depth, and counts them', () => {
    const { value, counts } = redactor.redactValue({
      'jane.doe@example.com': 3,
      nested: [{ AKIAIOSFODNN7EXAMPLE: { ok: 'kept' } }],
    });
    expect(value).toEqual({
      '[REDACTED:EMAIL]': 3,
      nested: [{ '[REDACTED:AWS_ACCESS_KEY]': { ok: 'kept' } }],
    });
    expect(counts).toEqual({ EMAIL: 1, AWS_ACCESS_KEY: 1 });
  });

  it('keeps both values when two keys redact alike', () => {
    const { value } = redactor.redactValue({ 'a@example.com': 1, 'b@example.com': 2 });
    expect(value).toEqual({ '[REDACTED:EMAIL]': 1, '[REDACTED:EMAIL] (2)': 2 });
  });

  it('leaves ordinary keys, and keys named like prototype members, as they are', () => {
    const input = JSON.parse('{"role":"user","constructor":"x","__proto__":"y","toString":"z"}');
    expect(JSON.stringify(redactor.redactValue(input).value)).toBe(JSON.stringify(input));
  });

  it('still finds secret-named keys and drop paths by the key as sent', () => {
    const hashing = createRedactor({ dropPaths: ['request.drop'] });
    expect(hashing.redactValue({ request: { drop: 'x', password: 'hunter2' } }).value).toEqual({
      request: { password: '[REDACTED:SECRET]' },
    });
  });
});

describe('redaction allowlist (issue 18, class 9)', () => {
  it.each(['.*', '.+', '\\S+', '[^ ]*.*'])(
    'refuses the pattern %s, which would turn redaction off',
    (pattern) => {
      expect(() => parseRedactionConfig({ allowlist: { patterns: [pattern] } })).toThrow(
        expect.objectContaining({ issues: [expect.objectContaining({ path: 'allowlist.patterns.0' })] }),
      );
    },
  );

  it('keeps narrow patterns', () => {
    expect(() =>
      parseRedactionConfig({ allowlist: { patterns: ['.*@example\\.org', 'TCK-\\d+'] } }),
    ).not.toThrow();
  });
});
