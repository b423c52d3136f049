/**
 * The rollup job driven with in-memory stores: the behaviours test/integration/analytics
 * (rollups, scale-rollup) prove on the emulators, and every crash point of the map and reduce.
 */
import type { LeveledRollup } from '../../../../shared/domain/analytics';
import {
  CHANGED_CLEAR_MARGIN_MS,
  InvalidJobInputError,
  planRollup,
  type RollupJobSummary,
  recomputeDayRollups,
  reduceRollup,
  runRollupJob,
  runRollupStep,
  slicesOf,
} from '../../../../shared/domain/analytics/jobs';
import { call, memoryWorld } from './memory';

const DAYS = ['2026-03-02', '2026-03-03', '2026-03-04'];
const MODELS = ['gpt-4o', 'gpt-4o-mini', 'mystery-model-x'];
const PROJECT = 'acme';

/** The integration test's spread: models, hours, statuses, an unpriced model, tags. */
function seed(world: ReturnType<typeof memoryWorld>, prefix = 'c', days = DAYS) {
  days.forEach((day, dayIndex) => {
    for (let i = 0; i < 12; i += 1) {
      const model = MODELS[i % MODELS.length]!;
      const hour = String((i * 5 + dayIndex) % 24).padStart(2, '0');
      world.ledger.put(
        `${prefix}${dayIndex}${String(i).padStart(2, '0')}`,
        call(PROJECT, `${day}T${hour}:${String(i * 4).padStart(2, '0')}:07.250Z`, {
          model,
          input: 1000 + 137 * i + 11 * dayIndex,
          output: 50 + 13 * i,
          status: i % 5 === 4 ? 'error' : 'success',
          priced: model !== 'mystery-model-x',
          tags: i % 3 === 0 ? { team: i % 2 === 0 ? 'search' : 'chat' } : undefined,
        }),
      );
    }
    world.activity.markActive(PROJECT, day);
  });
}

const ordered = (rollups: LeveledRollup[]) =>
  [...rollups].sort((a, b) => {
    const key = (entry: LeveledRollup) =>
      `${entry.level} ${entry.rollup.granularity} ${entry.rollup.period} ${entry.rollup.provider} ${entry.rollup.model} ${JSON.stringify(entry.rollup.tag ?? null)}`;
    return key(a) < key(b) ? -1 : 1;
  });

/** A project day's stored rollups at one level and granularity (the API's query). */
const query = (
  world: ReturnType<typeof memoryWorld>,
  day: string,
  fields: { granularity?: 'day' | 'hour'; level?: 'model' | 'provider' | 'project'; tagKey?: string } = {},
) => world.rollups.queryRollups({ project: PROJECT, granularity: 'day', from: day, to: day, ...fields });

const recompute = (world: ReturnType<typeof memoryWorld>, day: string, tagKeys: string[] = []) =>
  recomputeDayRollups(world.ledger, PROJECT, day, ['day', 'hour'], tagKeys);

describe('rollup job: exact sums', () => {
  it('rolls up each day per provider × model, by hour, per provider and in total, equal to the one-pass recompute', async () => {
    const world = memoryWorld();
    seed(world);
    for (const date of DAYS) {
      const summary = await runRollupJob({ date }, world.deps);
      expect(summary).toMatchObject({ date, projects: 1, days: 1, records: 12, skipped: 0, deleted: 0 });
      expect(summary.slices).toBe(4 * (24 / 6));
      expect(ordered(world.rollups.day(PROJECT, date))).toEqual(ordered(await recompute(world, date)));
    }
    const byModel = await query(world, DAYS[0]!);
    expect(byModel.find((rollup) => rollup.model === 'gpt-4o-mini')!.count).toBe(4);
    const mystery = byModel.find((rollup) => rollup.model === 'mystery-model-x');
    expect(mystery!.unpricedCount).toBe(mystery!.successCount);
    expect(mystery!.cost.totalNanos).toBe(0);

    // Hour rollups add up to the day; the project total is every record of the day.
    const hours = await query(world, DAYS[1]!, { granularity: 'hour', level: 'project' });
    const [total] = await query(world, DAYS[1]!, { level: 'project' });
    expect(total).toMatchObject({ provider: '*', model: '*', count: 12 });
    expect(hours.reduce((sum, hour) => sum + hour.cost.totalNanos, 0)).toBe(total!.cost.totalNanos);
    const [openai] = await query(world, DAYS[1]!, { level: 'provider' });
    expect(openai).toMatchObject({ provider: 'openai', model: '*', count: 12 });
    expect(world.metrics.named('RollupsWritten').map((metric) => metric.value)).toEqual(
      DAYS.map((day) => world.rollups.day(PROJECT, day).length),
    );
    expect(world.logger.lines.filter((line) => line.message === 'rollup job done')).toHaveLength(3);
  });

  it('rolls up by tag when asked (the event or the deployment setting), kept out of the model level', async () => {
    const world = memoryWorld();
    seed(world);
    await runRollupJob({ date: DAYS[0], groupByTags: ['team'] }, world.deps);
    const tagged = await query(world, DAYS[0]!, { tagKey: 'team' });
    expect(tagged.map((rollup) => `${rollup.model}|${rollup.tag!.value ?? '(none)'}`).sort()).toEqual([
      'gpt-4o-mini|(none)',
      'gpt-4o|chat',
      'gpt-4o|search',
      'mystery-model-x|(none)',
    ]);
    expect(tagged.reduce((sum, rollup) => sum + rollup.count, 0)).toBe(12);
    const byModel = await query(world, DAYS[0]!);
    expect(byModel.every((rollup) => rollup.tag === undefined)).toBe(true);
    expect(ordered(world.rollups.day(PROJECT, DAYS[0]!))).toEqual(
      ordered(await recompute(world, DAYS[0]!, ['team'])),
    );

    const configured = memoryWorld(undefined, { tagKeys: ['team'] });
    seed(configured);
    await runRollupJob({ date: DAYS[0] }, configured.deps);
    expect(ordered(configured.rollups.day(PROJECT, DAYS[0]!))).toEqual(
      ordered(world.rollups.day(PROJECT, DAYS[0]!)),
    );
  });

  it('skips records indexed under the day whose timestamp names another UTC day, and counts them', async () => {
    const world = memoryWorld();
    seed(world, 'c', [DAYS[0]!]);
    // Indexed under its local date, 23:30 at −05:00 is 04:30 UTC the next day.
    world.ledger.put('zoned1', call(PROJECT, `${DAYS[0]}T23:30:00.000-05:00`));
    const summary = await runRollupJob({ date: DAYS[0] }, world.deps);
    expect(summary).toMatchObject({ records: 12, skipped: 1 });
    expect(ordered(world.rollups.day(PROJECT, DAYS[0]!))).toEqual(ordered(await recompute(world, DAYS[0]!)));
  });
});

describe('rollup job: re-runs and late arrivals', () => {
  it('overwrites on re-runs: same items, same sums, also when only the day granularity re-runs', async () => {
    const world = memoryWorld();
    seed(world);
    for (const date of DAYS) await runRollupJob({ date }, world.deps);
    const before = [...world.rollups.items.keys()].sort();
    const sums = DAYS.map((day) => world.rollups.day(PROJECT, day));
    for (const date of DAYS) {
      const again = await runRollupJob({ date }, world.deps);
      expect(again.deleted).toBe(0);
      await runRollupJob({ date, granularity: 'day' }, world.deps);
    }
    expect([...world.rollups.items.keys()].sort()).toEqual(before);
    expect(DAYS.map((day) => world.rollups.day(PROJECT, day))).toEqual(sums);
  });

  it('counts late arrivals for a past day on its next run, without new items', async () => {
    const world = memoryWorld();
    seed(world);
    const [first] = DAYS;
    await runRollupJob({ date: first }, world.deps);
    const items = world.rollups.items.size;
    const total = async () => (await query(world, first!, { level: 'project' }))[0]!.cost.totalNanos;
    const before = await total();
    seed(world, 'late', [first!]);
    expect(await total()).toBe(before); // not yet: the day has not been re-run
    const summary = await runRollupJob({ date: first }, world.deps);
    expect(summary.records).toBe(24);
    expect(world.rollups.items.size).toBe(items);
    expect(await total()).toBeGreaterThan(before);
    expect(ordered(world.rollups.day(PROJECT, first!))).toEqual(ordered(await recompute(world, first!)));
  });

  it('a scheduled run recomputes every day marked changed; the mark is cleared unless re-marked since the plan', async () => {
    const now = '2026-03-10T12:00:00.000Z';
    const world = memoryWorld(now);
    seed(world);
    for (const date of DAYS) await runRollupJob({ date }, world.deps);
    const untouched = world.rollups.day(PROJECT, DAYS[2]!);
    const lateHour = world.rollups
      .day(PROJECT, DAYS[1]!)
      .filter((entry) => entry.rollup.granularity === 'hour' && entry.rollup.period < `${DAYS[1]}T23`);
    for (let i = 0; i < 6; i += 1) {
      world.ledger.put(`late9${i}`, call(PROJECT, `${DAYS[1]}T23:${String(i).padStart(2, '0')}:30.000Z`));
    }
    // Marked long before the run (cleared), and seconds before it (kept: a record the run may have missed).
    world.activity.markChanged(PROJECT, DAYS[0]!, '2026-03-10T09:00:00.000Z');
    world.activity.markChanged(
      PROJECT,
      DAYS[1]!,
      new Date(Date.parse(now) - CHANGED_CLEAR_MARGIN_MS + 1).toISOString(),
    );

    const summary = await runRollupJob({ schedule: 'hourly' }, world.deps);
    expect(summary).toMatchObject({ date: '2026-03-10', days: 2, records: 30, deleted: 0 });
    expect(ordered(world.rollups.day(PROJECT, DAYS[1]!))).toEqual(ordered(await recompute(world, DAYS[1]!)));
    expect(
      world.rollups
        .day(PROJECT, DAYS[1]!)
        .filter((entry) => entry.rollup.granularity === 'hour' && entry.rollup.period < `${DAYS[1]}T23`),
    ).toEqual(lateHour);
    expect(world.rollups.day(PROJECT, DAYS[2]!)).toEqual(untouched);
    expect(await world.activity.changedDays('2026-03-10')).toEqual([{ project: PROJECT, day: DAYS[1] }]);
  });

  it('deletes the rollup items a day no longer produces (a model renamed by a later event)', async () => {
    const world = memoryWorld();
    world.ledger.put('r1', call(PROJECT, `${DAYS[0]}T10:00:00.000Z`, { model: 'gpt-4o-old' }));
    world.activity.markActive(PROJECT, DAYS[0]!);
    await runRollupJob({ date: DAYS[0] }, world.deps);
    world.ledger.put('r1', call(PROJECT, `${DAYS[0]}T10:00:00.000Z`, { model: 'gpt-4o' }));
    const summary = await runRollupJob({ date: DAYS[0] }, world.deps);
    // The model's day and hour items go; provider and project totals stay under their keys.
    expect(summary.deleted).toBe(2);
    expect(world.rollups.day(PROJECT, DAYS[0]!).map((entry) => entry.rollup.model)).not.toContain(
      'gpt-4o-old',
    );
  });
});

describe('rollup job: plan, map and reduce (the state machine path)', () => {
  it('plans the date and its projects, stores the slice list, and equals the in-process run', async () => {
    const world = memoryWorld();
    seed(world);
    const plan = (await runRollupStep({ step: 'plan', input: { date: DAYS[0] } }, world.deps)) as Awaited<
      ReturnType<typeof planRollup>
    >;
    expect(plan).toMatchObject({
      date: DAYS[0],
      granularities: ['day', 'hour'],
      anomalies: false,
      tasks: [{ project: PROJECT, date: DAYS[0], shards: 4, hoursPerSlice: 6 }],
      slices: 16,
      slicesKey: `rollup-runs/${plan.runId}/slices.json`,
    });
    const slices = world.runs.slicesLists.get(plan.runId)!;
    expect(slices).toEqual(plan.tasks.flatMap(slicesOf));
    for (const slice of slices) {
      await runRollupStep(
        { step: 'slice', runId: plan.runId, tagKeys: plan.tagKeys, slice } as never,
        world.deps,
      );
    }
    // A retried iteration overwrites its own partial: nothing is counted twice.
    await runRollupStep(
      { step: 'slice', runId: plan.runId, tagKeys: [], slice: slices[3]! } as never,
      world.deps,
    );
    expect(world.runs.partialWrites).toBe(17);
    const summary = (await runRollupStep({ step: 'reduce', plan }, world.deps)) as RollupJobSummary;
    expect(summary).toMatchObject({ records: 12, days: 1, slices: 16 });

    const inProcess = memoryWorld();
    seed(inProcess);
    await runRollupJob({ date: DAYS[0] }, inProcess.deps);
    expect(world.rollups.day(PROJECT, DAYS[0]!)).toEqual(inProcess.rollups.day(PROJECT, DAYS[0]!));
    // The in-process run keeps its partials in memory: nothing goes through the run store.
    expect(inProcess.runs.partialWrites).toBe(0);
  });

  it('interleaves the shards in the slice list, block by block', () => {
    const slices = slicesOf({ project: PROJECT, date: DAYS[0]!, shards: 2, hoursPerSlice: 12 });
    expect(slices.map((slice) => [slice.shard, slice.hour, slice.hours])).toEqual([
      [0, 0, 12],
      [1, 0, 12],
      [0, 12, 12],
      [1, 12, 12],
    ]);
    expect(slicesOf({ project: PROJECT, date: DAYS[0]!, shards: 16, hoursPerSlice: 1 })).toHaveLength(
      16 * 24,
    );
  });

  it('fails the reduce when a slice never wrote its partial, before writing the day', async () => {
    const world = memoryWorld();
    seed(world);
    const plan = await planRollup({ date: DAYS[0] }, world.deps);
    world.runs.lost.add('2/6');
    for (const slice of plan.tasks.flatMap(slicesOf)) {
      await runRollupStep({ step: 'slice', runId: plan.runId, tagKeys: [], slice } as never, world.deps);
    }
    await expect(reduceRollup(plan, world.deps)).rejects.toThrow(/has no partial/);
    expect(world.rollups.items.size).toBe(0);
    expect(world.rollups.replaceCalls).toBe(0);
  });

  it('fails an in-process run when a slice read fails, writing nothing; the re-run succeeds', async () => {
    const world = memoryWorld();
    seed(world);
    world.activity.markChanged(PROJECT, DAYS[0]!, '2026-03-05T00:00:00.000Z');
    world.ledger.failingSlices.add(`${PROJECT}/${DAYS[0]}/1/12`);
    await expect(runRollupJob({ date: DAYS[0] }, world.deps)).rejects.toThrow(/read of slice/);
    expect(world.rollups.items.size).toBe(0);
    expect(world.activity.changed.size).toBe(1);
    world.ledger.failingSlices.clear();
    await runRollupJob({ date: DAYS[0] }, world.deps);
    expect(ordered(world.rollups.day(PROJECT, DAYS[0]!))).toEqual(ordered(await recompute(world, DAYS[0]!)));
  });

  it('picks the default date from the clock: today hourly, yesterday (and the anomaly job) daily', async () => {
    const world = memoryWorld('2026-03-03T00:20:00.000Z');
    seed(world);
    expect(await planRollup({ schedule: 'hourly' }, world.deps)).toMatchObject({
      date: '2026-03-03',
      anomalies: false,
    });
    expect(await planRollup({}, world.deps)).toMatchObject({ date: '2026-03-03' });
    const daily = await runRollupJob({ schedule: 'daily' }, world.deps);
    expect(daily).toMatchObject({ date: '2026-03-02', records: 12 });
    expect(daily.anomalies).toMatchObject({ date: '2026-03-02', projects: 1 });
    expect(await planRollup({ date: DAYS[0], anomalies: true }, world.deps)).toMatchObject({
      anomalies: true,
    });
  });

  it('plans only the projects asked for, changed days included', async () => {
    const world = memoryWorld('2026-03-10T12:00:00.000Z');
    seed(world);
    world.ledger.put('o1', call('other', `${DAYS[0]}T01:00:00.000Z`));
    world.activity.markActive('other', '2026-03-10');
    world.activity.markChanged('other', DAYS[0]!, '2026-03-09T00:00:00.000Z');
    world.activity.markChanged(PROJECT, DAYS[1]!, '2026-03-09T00:00:00.000Z');
    const plan = await planRollup({ projects: [PROJECT] }, world.deps);
    expect(plan.tasks.map((task) => `${task.project} ${task.date}`)).toEqual([
      `${PROJECT} ${DAYS[1]}`,
      `${PROJECT} 2026-03-10`,
    ]);
    // An explicit date re-runs that day only.
    const dated = await planRollup({ date: DAYS[2] }, world.deps);
    expect(dated.tasks.map((task) => `${task.project} ${task.date}`)).toEqual([`${PROJECT} ${DAYS[2]}`]);
  });

  it('refuses an invalid event with every problem by path, and an unknown step', async () => {
    const world = memoryWorld();
    const invalid = (await runRollupJob({ date: '2026-02-30', granularity: 'week' }, world.deps).then(
      () => undefined,
      (error: unknown) => error,
    )) as InvalidJobInputError;
    expect(invalid).toBeInstanceOf(InvalidJobInputError);
    expect(invalid.message).toContain('date');
    expect(invalid.issues.map((issue) => issue.path).sort()).toEqual(['date', 'granularity']);
    await expect(runRollupStep({ step: 'merge' }, world.deps)).rejects.toThrow(
      'invalid rollup job input: step: expected plan, slice or reduce',
    );
    await expect(
      runRollupStep(
        { step: 'slice', runId: 'r', tagKeys: [], slice: { project: PROJECT } } as never,
        world.deps,
      ),
    ).rejects.toBeInstanceOf(InvalidJobInputError);
  });
});
