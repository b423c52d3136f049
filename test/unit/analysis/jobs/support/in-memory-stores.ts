/**
 * In-memory implementations of the analysis jobs' store ports, with the same rules as the
 * DynamoDB ones: conditional claims and transitions (a transition whose condition fails is
 * skipped), status counts changed with each transition, work queues ordered by creation time,
 * conditional batch updates and leases. Every read returns a copy, as a database would.
 */
import {
  ANALYSIS_STATUSES,
  type AnalysisStatus,
  type StoredPayload,
} from '../../../../../shared/domain/batch-analysis';
import type {
  AnalysisBatchItem,
  AnalysisBatchStore,
  AnalysisRequestItem,
  AnalysisRequestStore,
  AnalyzedInteractions,
  ApplyOptions,
  BatchChange,
  NewAnalysisRequest,
  RequestTransition,
  WorkRow,
} from '../../../../../shared/domain/batch-analysis/jobs';

/** DynamoDB's limit: 99 requests plus one counter item per transaction. */
const MAX_PER_WRITE = 99;

interface Queued {
  queue: string;
  order: string;
}

const key = (project: string, id: string) => `${project}\u0000${id}`;
const clone = <T>(value: T): T => structuredClone(value);

export class InMemoryAnalysisStore implements AnalysisRequestStore, AnalysisBatchStore {
  readonly requests = new Map<string, AnalysisRequestItem>();
  readonly batchItems = new Map<string, AnalysisBatchItem>();
  readonly #requestQueue = new Map<string, Queued>();
  readonly #batchQueue = new Map<string, Queued>();
  readonly #counts = new Map<string, Record<AnalysisStatus, number>>();
  /** Atomic writes of transitions, for tests that look at chunking. */
  transitionWrites = 0;

  // ── requests ─────────────────────────────────────────────────────────────

  async createRequest(request: NewAnalysisRequest): Promise<'created' | 'exists'> {
    const k = key(request.project, request.id);
    if (this.requests.has(k)) return 'exists';
    this.requests.set(k, {
      entity: 'analysis-request',
      ...clone(request),
      status: 'pending_batching',
      attempts: 0,
      updatedAt: request.createdAt,
    });
    this.#requestQueue.set(k, { queue: 'pending', order: `${request.createdAt}#${request.id}` });
    this.#count(request.project, { pending_batching: 1 });
    return 'created';
  }

  async getRequests(project: string, ids: readonly string[]): Promise<AnalysisRequestItem[]> {
    return [...new Set(ids)].flatMap((id) => {
      const item = this.requests.get(key(project, id));
      return item ? [clone(item)] : [];
    });
  }

  async pendingRequests(limit: number): Promise<WorkRow[]> {
    return this.#queued(this.#requestQueue, 'pending')
      .slice(0, limit)
      .map((k) => this.#row(k));
  }

  async batchRequests(batchId: string): Promise<WorkRow[]> {
    return this.#queued(this.#requestQueue, `batch:${batchId}`).map((k) => this.#row(k));
  }

  async claimRequest(row: WorkRow, batchId: string, now: string): Promise<boolean> {
    const k = key(row.project, row.id);
    const item = this.requests.get(k);
    if (item?.status !== 'pending_batching') return false;
    if (item.claimBatchId !== undefined && item.claimBatchId !== batchId) return false;
    item.claimBatchId = batchId;
    item.updatedAt = now;
    this.#requestQueue.set(k, { queue: `batch:${batchId}`, order: `${row.createdAt}#${row.id}` });
    return true;
  }

  async applyTransitions(
    project: string,
    transitions: readonly RequestTransition[],
    options: ApplyOptions,
  ): Promise<Set<string>> {
    const size = Math.max(1, Math.min(MAX_PER_WRITE, options.chunkSize ?? MAX_PER_WRITE));
    const applied = new Set<string>();
    for (let offset = 0; offset < transitions.length; offset += size) {
      // One chunk is one atomic write: the transitions whose conditions hold, and their counts.
      const chunk = transitions
        .slice(offset, offset + size)
        .filter((transition) => this.#holds(project, transition));
      this.transitionWrites += 1;
      for (const transition of chunk) {
        this.#apply(project, transition, options.now);
        applied.add(transition.id);
      }
      options.afterChunk?.(applied.size);
    }
    return applied;
  }

  /** Request counts by status (the admin summary). */
  summary(project: string): Record<AnalysisStatus, number> {
    return { ...(this.#counts.get(project) ?? this.#zero()) };
  }

  /** A request as stored, or undefined. */
  request(project: string, id: string): AnalysisRequestItem | undefined {
    const item = this.requests.get(key(project, id));
    return item ? clone(item) : undefined;
  }

  /** The queue a request waits in (`pending`, `batch:<id>`), or undefined. */
  queueOf(project: string, id: string): string | undefined {
    return this.#requestQueue.get(key(project, id))?.queue;
  }

  // ── batches ──────────────────────────────────────────────────────────────

  async putBatchIntent(batch: AnalysisBatchItem): Promise<void> {
    const k = key(batch.project, batch.id);
    if (this.batchItems.has(k)) throw new Error(`batch ${batch.id} exists`);
    this.batchItems.set(k, clone(batch));
    this.#batchQueue.set(k, { queue: 'creating', order: `${batch.createdAt}#${batch.project}#${batch.id}` });
  }

  async getBatch(project: string, batchId: string): Promise<AnalysisBatchItem | undefined> {
    const item = this.batchItems.get(key(project, batchId));
    return item ? clone(item) : undefined;
  }

  async updateBatch(
    project: string,
    batchId: string,
    change: BatchChange,
    onlyIf: Partial<Record<keyof AnalysisBatchItem, unknown>> = {},
  ): Promise<boolean> {
    const k = key(project, batchId);
    const item = this.batchItems.get(k) as (AnalysisBatchItem & Record<string, unknown>) | undefined;
    if (!item) return false;
    for (const [attribute, value] of Object.entries(onlyIf)) {
      if (value === null ? item[attribute] !== undefined : item[attribute] !== value) return false;
    }
    for (const [attribute, value] of Object.entries(change.set ?? {})) {
      if (value !== undefined) item[attribute] = clone(value);
    }
    for (const attribute of change.remove ?? []) delete item[attribute];
    const queued = this.#batchQueue.get(k);
    if (change.queue === 'none') this.#batchQueue.delete(k);
    if (change.queue === 'in_flight')
      this.#batchQueue.set(k, {
        queue: 'inflight',
        order: queued?.order ?? `${item.createdAt}#${project}#${batchId}`,
      });
    return true;
  }

  async acquireBatchLease(
    project: string,
    batchId: string,
    owner: string,
    nowMs: number,
    leaseMs: number,
  ): Promise<boolean> {
    const item = this.batchItems.get(key(project, batchId));
    if (!item) return false;
    if (item.leaseUntil !== undefined && item.leaseUntil > nowMs && item.leaseOwner !== owner) return false;
    item.leaseOwner = owner;
    item.leaseUntil = nowMs + leaseMs;
    return true;
  }

  async openBatches(which: 'creating' | 'inflight'): Promise<{ project: string; id: string }[]> {
    return this.#queued(this.#batchQueue, which).map((k) => {
      const item = this.batchItems.get(k)!;
      return { project: item.project, id: item.id };
    });
  }

  /** The queue a batch is in (`creating`, `inflight`), or undefined. */
  batchQueueOf(project: string, batchId: string): string | undefined {
    return this.#batchQueue.get(key(project, batchId))?.queue;
  }

  /** Every batch of a project, oldest first (batches of one instant in no particular order). */
  batchesOf(project: string): AnalysisBatchItem[] {
    return [...this.batchItems.values()]
      .filter((batch) => batch.project === project)
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map(clone);
  }

  // ── helpers ──────────────────────────────────────────────────────────────

  #holds(project: string, transition: RequestTransition): boolean {
    const item = this.requests.get(key(project, transition.id));
    if (!item || item.status !== transition.from.status) return false;
    if (transition.from.batchId !== undefined && item.batchId !== transition.from.batchId) return false;
    if (transition.from.claimBatchId === null && item.claimBatchId !== undefined) return false;
    if (
      typeof transition.from.claimBatchId === 'string' &&
      item.claimBatchId !== transition.from.claimBatchId
    )
      return false;
    return true;
  }

  #apply(project: string, transition: RequestTransition, now: string): void {
    const k = key(project, transition.id);
    const item = this.requests.get(k)! as AnalysisRequestItem & Record<string, unknown>;
    const set = transition.set ?? {};
    for (const attribute of transition.remove ?? []) {
      if (!(attribute in set) || set[attribute] === undefined) delete item[attribute];
    }
    for (const [attribute, value] of Object.entries(set)) {
      if (value !== undefined) item[attribute] = clone(value);
    }
    if (item.status !== transition.to) {
      this.#count(project, { [item.status]: -1, [transition.to]: 1 });
      item.status = transition.to;
    }
    item.updatedAt = now;
    if (transition.addCostNanos) item.costNanos = (item.costNanos ?? 0) + transition.addCostNanos;
    const queue = transition.queue;
    if (queue?.queue === 'none') this.#requestQueue.delete(k);
    else if (queue?.queue === 'pending')
      this.#requestQueue.set(k, { queue: 'pending', order: `${queue.createdAt}#${transition.id}` });
    else if (queue?.queue === 'batch')
      this.#requestQueue.set(k, {
        queue: `batch:${queue.batchId}`,
        order: `${queue.createdAt}#${transition.id}`,
      });
  }

  #count(project: string, deltas: Partial<Record<AnalysisStatus, number>>): void {
    const counts = this.#counts.get(project) ?? this.#zero();
    for (const [status, delta] of Object.entries(deltas)) counts[status as AnalysisStatus] += delta ?? 0;
    this.#counts.set(project, counts);
  }

  #zero(): Record<AnalysisStatus, number> {
    return Object.fromEntries(ANALYSIS_STATUSES.map((status) => [status, 0])) as Record<
      AnalysisStatus,
      number
    >;
  }

  #queued(queues: Map<string, Queued>, queue: string): string[] {
    return [...queues.entries()]
      .filter(([, queued]) => queued.queue === queue)
      .sort(([, a], [, b]) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0))
      .map(([k]) => k);
  }

  #row(k: string): WorkRow {
    const item = this.requests.get(k)!;
    return {
      id: item.id,
      project: item.project,
      model: item.model,
      interactionId: item.interactionId,
      createdAt: item.createdAt,
      status: item.status,
      analyses: [...item.analyses],
      maxInputChars: item.maxInputChars,
    };
  }
}

/** Stored interactions: their redacted payloads and the analysis each shows. */
export class InMemoryInteractions implements AnalyzedInteractions {
  readonly #payloads = new Map<string, StoredPayload>();
  readonly #analyses = new Map<string, Record<string, unknown>>();

  /** Stores an interaction whose conversation is one user message. */
  add(project: string, id: string, text: string): void {
    this.#payloads.set(key(project, id), {
      request: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] },
      response: { choices: [{ message: { role: 'assistant', content: 'ok' } }] },
    });
  }

  /** Drops an interaction (retention, or a deletion). */
  remove(project: string, id: string): void {
    this.#payloads.delete(key(project, id));
    this.#analyses.delete(key(project, id));
  }

  async payload(project: string, interactionId: string): Promise<StoredPayload | undefined> {
    const payload = this.#payloads.get(key(project, interactionId));
    return payload ? clone(payload) : undefined;
  }

  async showAnalysis(project: string, interactionId: string, view: Record<string, unknown>): Promise<void> {
    if (!this.#payloads.has(key(project, interactionId))) return;
    this.#analyses.set(key(project, interactionId), clone(view));
  }

  /** What `GET /v1/interactions/{id}` would show as `analysis`. */
  analysis(project: string, interactionId: string): Record<string, unknown> | undefined {
    return this.#analyses.get(key(project, interactionId));
  }
}
