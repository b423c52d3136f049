/**
 * One analysis world per test: in-memory stores, stored interactions, the in-process OpenAI
 * emulator, a clock the test moves and a log it can read; plus the steps the integration tests
 * take over HTTP (post interactions, run the creator, poll until idle).
 */
import { analysisRequestId } from '../../../../../shared/domain/batch-analysis';
import {
  type BatchCreatorDeps,
  type BatchCreatorOptions,
  type BatchCreatorResult,
  type BatchPollerOptions,
  type BatchPollerResult,
  createAnalysisBatches,
  type JobLog,
  pollAnalysisBatches,
  requestAnalysisIfSelected,
} from '../../../../../shared/domain/batch-analysis/jobs';
import { EmulatedOpenAi } from './emulated-batch-api';
import { InMemoryAnalysisStore, InMemoryInteractions } from './in-memory-stores';

export const PROJECT = 'unit';
/** The settings of the integration tests: batch at once, three attempts. */
export const SETTINGS = { minBatchSize: 1, maxWaitMs: 0, maxAttempts: 3 };

export interface LogEntry {
  level: 'info' | 'warn';
  message: string;
  attributes: Record<string, unknown>;
}

export class AnalysisWorld {
  readonly store = new InMemoryAnalysisStore();
  readonly interactions = new InMemoryInteractions();
  readonly logs: LogEntry[] = [];
  nowMs = Date.parse('2026-03-01T00:00:00Z');
  readonly openAi: EmulatedOpenAi;
  readonly log: JobLog = {
    info: (message, attributes = {}) => this.logs.push({ level: 'info', message, attributes }),
    warn: (message, attributes = {}) => this.logs.push({ level: 'warn', message, attributes }),
  };

  public constructor(seed = 7) {
    this.openAi = new EmulatedOpenAi({ seed, now: () => this.nowMs });
  }

  /** The jobs' dependencies. */
  get deps(): BatchCreatorDeps {
    return {
      requests: this.store,
      batches: this.store,
      interactions: this.interactions,
      openAi: this.openAi,
      now: () => new Date(this.nowMs),
      log: this.log,
    };
  }

  /** Moves the clock. */
  advance(ms: number): void {
    this.nowMs += ms;
  }

  /** Stores interactions with `analyze: true` and creates their requests (the processor's step). */
  async post(items: { id: string; text: string }[], project = PROJECT): Promise<string[]> {
    const ids: string[] = [];
    for (const item of items) {
      this.interactions.add(project, item.id, item.text);
      const outcome = await requestAnalysisIfSelected(
        { requests: this.store, settings: { analysisSettings: async () => undefined } },
        { phase: 'completed', record: { project, id: item.id, analyze: true } },
        new Date(this.nowMs),
      );
      expect(outcome).toBe('created');
      ids.push(analysisRequestId(project, item.id));
      // Requests of one test keep their order (queues sort by creation time).
      this.advance(1);
    }
    return ids;
  }

  create(options: Partial<BatchCreatorOptions> = {}): Promise<BatchCreatorResult> {
    return createAnalysisBatches(this.deps, { ...SETTINGS, ...options });
  }

  poll(options: Partial<BatchPollerOptions> = {}): Promise<BatchPollerResult> {
    return pollAnalysisBatches(this.deps, { maxAttempts: SETTINGS.maxAttempts, ...options });
  }

  /** Runs the poller until no batch is in flight (the emulator moves one status per poll). */
  async pollUntilIdle(options: Partial<BatchPollerOptions> = {}, rounds = 8): Promise<void> {
    for (let round = 0; round < rounds; round += 1) {
      if ((await this.poll(options)).polled === 0) return;
    }
    throw new Error('batches still in flight after polling');
  }

  summary(project = PROJECT) {
    return this.store.summary(project);
  }

  request(id: string, project = PROJECT) {
    return this.store.request(project, id);
  }

  /** Every custom_id across every OpenAI batch input file made so far. */
  batchedCustomIds(): string[] {
    const { state } = this.openAi;
    return state.batchIds().flatMap((id) =>
      state
        .fileContent(state.peekBatch(id).input_file_id)
        .toString('utf8')
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { custom_id: string }).custom_id),
    );
  }
}
