import { describeError, isRetryableStatus, retryDelayMs } from '../../../shared/cli/http';

describe('retries', () => {
  it.each([
    [429, true],
    [500, true],
    [503, true],
    [400, false],
    [401, false],
    [413, false],
    [202, false],
  ])('HTTP %i is retryable: %s', (status, retryable) => {
    expect(isRetryableStatus(status)).toBe(retryable);
  });

  it('waits what Retry-After says, in seconds or as a date, within the cap', () => {
    const now = Date.parse('2026-11-20T10:00:00Z');
    expect(retryDelayMs(1, '2')).toBe(2000);
    expect(retryDelayMs(1, '0')).toBe(0);
    expect(retryDelayMs(1, '600')).toBe(30_000);
    expect(retryDelayMs(1, 'Fri, 20 Nov 2026 10:00:05 GMT', {}, Math.random, now)).toBe(5000);
    expect(retryDelayMs(1, 'Fri, 20 Nov 2026 09:00:00 GMT', {}, Math.random, now)).toBe(0);
  });

  it('backs off exponentially with jitter otherwise, within the cap', () => {
    const options = { baseDelayMs: 500, maxDelayMs: 30_000 };
    expect(retryDelayMs(1, null, options, () => 0)).toBe(250);
    expect(retryDelayMs(1, null, options, () => 1)).toBe(500);
    expect(retryDelayMs(3, null, options, () => 1)).toBe(2000);
    expect(retryDelayMs(3, 'soon', options, () => 0)).toBe(1000);
    expect(retryDelayMs(20, null, options, () => 1)).toBe(30_000);
  });

  it('describes an error answer by status, code and message', () => {
    expect(
      describeError({
        status: 401,
        body: { error: { code: 'unauthorized', message: 'missing or unknown API key' } },
      }),
    ).toBe('HTTP 401 unauthorized: missing or unknown API key');
    expect(describeError({ status: 502, body: undefined })).toBe('HTTP 502');
  });
});
