/**
 * The reprice use case with in-memory stores: the unpriced walk (cursors, no head-of-line
 * blocking, stop and resume) and the day reprice (plan, slices, finish) with its crash points:
 * a slice stopped for time, a slice crashed mid-page, a finish before every slice is done, a
 * record completed again between the read and the write.
 */
import { seededRandom } from '../../../infra/scale-model/sample-day';
import {
  type CostBreakdown,
  isCatalogMiss,
  type PricingRule,
  parsePricingRules,
  priceUsage,
} from '../../../shared/domain/pricing';
import {
  type CostStore,
  DayRepriceIncompleteError,
  type DaySlice,
  type DaySliceStore,
  finishDayReprice,
  type IndexPage,
  planDayReprice,
  type RepriceCandidate,
  type RepriceDependencies,
  repriceDaySlice,
  repriceUnpriced,
  runDayReprice,
  type SliceProgress,
  type UnpricedQueue,
} from '../../../shared/domain/pricing/reprice-job';
import { dayShard } from '../../../shared/domain/table/keys';

const DAY = '2026-11-20';
const PROJECT = 'acme';
const MODELS = ['gpt-4o', 'gpt-4o-mini', 'acme-llm-7'];
/** The override that prices `acme-llm-7` (unknown to the catalog). */
const ACME_RULE: PricingRule[] = parsePricingRules([
  {
    id: 'acme/acme-llm-7',
    provider: 'openai',
    model: 'acme-llm-7',
    perMillion: { input: '0.50', output: '2.00' },
  },
]);

const zeroCost = (priced: boolean): CostBreakdown =>
  ({
    inputNanos: 0,
    cachedInputNanos: 0,
    cacheWriteNanos: 0,
    outputNanos: 0,
    reasoningNanos: 0,
    toolCallNanos: 0,
    totalNanos: 0,
    priced,
    currency: 'USD',
    ...(priced ? {} : { unpricedReason: 'unknown_model' }),
  }) as unknown as CostBreakdown;

interface Stored extends RepriceCandidate {
  unpriced: boolean;
}

/** One in-memory ledger implementing every port, with hooks to crash at chosen points. */
class MemoryLedger {
  public readonly items = new Map<string, Stored>();
  public readonly cursors = new Map<string, string>();
  public readonly progress = new Map<string, SliceProgress>();
  public readonly changedDays = new Set<string>();
  public writes = 0;
  /** Throws on this write (1-based), once. */
  public crashOnWrite?: number;
  /** Runs before each write: a test can complete the record again meanwhile. */
  public beforeWrite?: (item: Stored) => void;

  public add(count: number, options: { unpricedEvery?: number; inProgressEvery?: number } = {}): void {
    const next = seededRandom(42);
    for (let index = 0; index < count; index += 1) {
      const id = `r-${String(index).padStart(5, '0')}`;
      const timestamp = new Date(
        Date.parse(`${DAY}T00:00:00Z`) + Math.floor(next() * 86_400_000),
      ).toISOString();
      const model = MODELS[index % MODELS.length]!;
      const inProgress = options.inProgressEvery !== undefined && index % options.inProgressEvery === 0;
      this.items.set(`INT#${PROJECT}#${id}`, {
        pk: `INT#${PROJECT}#${id}`,
        project: PROJECT,
        id,
        provider: 'openai',
        model,
        timestamp,
        usage: { inputTokens: 1000 + index, outputTokens: 100, cachedInputTokens: 0 } as never,
        cost: zeroCost(model !== 'acme-llm-7'),
        ...(inProgress ? {} : { completedAt: timestamp }),
        unpriced: model === 'acme-llm-7',
      });
    }
  }

  private position = (item: Stored) => `${item.timestamp}#${item.id}`;

  private pageOf(matching: Stored[], after: string | undefined, limit: number): IndexPage {
    const sorted = matching
      .map((item) => ({ pk: item.pk, position: this.position(item) }))
      .filter((entry) => after === undefined || entry.position > after)
      .sort((a, b) => (a.position < b.position ? -1 : 1));
    return { entries: sorted.slice(0, limit), more: sorted.length > limit };
  }

  public readonly costs: CostStore = {
    readInteractions: async (pks) =>
      pks.flatMap((pk) => (this.items.has(pk) ? [structuredClone(this.items.get(pk)!)] : [])),
    writeCost: async (interaction, cost, leaveUnpricedQueue) => {
      this.writes += 1;
      if (this.writes === this.crashOnWrite) {
        this.crashOnWrite = undefined;
        throw new Error('crash: the function stopped mid-page');
      }
      const stored = this.items.get(interaction.pk)!;
      this.beforeWrite?.(stored);
      if (stored.completedAt !== interaction.completedAt) return false;
      stored.cost = cost;
      if (leaveUnpricedQueue) stored.unpriced = false;
      return true;
    },
    markDayChanged: async (project, day) => {
      this.changedDays.add(`${project} ${day}`);
    },
  };

  public readonly unpriced: UnpricedQueue = {
    partitions: (project) => [`UNPRICED#${project}#0`, `UNPRICED#${project}#1`],
    page: async (partition, after, limit) =>
      this.pageOf(
        [...this.items.values()].filter(
          (item) =>
            item.unpriced && `UNPRICED#${item.project}#${Number(item.id.slice(-1)) % 2}` === partition,
        ),
        after,
        limit,
      ),
    loadCursor: async (project, partition) => this.cursors.get(`${project} ${partition}`),
    saveCursor: async (project, partition, after) => {
      this.cursors.set(`${project} ${partition}`, after);
    },
    clearCursor: async (project, partition) => {
      this.cursors.delete(`${project} ${partition}`);
    },
  };

  private sliceKey = (runId: string, slice: DaySlice) =>
    `${runId} ${slice.shard} ${slice.hour} ${slice.hours}`;

  public readonly days: DaySliceStore = {
    page: async (project, date, slice, after, limit) =>
      this.pageOf(
        [...this.items.values()].filter((item) => {
          const hour = Number(item.timestamp.slice(11, 13));
          return (
            item.project === project &&
            item.timestamp.startsWith(date) &&
            dayShard(item.id) === slice.shard &&
            hour >= slice.hour &&
            hour < slice.hour + slice.hours
          );
        }),
        after,
        limit,
      ),
    loadProgress: async (runId, slice) => structuredClone(this.progress.get(this.sliceKey(runId, slice))),
    saveProgress: async (runId, slice, progress) => {
      this.progress.set(this.sliceKey(runId, slice), structuredClone(progress));
    },
    listProgress: async (runId) =>
      [...this.progress.entries()]
        .filter(([key]) => key.startsWith(`${runId} `))
        .map(([key, progress]) => {
          const [, shard, hour, hours] = key.split(' ').map(Number) as [number, number, number, number];
          return { slice: { shard, hour, hours }, progress: structuredClone(progress) };
        }),
  };

  public deps(): RepriceDependencies {
    return {
      costs: this.costs,
      unpriced: this.unpriced,
      days: this.days,
      projects: { listProjects: async () => [PROJECT], pricingFor: async () => ({ rules: ACME_RULE }) },
      now: () => new Date('2026-11-21T08:00:00Z'),
      logger: { info: () => undefined },
    };
  }

  /** Every completed record priced afresh with the rules, as the job should leave it. */
  public expectedCost(item: Stored): CostBreakdown {
    return priceUsage({
      provider: item.provider,
      model: item.model,
      usage: item.usage,
      at: item.timestamp,
      batch: false,
      rules: ACME_RULE,
    });
  }
}

const completed = (ledger: MemoryLedger) => [...ledger.items.values()].filter((item) => item.completedAt);

describe('day reprice (plan → slices → finish)', () => {
  it('plans every shard × hour block, shards interleaved', async () => {
    const plan = await planDayReprice({ date: DAY }, new MemoryLedger().deps());
    expect(plan.projects).toEqual([PROJECT]);
    expect(plan.slices).toHaveLength(16 * 24);
    expect(plan.slices.slice(0, 3)).toEqual([
      { shard: 0, hour: 0, hours: 1 },
      { shard: 1, hour: 0, hours: 1 },
      { shard: 2, hour: 0, hours: 1 },
    ]);
    expect(
      (await planDayReprice({ date: DAY, hoursPerSlice: 6 }, new MemoryLedger().deps())).slices,
    ).toHaveLength(16 * 4);
  });

  it('prices every completed record of the day as pricing it afresh would, and a re-run changes nothing', async () => {
    const ledger = new MemoryLedger();
    ledger.add(1500, { inProgressEvery: 50 });
    const before = new Map([...ledger.items].map(([pk, item]) => [pk, structuredClone(item.cost)]));
    const first = await runDayReprice({ date: DAY, hoursPerSlice: 3 }, ledger.deps(), 4);
    expect(first.count).toBe(completed(ledger).length);
    expect(first.changedCount).toBe(completed(ledger).length);
    for (const item of completed(ledger)) expect(item.cost).toEqual(ledger.expectedCost(item));
    // In progress: untouched (priced when it completes).
    for (const item of ledger.items.values())
      if (!item.completedAt) expect(item.cost).toEqual(before.get(item.pk));
    expect([...ledger.changedDays]).toEqual([`${PROJECT} ${DAY}`]);
    // Newly priced records left the unpriced queue.
    expect([...ledger.items.values()].filter((item) => item.unpriced && item.completedAt)).toEqual([]);

    const writes = ledger.writes;
    const again = await runDayReprice({ date: DAY, hoursPerSlice: 3 }, ledger.deps(), 4);
    expect(again).toMatchObject({ count: first.count, changedCount: 0, deltaNanos: 0 });
    expect(ledger.writes).toBe(writes);
  });

  it('only the model asked for', async () => {
    const ledger = new MemoryLedger();
    ledger.add(300);
    const summary = await runDayReprice(
      { date: DAY, model: 'acme-llm-7', hoursPerSlice: 24 },
      ledger.deps(),
      4,
    );
    expect(summary).toMatchObject({ count: 100, changedCount: 100, newlyPricedCount: 100 });
    for (const item of ledger.items.values())
      if (item.model !== 'acme-llm-7') expect(item.cost.totalNanos).toBe(0);
  });

  it('a slice stopped for time saves its progress and continues from it; a finished slice answers its totals', async () => {
    const ledger = new MemoryLedger();
    ledger.add(2000);
    const deps = ledger.deps();
    const plan = await planDayReprice({ date: DAY, hoursPerSlice: 24, runId: 'run-stop' }, deps);
    const slice = plan.slices[0]!;
    const event = { runId: plan.runId, date: DAY, filter: {}, projects: plan.projects, slice };
    const inSlice = (await ledger.days.page(PROJECT, DAY, slice, undefined, 10_000)).entries.length;
    let pages = 0;
    const stopped = await repriceDaySlice(event, deps, () => pages++ >= 2, 20);
    expect(stopped).toMatchObject({ done: false, projectIndex: 0, summary: { count: 40 } });
    expect(ledger.progress.get(`run-stop ${slice.shard} 0 24`)).toMatchObject({
      done: false,
      after: expect.any(String),
    });

    const resumed = await repriceDaySlice(event, deps, () => false, 20);
    expect(resumed).toMatchObject({ done: true, summary: { count: inSlice, changedCount: inSlice } });
    const writes = ledger.writes;
    expect(await repriceDaySlice(event, deps)).toEqual(resumed);
    expect(ledger.writes).toBe(writes);
  });

  it('a slice crashed mid-page resumes from its last saved page; every record ends priced right', async () => {
    const ledger = new MemoryLedger();
    ledger.add(1200);
    const deps = ledger.deps();
    const plan = await planDayReprice({ date: DAY, hoursPerSlice: 24, runId: 'run-crash' }, deps);
    const events = plan.slices.map((slice) => ({
      runId: plan.runId,
      date: DAY,
      filter: {},
      projects: plan.projects,
      slice,
    }));
    ledger.crashOnWrite = 30; // the second page of the first slice (25 a page)
    await expect(repriceDaySlice(events[0]!, deps, () => false, 25)).rejects.toThrow('crash');
    expect(ledger.progress.get(`run-crash 0 0 24`)).toMatchObject({ done: false, summary: { count: 25 } });
    // Finishing now would report a short total: it refuses.
    await expect(finishDayReprice(plan, deps)).rejects.toBeInstanceOf(DayRepriceIncompleteError);

    for (const event of events) await repriceDaySlice(event, deps, () => false, 25);
    const summary = await finishDayReprice(plan, deps);
    for (const item of completed(ledger)) expect(item.cost).toEqual(ledger.expectedCost(item));
    // Counted once each; the crashed page's records written before the crash count as unchanged.
    expect(summary.count).toBe(completed(ledger).length);
    expect(summary.changedCount).toBeGreaterThanOrEqual(completed(ledger).length - 25);
    expect(summary.changedCount).toBeLessThan(completed(ledger).length);
  });

  it('a record completed again between the read and the write keeps its new completion', async () => {
    const ledger = new MemoryLedger();
    ledger.add(30);
    const target = [...ledger.items.values()][0]!;
    ledger.beforeWrite = (item) => {
      if (item.pk === target.pk) item.completedAt = '2026-11-20T23:59:59.000Z';
    };
    await runDayReprice({ date: DAY, hoursPerSlice: 24 }, ledger.deps(), 2);
    expect(ledger.items.get(target.pk)!.cost).toEqual(zeroCost(target.model !== 'acme-llm-7'));
  });
});

describe('unpriced walk', () => {
  it('prices the unpriced records of every partition and clears the cursors', async () => {
    const ledger = new MemoryLedger();
    ledger.add(600);
    const summary = await repriceUnpriced({}, ledger.deps(), () => false);
    expect(summary).toMatchObject({ projects: 1, count: 200, changedCount: 200, newlyPricedCount: 200 });
    expect([...ledger.items.values()].filter((item) => item.unpriced)).toEqual([]);
    expect(ledger.cursors.size).toBe(0);
  });

  it('stops for time with the cursors saved, and the next run continues past them', async () => {
    const ledger = new MemoryLedger();
    ledger.add(6000); // 2,000 unpriced: two pages of each partition
    let calls = 0;
    const first = await repriceUnpriced({}, ledger.deps(), () => calls++ >= 2);
    expect(first.count).toBeGreaterThan(0);
    expect(first.count).toBeLessThan(2000);
    expect(ledger.cursors.size).toBeGreaterThan(0);
    const second = await repriceUnpriced({}, ledger.deps(), () => false);
    expect(first.count + second.count).toBe(2000);
    expect([...ledger.items.values()].filter((item) => item.unpriced)).toEqual([]);
  });

  it('a record of a model that stays unknown does not block the ones behind it', async () => {
    const ledger = new MemoryLedger();
    ledger.add(600);
    // The oldest unpriced record is of a model nothing prices.
    const oldest = [...ledger.items.values()]
      .filter((item) => item.unpriced)
      .sort((a, b) => (a.timestamp < b.timestamp ? -1 : 1))[0]!;
    oldest.model = 'nobody-prices-this';
    const summary = await repriceUnpriced({}, ledger.deps(), () => false);
    expect(summary.newlyPricedCount).toBe(199);
    expect(isCatalogMiss(ledger.items.get(oldest.pk)!.cost.unpricedReason)).toBe(true);
    expect(ledger.items.get(oldest.pk)!.unpriced).toBe(true);
  });
});
