import fc from 'fast-check';
import {
  dueGroups,
  InvalidAnalysisInputError,
  type PendingAnalysisRequest,
  planBatches,
} from '../../../shared/domain/batch-analysis';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const minutes = (n: number) => n * 60_000;

function pending(id: string, overrides: Partial<PendingAnalysisRequest> = {}): PendingAnalysisRequest {
  return { requestId: id, model: 'gpt-4o-mini', createdAt: T0, lineBytes: 99, ...overrides };
}

describe('planBatches', () => {
  it.each([
    {
      name: 'holds a small, young group',
      items: [pending('a'), pending('b')],
      options: { minBatchSize: 3, maxWaitMs: minutes(10), now: T0 + minutes(5) },
      expected: [],
    },
    {
      name: 'starts a group that reached minBatchSize',
      items: [pending('a'), pending('b'), pending('c')],
      options: { minBatchSize: 3, maxWaitMs: minutes(10), now: T0 },
      expected: [{ model: 'gpt-4o-mini', requestIds: ['a', 'b', 'c'], bytes: 300 }],
    },
    {
      name: 'starts a small group whose oldest request waited maxWaitMs',
      items: [pending('b', { createdAt: T0 + minutes(1) }), pending('a')],
      options: { minBatchSize: 100, maxWaitMs: minutes(10), now: T0 + minutes(10) },
      expected: [{ model: 'gpt-4o-mini', requestIds: ['a', 'b'], bytes: 200 }],
    },
    {
      name: 'accepts ISO timestamps with a zone',
      items: [pending('a', { createdAt: '2026-01-01T01:00:00+01:00' })],
      options: { minBatchSize: 100, maxWaitMs: minutes(10), now: '2026-01-01T00:10:00Z' },
      expected: [{ model: 'gpt-4o-mini', requestIds: ['a'], bytes: 100 }],
    },
    {
      name: 'never mixes models or projects',
      items: [
        pending('a'),
        pending('b', { model: 'gpt-4o' }),
        pending('c', { project: 'p1' }),
        pending('d', { project: 'p1' }),
      ],
      options: { minBatchSize: 1, maxWaitMs: minutes(10), now: T0 },
      expected: [
        { project: 'p1', model: 'gpt-4o-mini', requestIds: ['c', 'd'], bytes: 200 },
        { model: 'gpt-4o', requestIds: ['b'], bytes: 100 },
        { model: 'gpt-4o-mini', requestIds: ['a'], bytes: 100 },
      ],
    },
    {
      name: 'splits at the request limit and holds the young remainder',
      items: ['a', 'b', 'c', 'd', 'e'].map((id) => pending(id)),
      options: { minBatchSize: 3, maxWaitMs: minutes(10), now: T0, maxRequestsPerFile: 2 },
      expected: [
        { model: 'gpt-4o-mini', requestIds: ['a', 'b'], bytes: 200 },
        { model: 'gpt-4o-mini', requestIds: ['c', 'd'], bytes: 200 },
      ],
    },
    {
      name: 'splits at the byte limit, counting newlines',
      items: ['a', 'b', 'c'].map((id) => pending(id)),
      options: { minBatchSize: 1, maxWaitMs: 0, now: T0, maxBytesPerFile: 250 },
      expected: [
        { model: 'gpt-4o-mini', requestIds: ['a', 'b'], bytes: 200 },
        { model: 'gpt-4o-mini', requestIds: ['c'], bytes: 100 },
      ],
    },
  ])('$name', ({ items, options, expected }) => {
    expect(planBatches(items, options)).toEqual({ batches: expected, oversized: [] });
  });

  it('reports a request whose line alone exceeds the byte limit', () => {
    const plan = planBatches([pending('big', { lineBytes: 300 }), pending('a')], {
      minBatchSize: 1,
      maxWaitMs: 0,
      now: T0,
      maxBytesPerFile: 300,
    });
    expect(plan).toEqual({
      batches: [{ model: 'gpt-4o-mini', requestIds: ['a'], bytes: 100 }],
      oversized: ['big'],
    });
  });

  it.each([
    [[pending('a'), pending('a')], { minBatchSize: 1, maxWaitMs: 0, now: T0 }],
    [[pending('a', { createdAt: '2026-01-01T00:00:00' })], { minBatchSize: 1, maxWaitMs: 0, now: T0 }],
    [[pending('a', { lineBytes: -1 })], { minBatchSize: 1, maxWaitMs: 0, now: T0 }],
    [[], { minBatchSize: 0, maxWaitMs: 0, now: T0 }],
    [[], { minBatchSize: 1, maxWaitMs: 0, now: T0, maxRequestsPerFile: 50_001 }],
    [[], { minBatchSize: 1, maxWaitMs: 0, now: 'yesterday' }],
  ])('rejects invalid input %#', (items, options) => {
    expect(() => planBatches(items, options)).toThrow(InvalidAnalysisInputError);
  });

  const arbitraryPending = fc
    .uniqueArray(
      fc.record({
        requestId: fc.string({ minLength: 1, maxLength: 6 }),
        model: fc.constantFrom('gpt-4o', 'gpt-4o-mini', 'o3'),
        project: fc.option(fc.constantFrom('p1', 'p2'), { nil: undefined }),
        createdAt: fc.integer({ min: T0, max: T0 + minutes(60) }),
        lineBytes: fc.integer({ min: 0, max: 400 }),
      }),
      { selector: (item) => item.requestId, maxLength: 120 },
    )
    .map((items) =>
      items.map(({ project, ...rest }) => (project === undefined ? rest : { ...rest, project })),
    );
  const arbitraryOptions = fc.record({
    minBatchSize: fc.integer({ min: 1, max: 40 }),
    maxWaitMs: fc.integer({ min: 0, max: minutes(90) }),
    maxRequestsPerFile: fc.integer({ min: 1, max: 30 }),
    maxBytesPerFile: fc.integer({ min: 1, max: 2_000 }),
    now: fc.integer({ min: T0, max: T0 + minutes(120) }),
  });

  it('never exceeds the limits, never mixes groups, never loses or duplicates a request', () => {
    fc.assert(
      fc.property(arbitraryPending, arbitraryOptions, (items, options) => {
        const plan = planBatches(items, options);
        const byId = new Map<string, PendingAnalysisRequest>(items.map((item) => [item.requestId, item]));
        const placed = [...plan.batches.flatMap((batch) => batch.requestIds), ...plan.oversized];
        expect(new Set(placed).size).toBe(placed.length);
        for (const id of placed) expect(byId.has(id)).toBe(true);
        for (const id of plan.oversized)
          expect(byId.get(id)!.lineBytes + 1).toBeGreaterThan(options.maxBytesPerFile);
        for (const batch of plan.batches) {
          expect(batch.requestIds.length).toBeGreaterThan(0);
          expect(batch.requestIds.length).toBeLessThanOrEqual(options.maxRequestsPerFile);
          const members = batch.requestIds.map((id) => byId.get(id)!);
          const bytes = members.reduce((sum, member) => sum + member.lineBytes + 1, 0);
          expect(batch.bytes).toBe(bytes);
          expect(bytes).toBeLessThanOrEqual(options.maxBytesPerFile);
          for (const member of members) {
            expect(member.model).toBe(batch.model);
            expect(member.project).toBe(batch.project);
          }
        }
      }),
    );
  });

  it('plans every request that fits once all have waited long enough', () => {
    fc.assert(
      fc.property(arbitraryPending, arbitraryOptions, (items, options) => {
        const plan = planBatches(items, { ...options, now: T0 + minutes(60) + options.maxWaitMs });
        const placed = plan.batches.flatMap((batch) => batch.requestIds).length + plan.oversized.length;
        expect(placed).toBe(items.length);
      }),
    );
  });

  it('is deterministic whatever the input order', () => {
    fc.assert(
      fc.property(arbitraryPending, arbitraryOptions, fc.nat(), (items, options, seed) => {
        const shuffled = [...items].sort(
          (a, b) => ((a.requestId.charCodeAt(0) ^ seed) % 7) - ((b.requestId.charCodeAt(0) ^ seed) % 7),
        );
        expect(planBatches(shuffled, options)).toEqual(planBatches(items, options));
      }),
    );
  });
});

describe('dueGroups', () => {
  const row = (id: string, model: string, minutesOld: number, project = 'p') => ({
    id,
    model,
    project,
    createdAt: new Date(T0 - minutes(minutesOld)).toISOString(),
  });

  it('keeps the groups that are big enough, old enough or fill a file, by project and model', () => {
    const rows = [
      row('big-1', 'm-big', 0),
      row('old-1', 'm-old', 30),
      row('big-2', 'm-big', 0),
      row('young-1', 'm-young', 1),
      row('full-1', 'm-full', 0, 'q'),
      row('old-2', 'm-old', 0),
    ];
    // With one request per file, every group fills a file.
    const full = dueGroups(rows, { minBatchSize: 2, maxWaitMs: minutes(20), now: T0, maxRequestsPerFile: 1 });
    expect(full.flat().map((r) => r.id)).toEqual(['big-1', 'big-2', 'old-1', 'old-2', 'young-1', 'full-1']);
    const groups = dueGroups(rows, { minBatchSize: 2, maxWaitMs: minutes(20), now: T0 });
    expect(groups.map((group) => group.map((r) => r.id))).toEqual([
      ['big-1', 'big-2'],
      ['old-1', 'old-2'],
    ]);
  });

  it('agrees with planBatches: a due group is planned, a group that is not stays pending', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ model: fc.constantFrom('a', 'b'), age: fc.integer({ min: 0, max: 60 }) }), {
          maxLength: 12,
        }),
        fc.integer({ min: 1, max: 5 }),
        (items, minBatchSize) => {
          const rows = items.map((item, index) => row(`r${index}`, item.model, item.age));
          const options = { minBatchSize, maxWaitMs: minutes(30), now: T0 };
          const due = new Set(dueGroups(rows, options).flatMap((group) => group.map((r) => r.id)));
          const planned = planBatches(
            rows.map((r) => ({ requestId: r.id, model: r.model, createdAt: r.createdAt, lineBytes: 10 })),
            options,
          );
          expect(new Set(planned.batches.flatMap((batch) => batch.requestIds))).toEqual(due);
        },
      ),
    );
  });
});
