/**
 * A day of 200,000 interactions rolled up locally through the scaled-out path (plan → slices of
 * project day × shard × hour summed in parallel → reduce), compared with the one-pass recompute
 * to the nano-dollar, re-run, and re-run after late arrivals through the real pipeline.
 *
 * The day is seeded with BatchWriteItem of ready-made interaction items (the attributes the
 * processor stores that rollups read, keys from the ledger's own key builders), because posting
 * 200,000 interactions through the API would test the processor, not the rollup. Figures (seed,
 * rollup, recompute times) are printed, never asserted.
 */
import { isDeepStrictEqual } from 'node:util';
import type { LocalStack } from '../../../infra/local/twin';
import { sampleInteractionItem, seededRandom } from '../../../infra/scale-model/sample-day';
import {
  ANALYTICS_ENV,
  type RollupJobSummary,
  recomputeDayRollups,
} from '../../../shared/adapters/aws/analytics-jobs';
import {
  changedDays,
  markProjectActive,
  readDayRollups,
  type StoredRollup,
  toRollupSource,
} from '../../../shared/adapters/aws/analytics-store';
import { ALL, RollupAccumulator, rollupKey } from '../../../shared/domain/analytics';
import { seedItems } from '../../support/seed-items';
import { startTestStack } from '../../support/stack';
import { postCalls } from './support';

const DAY = '2026-06-15';
/**
 * The size, in the regular suite: about 3 minutes alone on a 2-core machine, mostly
 * DynamoDB Local's writes and reads (README, Scale).
 */
const RECORDS = 200_000;
const LATE = 60;

/** The day's ready-made items (the same generator the scale model measures on). */
const dayItems = (project: string) => {
  const next = seededRandom(20260615);
  return Array.from({ length: RECORDS }, (_, index) => sampleInteractionItem(project, DAY, index, next));
};

async function seedDay(project: string): Promise<void> {
  await seedItems(dayItems(project));
  await markProjectActive(project, `${DAY}T00:00:00.000Z`, Date.parse(`${DAY}T12:00:00Z`));
}

const ordered = (rollups: StoredRollup[]) =>
  rollups
    .map((entry) => ({ key: `${entry.level} ${rollupKey(entry.rollup)}`, entry }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ entry }) => entry);

/**
 * `expect(actual).toEqual(expected)`, with a fast path: Jest's deep equality takes minutes on a
 * 200,000-record day's latency histograms, node's strict deep equality milliseconds. Strictly
 * equal values are `toEqual`-equal too; any other pair goes to `toEqual`, which decides and
 * prints the difference.
 */
function expectEqual<T>(actual: T, expected: T): void {
  if (isDeepStrictEqual(actual, expected)) return;
  expect(actual).toEqual(expected);
}

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

describe(`scaled-out rollup of a ${RECORDS.toLocaleString('en-US')}-interaction day`, () => {
  let stack: LocalStack;
  const figures: string[] = [];
  const previousTagKeys = process.env[ANALYTICS_ENV.rollupTagKeys];

  beforeAll(async () => {
    process.env[ANALYTICS_ENV.rollupTagKeys] = 'team';
    // Hourly slices, as the state machine runs them in AWS (the twin's default is 6 hours).
    process.env[ANALYTICS_ENV.hoursPerSlice] = '1';
    stack = await startTestStack();
    const started = performance.now();
    await seedDay(stack.project);
    figures.push(`seed ${RECORDS} items (BatchWriteItem, 32 at once): ${seconds(started)}`);
  }, 600_000);

  afterAll(async () => {
    process.stderr.write(`scale-rollup figures:\n  ${figures.join('\n  ')}\n`);
    delete process.env[ANALYTICS_ENV.hoursPerSlice];
    if (previousTagKeys === undefined) delete process.env[ANALYTICS_ENV.rollupTagKeys];
    else process.env[ANALYTICS_ENV.rollupTagKeys] = previousTagKeys;
    await stack.stop();
  });

  const recompute = () => recomputeDayRollups(stack.project, DAY, ['day', 'hour'], ['team']);
  const stored = () => readDayRollups(stack.project, DAY, ['day', 'hour']);
  const projectTotal = (rollups: StoredRollup[]) =>
    rollups.find((entry) => entry.level === 'project' && entry.rollup.granularity === 'day')!.rollup;
  /** The seeded day summed in memory in one pass (the recompute's arithmetic, without the reads). */
  const inMemory = (): StoredRollup[] => {
    const options = { granularities: ['day', 'hour'] as const };
    const model = new RollupAccumulator({ ...options, groupByTags: ['team'] });
    const provider = new RollupAccumulator(options);
    const project = new RollupAccumulator(options);
    for (const item of dayItems(stack.project)) {
      const record = toRollupSource(item);
      model.add(record);
      provider.add({ ...record, model: ALL, tags: undefined });
      project.add({ ...record, provider: ALL, model: ALL, tags: undefined });
    }
    return [
      ...model.rollups().map((rollup) => ({ level: 'model' as const, rollup })),
      ...provider.rollups().map((rollup) => ({ level: 'provider' as const, rollup })),
      ...project.rollups().map((rollup) => ({ level: 'project' as const, rollup })),
    ];
  };
  let first: StoredRollup[] = [];

  it('equals the one-pass sum of the seeded day to the nano-dollar', async () => {
    const started = performance.now();
    const summary = (await stack.runJob('rollup', { date: DAY })) as RollupJobSummary;
    figures.push(`rollup (plan → ${summary.slices} slices, 8 at once → reduce): ${seconds(started)}`);
    expect(summary).toMatchObject({ date: DAY, days: 1, records: RECORDS, skipped: 0 });
    expect(summary.slices).toBe(16 * 24);
    first = ordered(await stored());
    expectEqual(first, ordered(inMemory()));
    expect(projectTotal(first).count).toBe(RECORDS);
    // 3 levels × (1 day + 24 hours), 5 models, 2 providers, and tag rollups: a real spread, not one group.
    expect(first.length).toBeGreaterThan(300);
  }, 600_000);

  it('counts late arrivals on the next scheduled run (a re-run of the day), equal to the recompute', async () => {
    const before = projectTotal(first);
    await postCalls(
      stack,
      Array.from({ length: LATE }, (_, index) => ({
        id: `late-${index}`,
        model: 'gpt-4o',
        startedAt: `${DAY}T23:${String(index % 60).padStart(2, '0')}:30.000Z`,
        inputTokens: 1000 + index,
        outputTokens: 100,
        latencyMs: 250,
      })),
    );
    expect(await changedDays(DAY)).toContainEqual({ project: stack.project, day: DAY });

    let started = performance.now();
    const summary = (await stack.runJob('rollup', { schedule: 'hourly' })) as RollupJobSummary;
    figures.push(`scheduled run with the changed day (re-run): ${seconds(started)}`);
    expect(summary.records).toBeGreaterThanOrEqual(RECORDS + LATE);
    expect(summary.deleted).toBe(0);

    const after = ordered(await stored());
    started = performance.now();
    expectEqual(after, ordered(await recompute()));
    figures.push(`one-pass recompute from the table (the check): ${seconds(started)}`);
    const total = projectTotal(after);
    expect(total.count).toBe(before.count + LATE);
    expect(total.cost.totalNanos).toBeGreaterThan(before.cost.totalNanos);
    // The re-run rewrote every other group exactly as before: hours without late calls are unchanged.
    const earlyHours = (rollups: StoredRollup[]) =>
      rollups.filter((entry) => entry.rollup.granularity === 'hour' && entry.rollup.period < `${DAY}T23`);
    expectEqual(earlyHours(after), earlyHours(first));
    // Marked seconds before the run planned: kept, so a record the run could have missed is never lost.
    expect(await changedDays(DAY)).toContainEqual({ project: stack.project, day: DAY });
  }, 600_000);
});
