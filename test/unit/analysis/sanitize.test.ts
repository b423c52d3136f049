import fc from 'fast-check';
import { sanitizeProviderCode, sanitizeProviderMessage } from '../../../shared/domain/batch-analysis';

describe('sanitizeProviderMessage', () => {
  it.each([
    ['Rate limit reached for requests', 'Rate limit reached for requests'],
    [
      'Incorrect API key provided: sk-proj-abc***wxyz. You can find your API key at …',
      'Incorrect API key provided: …. You can find your API key at …',
    ],
    ["Invalid value: 'my secret prompt'.", 'Invalid value: ….'],
    ['Invalid "quoted value" here', 'Invalid … here'],
    ['Authorization Bearer abc.def rejected', 'Authorization … rejected'],
    ['  many\n\nlines\there ', 'many lines here'],
    [42, undefined],
  ])('%j → %j', (input, expected) => {
    expect(sanitizeProviderMessage(input)).toBe(expected);
  });

  it('keeps messages short', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 1_000 }), (text) => {
        expect(sanitizeProviderMessage(text)!.length).toBeLessThanOrEqual(200);
      }),
    );
  });

  it('never lets a quoted fragment through', () => {
    fc.assert(
      fc.property(fc.string(), fc.stringMatching(/^[a-z]{12,20}$/), fc.string(), (before, secret, after) => {
        const cleaned = sanitizeProviderMessage(
          `${before.replace(/['"`“”]/g, '')} '${secret}' ${after.replace(/['"`“”]/g, '')}`,
        );
        expect(cleaned).not.toContain(secret);
      }),
    );
  });
});

describe('sanitizeProviderCode', () => {
  it.each([
    ['rate_limit_exceeded', 'rate_limit_exceeded'],
    ['invalid_request_error', 'invalid_request_error'],
    ['has spaces', undefined],
    ['x'.repeat(65), undefined],
    [null, undefined],
  ])('%j → %j', (input, expected) => {
    expect(sanitizeProviderCode(input)).toBe(expected);
  });
});
