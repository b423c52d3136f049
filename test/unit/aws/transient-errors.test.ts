import type { SQSRecord } from 'aws-lambda';
import {
  DEFERRALS_ATTRIBUTE,
  deferralDelaySeconds,
  deferralsOf,
} from '../../../shared/adapters/aws/deferral';
import { isTransientDependencyError, MalformedMessageError } from '../../../shared/adapters/aws/errors';

const named = (name: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error('x'), { name, ...extra });

describe('isTransientDependencyError (issue 18, class 7)', () => {
  it.each([
    ['throttling', named('ThrottlingException')],
    ['provisioned throughput', named('ProvisionedThroughputExceededException')],
    ['a 5xx', named('InternalServerError', { $metadata: { httpStatusCode: 500 } })],
    ['a 503 of any name', named('Whatever', { $metadata: { httpStatusCode: 503 } })],
    ['a timeout', named('TimeoutError')],
    ['a refused connection', Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })],
    ['a wrapped socket error (no HTTP answer)', named('Error', { $metadata: { attempts: 4 } })],
    [
      'a refused connection as a cause',
      new Error('outer', { cause: Object.assign(new Error(), { code: 'ECONNRESET' }) }),
    ],
    [
      'a transaction cancelled by throttling',
      named('TransactionCanceledException', {
        CancellationReasons: [{ Code: 'None' }, { Code: 'ThrottlingError' }],
      }),
    ],
  ])('is true for %s', (_, error) => {
    expect(isTransientDependencyError(error)).toBe(true);
  });

  it.each([
    ['a malformed message', new MalformedMessageError('m-1', 'body is not JSON')],
    ['a validation error', named('ValidationException', { $metadata: { httpStatusCode: 400 } })],
    ['a missing object', named('NoSuchKey', { $metadata: { httpStatusCode: 404 } })],
    ['a failed condition', named('ConditionalCheckFailedException', { $metadata: { httpStatusCode: 400 } })],
    [
      'a transaction cancelled by a condition',
      named('TransactionCanceledException', {
        $metadata: { httpStatusCode: 400 },
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }],
      }),
    ],
    ['a non-error', 'boom'],
  ])('is false for %s', (_, error) => {
    expect(isTransientDependencyError(error)).toBe(false);
  });
});

describe('deferral backoff', () => {
  const record = (deferrals?: string) =>
    ({
      messageAttributes: deferrals
        ? { [DEFERRALS_ATTRIBUTE]: { stringValue: deferrals, dataType: 'Number' } }
        : {},
    }) as unknown as SQSRecord;

  it('reads the deferral count, 0 when absent or malformed', () => {
    expect(deferralsOf(record())).toBe(0);
    expect(deferralsOf(record('3'))).toBe(3);
    expect(deferralsOf(record('-1'))).toBe(0);
  });

  it('doubles the ceiling per deferral up to SQS’s 900 s, with full jitter', () => {
    delete process.env.PROCESS_DEFER_MAX_SECONDS;
    expect([0, 1, 2, 3, 10, 50].map((n) => deferralDelaySeconds(n, () => 1))).toEqual([
      5, 10, 20, 40, 900, 900,
    ]);
    expect(deferralDelaySeconds(5, () => 0)).toBe(0);
  });
});
