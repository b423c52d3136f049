/**
 * `reprice --date` through the scaled-out path on the local twin: a day of ready-made
 * interactions (the scale model's sample day, written with BatchWriteItem, costs deliberately
 * off list price) repriced in process (`jobs run reprice`), and again step by step as the state
 * machine runs it (plan → every slice of byDay shard × hour → finish, events passed as JSON),
 * including a slice whose time runs short (invoked again until done) and a slice that crashes
 * mid-page (resumed from its saved progress). Every completed record must end priced exactly as
 * pricing it afresh gives, re-runs change nothing, and the days are marked for the rollup.
 */
import { isDeepStrictEqual } from 'node:util';
import type { LocalStack } from '../../../infra/local/twin';
import { sampleInteractionItem, seededRandom } from '../../../infra/scale-model/sample-day';
import { changedDays } from '../../../shared/adapters/aws/analytics-store';
import {
  dynamoCostStore,
  dynamoProjectDirectory,
  dynamoRepriceDependencies,
} from '../../../shared/adapters/aws/reprice-store';
import { priceUsage } from '../../../shared/domain/pricing';
import {
  type DayRepricePlan,
  type DaySliceEvent,
  finishDayReprice,
  type RepriceCandidate,
  repriceDaySlice,
} from '../../../shared/domain/pricing/reprice-job';
import { dayShard } from '../../../shared/domain/table/keys';
import { seedItems } from '../../support/seed-items';
import { api, startTestStack } from '../../support/stack';

const RECORDS = 2_000;
const IN_PROCESS_DAY = '2026-06-15';
const STEPPED_DAY = '2026-06-16';

/** The sample day's items; the second day's ids follow the first's (an id is one interaction). */
const dayItems = (project: string, day: string) => {
  const offset = day === IN_PROCESS_DAY ? 0 : RECORDS;
  const next = seededRandom(day === IN_PROCESS_DAY ? 15 : 16);
  return Array.from({ length: RECORDS }, (_, index) =>
    sampleInteractionItem(project, day, offset + index, next),
  );
};

const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const noTimeLimit = () => Number.POSITIVE_INFINITY;

describe('reprice of a day through the slices', () => {
  let stack: LocalStack;
  /** The handler's step entry point, imported once the stack has set the quiet log level. */
  let repriceStep: typeof import('../../../functions/reprice/handler').repriceStep;
  const pks: Record<string, string[]> = {};
  /** Completed records per slice (`shard hour`) of the stepped day. */
  const perSlice = new Map<string, number>();

  beforeAll(async () => {
    stack = await startTestStack();
    ({ repriceStep } = await import('../../../functions/reprice/handler'));
    for (const day of [IN_PROCESS_DAY, STEPPED_DAY]) {
      const items = dayItems(stack.project, day);
      pks[day] = items.map((item) => item.pk as string);
      if (day === STEPPED_DAY)
        for (const item of items.filter((candidate) => candidate.completedAt)) {
          const key = `${dayShard(item.id as string)} ${Number((item.timestamp as string).slice(11, 13))}`;
          perSlice.set(key, (perSlice.get(key) ?? 0) + 1);
        }
      await seedItems(items);
    }
    // A negotiated price for one model: the reprice must apply project overrides too.
    const saved = await api(stack, 'PUT', '/admin/pricing', {
      body: {
        rules: [
          {
            id: 'negotiated/gpt-4o',
            provider: 'openai',
            model: 'gpt-4o',
            perMillion: { input: '2.00', output: '8.00' },
          },
        ],
      },
    });
    expect(saved.status).toBe(200);
  }, 300_000);

  afterAll(async () => {
    await stack.stop();
  });

  /** Every record of the day as stored, and how many completed ones differ from a fresh pricing. */
  async function mispriced(day: string): Promise<{ completed: number; wrong: RepriceCandidate[] }> {
    const pricing = await dynamoProjectDirectory.pricingFor(stack.project);
    const stored = await dynamoCostStore.readInteractions(pks[day]!);
    expect(stored).toHaveLength(RECORDS);
    const completed = stored.filter((item) => item.completedAt);
    const wrong = completed.filter((item) => {
      const fresh = priceUsage({
        provider: item.provider,
        model: item.model,
        usage: item.usage,
        at: item.timestamp,
        batch: false,
        rules: pricing.rules,
        layer: pricing.layer,
      });
      return !isDeepStrictEqual(json(fresh), item.cost);
    });
    return { completed: completed.length, wrong };
  }

  it('in process (jobs run reprice --date): every completed record priced afresh; a re-run changes nothing', async () => {
    const before = await mispriced(IN_PROCESS_DAY);
    expect(before.wrong.length).toBeGreaterThan(before.completed / 2);

    const first = (await stack.runJob('reprice', { date: IN_PROCESS_DAY })) as Record<string, number>;
    expect(first).toMatchObject({ count: before.completed, changedCount: before.wrong.length, projects: 1 });
    expect((await mispriced(IN_PROCESS_DAY)).wrong).toEqual([]);
    expect(await changedDays(IN_PROCESS_DAY)).toContainEqual({ project: stack.project, day: IN_PROCESS_DAY });

    const again = (await stack.runJob('reprice', { date: IN_PROCESS_DAY })) as Record<string, number>;
    expect(again).toMatchObject({ count: before.completed, changedCount: 0, deltaNanos: 0 });
  }, 120_000);

  it('step by step as the state machine runs it, with a slice out of time and a slice crashed mid-page', async () => {
    const before = await mispriced(STEPPED_DAY);
    const plan = json(
      (await repriceStep(
        { step: 'plan', input: { date: STEPPED_DAY, project: stack.project } },
        noTimeLimit,
      )) as DayRepricePlan,
    );
    expect(plan.slices).toHaveLength(16 * 24);
    expect(plan.projects).toEqual([stack.project]);
    const events: DaySliceEvent[] = plan.slices.map((slice) => ({
      runId: plan.runId,
      date: plan.date,
      filter: plan.filter,
      projects: plan.projects,
      slice,
    }));
    // The two busiest slices, so pages of 2 leave work behind.
    const records = (event: DaySliceEvent) => perSlice.get(`${event.slice.shard} ${event.slice.hour}`) ?? 0;
    const [busiest, crashing] = [...events].sort((a, b) => records(b) - records(a)) as [
      DaySliceEvent,
      DaySliceEvent,
    ];
    expect(records(crashing)).toBeGreaterThanOrEqual(4);

    // A slice whose invocation runs short of time answers done: false; the map invokes it again.
    let checks = 0;
    const deps = dynamoRepriceDependencies({ info: () => undefined });
    const short = await repriceDaySlice(busiest, deps, () => checks++ >= 1, 2);
    expect(short).toMatchObject({ done: false, summary: { count: expect.any(Number) } });
    const again = json(
      (await repriceStep({ step: 'slice', ...json(busiest) }, noTimeLimit)) as { done: boolean },
    );
    expect(again.done).toBe(true);

    // A slice that crashes on its third write (second page of 2): the retried invocation resumes.
    let writes = 0;
    const crashDeps = {
      ...deps,
      costs: {
        ...deps.costs,
        writeCost: async (...args: Parameters<typeof deps.costs.writeCost>) => {
          writes += 1;
          if (writes === 3) throw new Error('simulated crash mid-page');
          return deps.costs.writeCost(...args);
        },
      },
    };
    await expect(repriceDaySlice(crashing, crashDeps, () => false, 2)).rejects.toThrow('simulated crash');
    await expect(finishDayReprice(plan, deps)).rejects.toThrow(/slices not done/);

    // The map runs every slice (a finished one answers its stored totals), then finish sums them.
    for (const event of events) {
      const answer = (await repriceStep({ step: 'slice', ...json(event) }, noTimeLimit)) as { done: boolean };
      expect(answer.done).toBe(true);
    }
    const summary = json(
      (await repriceStep({ step: 'finish', plan }, noTimeLimit)) as Record<string, number>,
    );
    expect(summary).toMatchObject({ count: before.completed, projects: 1, slices: 16 * 24 });
    // The crashed page's records written before the crash count as unchanged on resume.
    expect(summary.changedCount).toBeGreaterThanOrEqual(before.wrong.length - 2);
    expect((await mispriced(STEPPED_DAY)).wrong).toEqual([]);

    // A new run of the same day: nothing left to change.
    const rerun = json(
      (await repriceStep(
        { step: 'plan', input: { date: STEPPED_DAY, hoursPerSlice: 24 } },
        noTimeLimit,
      )) as DayRepricePlan,
    );
    for (const slice of rerun.slices)
      await repriceStep(
        {
          step: 'slice',
          runId: rerun.runId,
          date: rerun.date,
          filter: rerun.filter,
          projects: rerun.projects,
          slice,
        },
        noTimeLimit,
      );
    expect(await repriceStep({ step: 'finish', plan: rerun }, noTimeLimit)).toMatchObject({
      count: before.completed,
      changedCount: 0,
    });
  }, 180_000);
});
