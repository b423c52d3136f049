/**
 * In-memory implementations of the analytics jobs' ports, with the semantics the DynamoDB and
 * S3 stores give them: deterministic keys (a re-write overwrites), the conditional writes of
 * budget events and notified marks, the anomaly upsert that never touches triage state, the
 * changed-day mark cleared only when older than the run, slices read by shard and hour range.
 * Each store counts its calls and can be told to fail, so the tests reach every crash point.
 */
import {
  type Anomaly,
  type BudgetCrossing,
  type DayRollupPartial,
  type Granularity,
  type LeveledRollup,
  type RollupSourceRecord,
  rollupKey,
} from '../../../../shared/domain/analytics';
import {
  type ActivityStore,
  type AnomalyStore,
  type BudgetStore,
  type DayRecordSource,
  type JobLogger,
  type JobMetrics,
  memoryRunStore,
  type Notification,
  type Notifier,
  type RollupJobDependencies,
  type RollupQuery,
  type RollupRunStore,
  type RollupSettings,
  type RollupSlice,
  type RollupStore,
  type StoredAnomaly,
  type StoredBudgetEvent,
} from '../../../../shared/domain/analytics/jobs';

/** A stored interaction as the `byDay` index holds it. */
interface IndexedRecord {
  id: string;
  day: string;
  shard: number;
  sk: string;
  record: RollupSourceRecord;
}

/** The ledger's `byDay` index: records by project day and shard, read in pages of `pageSize`. */
export class MemoryLedger implements DayRecordSource {
  readonly #records = new Map<string, IndexedRecord>();
  public sliceReads = 0;
  public pageSize = 3;
  /** Slices whose read fails (crash of a map iteration). */
  public failingSlices = new Set<string>();

  public constructor(private readonly shards: number) {}

  /** Stores (or replaces, by id) a record under its local date, as the index keys it. */
  public put(id: string, record: RollupSourceRecord): void {
    const day = record.timestamp.slice(0, 10);
    const shard = Number.parseInt(id.replace(/\D/g, '') || '0', 10) % this.shards;
    this.#records.set(id, { id, day, shard, sk: `${record.timestamp}#${id}`, record });
  }

  async #pages(items: IndexedRecord[], onPage: (records: RollupSourceRecord[]) => void): Promise<void> {
    const sorted = items.sort((a, b) => (a.sk < b.sk ? -1 : 1));
    for (let start = 0; start < sorted.length; start += this.pageSize) {
      await Promise.resolve();
      onPage(sorted.slice(start, start + this.pageSize).map((item) => item.record));
    }
  }

  public async forEachSliceRecord(
    slice: RollupSlice,
    onPage: (records: RollupSourceRecord[]) => void,
  ): Promise<void> {
    this.sliceReads += 1;
    if (this.failingSlices.has(`${slice.project}/${slice.date}/${slice.shard}/${slice.hour}`)) {
      throw new Error(`read of slice ${slice.shard}/${slice.hour} failed`);
    }
    const hh = (value: number) => String(value).padStart(2, '0');
    const last = slice.hour + slice.hours - 1;
    // The first and last block take stray keys too, as the table's range query does.
    const lower = slice.hour === 0 ? slice.date : `${slice.date}T${hh(slice.hour)}`;
    const upper = last >= 23 ? `${slice.date}\uffff` : `${slice.date}T${hh(last)}\uffff`;
    await this.#pages(
      [...this.#records.values()].filter(
        (item) =>
          item.record.project === slice.project &&
          item.day === slice.date &&
          item.shard === slice.shard &&
          item.sk >= lower &&
          item.sk <= upper,
      ),
      onPage,
    );
  }

  public async forEachDayRecord(
    project: string,
    day: string,
    onPage: (records: RollupSourceRecord[]) => void,
  ): Promise<void> {
    await this.#pages(
      [...this.#records.values()].filter((item) => item.record.project === project && item.day === day),
      onPage,
    );
  }
}

/** Active-project and changed-day marks. */
export class MemoryActivity implements ActivityStore {
  readonly active = new Map<string, Set<string>>();
  /** `<day>#<project>` → lastAt. */
  readonly changed = new Map<string, string>();

  public markActive(project: string, day: string): void {
    const projects = this.active.get(day) ?? new Set<string>();
    projects.add(project);
    this.active.set(day, projects);
  }

  public markChanged(project: string, day: string, at: string): void {
    this.changed.set(`${day}#${project}`, at);
  }

  public async activeProjects(day: string): Promise<string[]> {
    return [...(this.active.get(day) ?? [])].sort();
  }

  public async changedDays(through: string): Promise<{ project: string; day: string }[]> {
    return [...this.changed.keys()]
      .filter((key) => key <= `${through}#\uffff`)
      .sort()
      .map((key) => {
        const [day, project] = key.split('#') as [string, string];
        return { project, day };
      });
  }

  public async clearDayChanged(project: string, day: string, unchangedSince: string): Promise<boolean> {
    const lastAt = this.changed.get(`${day}#${project}`);
    if (lastAt !== undefined && lastAt >= unchangedSince) return false;
    this.changed.delete(`${day}#${project}`);
    return true;
  }
}

const storedKey = ({ level, rollup }: LeveledRollup) => `${level}|${rollupKey(rollup)}`;
const dayOf = (period: string) => period.slice(0, 10);

/** Rollup items under deterministic keys. */
export class MemoryRollups implements RollupStore {
  readonly items = new Map<string, LeveledRollup & { computedAt: string }>();
  public replaceCalls = 0;

  public async replaceDayRollups(
    project: string,
    day: string,
    granularities: readonly Granularity[],
    rollups: readonly LeveledRollup[],
    computedAt: string,
  ): Promise<{ written: number; deleted: number }> {
    this.replaceCalls += 1;
    const keep = new Set(rollups.map(storedKey));
    let deleted = 0;
    for (const [key, item] of this.items) {
      const { rollup } = item;
      if (rollup.project !== project || dayOf(rollup.period) !== day) continue;
      if (!granularities.includes(rollup.granularity) || keep.has(key)) continue;
      this.items.delete(key);
      deleted += 1;
    }
    for (const rollup of rollups) this.items.set(storedKey(rollup), { ...rollup, computedAt });
    return { written: rollups.length, deleted };
  }

  public async queryRollups(query: RollupQuery) {
    const level = query.level ?? 'model';
    return [...this.items.values()]
      .filter(
        ({ level: itemLevel, rollup }) =>
          itemLevel === level &&
          rollup.project === query.project &&
          rollup.granularity === query.granularity &&
          dayOf(rollup.period) >= query.from &&
          dayOf(rollup.period) <= query.to &&
          (query.tagKey === undefined ? rollup.tag === undefined : rollup.tag?.key === query.tagKey),
      )
      .map(({ rollup }) => rollup)
      .sort((a, b) => (rollupKey(a) < rollupKey(b) ? -1 : 1));
  }

  /** Every item of a project day as the reduce wrote it (without `computedAt`), in key order. */
  public day(project: string, day: string): LeveledRollup[] {
    return [...this.items.entries()]
      .filter(([, item]) => item.rollup.project === project && dayOf(item.rollup.period) === day)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([, { level, rollup }]) => ({ level, rollup }));
  }
}

/** Anomalies by id, with the table's upsert and notified-mark semantics. */
export class MemoryAnomalies implements AnomalyStore {
  readonly items = new Map<string, StoredAnomaly>();

  public async upsertAnomaly(anomaly: Anomaly, now: string) {
    const old = this.items.get(anomaly.id);
    this.items.set(anomaly.id, {
      ...old,
      ...anomaly,
      status: old?.status ?? 'open',
      detectedAt: old?.detectedAt ?? now,
      updatedAt: now,
    });
    return {
      created: !old,
      status: old?.status ?? ('open' as const),
      notified: old?.notifiedAt !== undefined,
    };
  }

  public async markAnomalyNotified(_project: string, id: string, now: string): Promise<void> {
    const item = this.items.get(id);
    if (item && item.notifiedAt === undefined) item.notifiedAt = now;
  }

  /** What `PATCH /v1/anomalies/{id}` does. */
  public resolve(id: string, note: string): void {
    const item = this.items.get(id)!;
    this.items.set(id, { ...item, status: 'resolved', note });
  }
}

/** Budget settings by project, budget events by id (conditional put). */
export class MemoryBudgets implements BudgetStore {
  readonly settings = new Map<string, unknown>();
  readonly events = new Map<string, StoredBudgetEvent>();

  public async budgetOf(project: string): Promise<unknown> {
    return this.settings.get(project);
  }

  public async recordBudgetEvent(project: string, id: string, crossing: BudgetCrossing, now: string) {
    const old = this.events.get(id);
    if (old) return { created: false, notified: old.notifiedAt !== undefined };
    this.events.set(id, { ...crossing, id, project, raisedAt: now });
    return { created: true, notified: false };
  }

  public async markBudgetEventNotified(_project: string, id: string, now: string): Promise<void> {
    const event = this.events.get(id);
    if (event && event.notifiedAt === undefined) event.notifiedAt = now;
  }
}

/** Notifications published, in order; `failNext` makes the next publishes throw. */
export class MemoryNotifier implements Notifier {
  readonly sent: Notification[] = [];
  public failNext = 0;

  public async publish(notification: Notification): Promise<void> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error(`publish of ${notification.id} failed`);
    }
    this.sent.push(notification);
  }
}

/** Metrics as plain records. */
export class MemoryMetrics implements JobMetrics {
  readonly values: { name: string; value: number; unit?: string; dimensions?: Record<string, string> }[] = [];

  public add(metric: { name: string; value: number; unit?: 'Count' | 'None' }): void {
    this.values.push(metric);
  }

  public addWithDimensions(
    dimensions: Record<string, string>,
    metrics: readonly { name: string; value: number; unit?: 'Count' | 'None' }[],
  ): void {
    for (const metric of metrics) this.values.push({ ...metric, dimensions });
  }

  public named(name: string) {
    return this.values.filter((metric) => metric.name === name);
  }
}

/** Log lines as plain records. */
export class MemoryLogger implements JobLogger {
  readonly lines: { level: 'info' | 'warn'; message: string; details: Record<string, unknown> }[] = [];

  public info(message: string, details: Record<string, unknown>): void {
    this.lines.push({ level: 'info', message, details });
  }

  public warn(message: string, details: Record<string, unknown>): void {
    this.lines.push({ level: 'warn', message, details });
  }
}

/** A run store that keeps what the bucket would, and can lose a slice's partial. */
export class MemoryRuns implements RollupRunStore {
  readonly #inner = memoryRunStore();
  readonly slicesLists = new Map<string, RollupSlice[]>();
  public partialWrites = 0;
  /** Slices (`shard/hour`) whose partial write is lost (the iteration crashed after summing). */
  public lost = new Set<string>();

  public async putSlices(runId: string, slices: RollupSlice[]): Promise<string> {
    this.slicesLists.set(runId, slices);
    return `rollup-runs/${runId}/slices.json`;
  }

  public async putPartial(runId: string, slice: RollupSlice, partial: DayRollupPartial): Promise<void> {
    if (this.lost.has(`${slice.shard}/${slice.hour}`)) return;
    this.partialWrites += 1;
    await this.#inner.putPartial(runId, slice, partial);
  }

  public getPartial(runId: string, slice: RollupSlice): Promise<DayRollupPartial> {
    return this.#inner.getPartial(runId, slice);
  }
}

export const SETTINGS: RollupSettings = { shards: 4, hoursPerSlice: 6, tagKeys: [], mapConcurrency: 3 };

/** A world of in-memory stores and the jobs' dependencies over it, at a fixed "now". */
export function memoryWorld(now = '2026-05-16T10:00:00.000Z', settings: Partial<RollupSettings> = {}) {
  const clock = { current: new Date(now), now: () => new Date(clock.current) };
  const world = {
    ledger: new MemoryLedger(settings.shards ?? SETTINGS.shards),
    activity: new MemoryActivity(),
    rollups: new MemoryRollups(),
    anomalies: new MemoryAnomalies(),
    budgets: new MemoryBudgets(),
    notifier: new MemoryNotifier(),
    metrics: new MemoryMetrics(),
    logger: new MemoryLogger(),
    runs: new MemoryRuns(),
    clock,
  };
  const deps: RollupJobDependencies = {
    records: world.ledger,
    activity: world.activity,
    rollups: world.rollups,
    runs: world.runs,
    anomalies: world.anomalies,
    budgets: world.budgets,
    notifier: world.notifier,
    settings: { ...SETTINGS, ...settings },
    logger: world.logger,
    metrics: world.metrics,
    clock,
  };
  return { ...world, deps };
}

/** One call's stored fields, as the processor prices them (exact nanos per token). */
export function call(
  project: string,
  timestamp: string,
  fields: {
    model?: string;
    provider?: string;
    input?: number;
    output?: number;
    status?: RollupSourceRecord['status'];
    priced?: boolean;
    latencyMs?: number;
    tags?: Record<string, string>;
  } = {},
): RollupSourceRecord {
  const input = fields.input ?? 1000;
  const output = fields.output ?? 100;
  const priced = fields.priced ?? true;
  const inputNanos = priced ? input * 2500 : 0;
  const outputNanos = priced ? output * 10_000 : 0;
  return {
    project,
    provider: fields.provider ?? 'openai',
    model: fields.model ?? 'gpt-4o',
    status: fields.status ?? 'success',
    timestamp,
    tokens: { input, output, cachedInput: 0, cacheWriteInput: 0, reasoning: 0 },
    cost: {
      priced,
      ...(priced ? {} : { unpricedReason: 'unknown_model' }),
      inputNanos,
      cachedInputNanos: 0,
      cacheWriteNanos: 0,
      outputNanos,
      reasoningNanos: 0,
      totalNanos: inputNanos + outputNanos,
    },
    // Deterministic: the same call has the same latency in every world.
    latencyMs: fields.latencyMs ?? 100 + Number(timestamp.slice(14, 16)) + (input % 7),
    ...(fields.tags ? { tags: fields.tags } : {}),
  };
}
