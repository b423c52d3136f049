import fc from 'fast-check';
import {
  afterCursor,
  decodeCursor,
  encodeCursor,
  InvalidCursorError,
  isKeyOf,
  pageCursor,
} from '../../../shared/domain/table/cursor';
import { toHttpError } from '../../../shared/http/errors';

const SORT_KEY = afterCursor(/^\d{4}-\d{2}-\d{2}T[^#]*#./);

describe('list cursors', () => {
  it('round-trips a sort-key cursor and a page cursor', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.nat(),
        fc.dictionary(fc.string(), fc.string()),
        (id, s, k) => {
          const after = `2026-11-21T09:00:00.000Z#${id}`;
          expect(decodeCursor(encodeCursor({ after }), 'interactions', SORT_KEY)).toEqual({ after });
          expect(decodeCursor(encodeCursor({ s, k }), 'requests', pageCursor)).toEqual({ s, k });
          expect(decodeCursor(encodeCursor({ s }), 'requests', pageCursor)).toEqual({ s });
        },
      ),
    );
  });

  it('refuses a tampered, truncated or foreign cursor with an error the HTTP layer answers 400 on `cursor`', () => {
    const valid = encodeCursor({ after: '2026-11-21T09:00:00.000Z#call-42' });
    const refused = [
      'not-a-cursor',
      valid.slice(0, -3),
      `x${valid}`,
      encodeCursor({ after: 'anything' }),
      encodeCursor({ after: 42 }),
      encodeCursor(null),
      encodeCursor([{ after: '2026-11-21T09:00:00.000Z#call-42' }]),
      encodeCursor({ s: 0 }),
    ];
    for (const cursor of refused) {
      expect(() => decodeCursor(cursor, 'interactions', SORT_KEY)).toThrow(InvalidCursorError);
    }
    for (const value of [
      { s: -1 },
      { s: 1.5 },
      { s: '0' },
      { s: 0, k: [] },
      { s: 0, k: null },
      { s: 0, k: 'x' },
      {},
    ]) {
      expect(() => decodeCursor(encodeCursor(value), 'requests', pageCursor)).toThrow(InvalidCursorError);
    }
    const answer = toHttpError(new InvalidCursorError('interactions'));
    expect(answer).toMatchObject({ statusCode: 400, issues: [{ path: 'cursor' }] });
  });

  it('lets a start key resume only inside the partition it came from', () => {
    expect(isKeyOf({ pk: 'ABATCH#p', sk: 'ABATCH#1' }, ['pk', 'sk'], { pk: 'ABATCH#p' })).toBe(true);
    expect(isKeyOf({ pk: 'ABATCH#other', sk: 'ABATCH#1' }, ['pk', 'sk'], { pk: 'ABATCH#p' })).toBe(false);
    expect(isKeyOf({ pk: 'ABATCH#p' }, ['pk', 'sk'], { pk: 'ABATCH#p' })).toBe(false);
    expect(isKeyOf({ pk: 'ABATCH#p', sk: 1 }, ['pk', 'sk'], {})).toBe(false);
    expect(isKeyOf({ pk: 'ABATCH#p', sk: 'x', extra: 'y' }, ['pk', 'sk'], {})).toBe(false);
  });
});
