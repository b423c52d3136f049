/**
 * The application-side client: `record()` returns at once; interactions are sent in the
 * background in batches, retried with the same ids (the ledger dedupes by id, so a retry after a
 * lost answer never stores twice), and every drop or give-up is counted and reported.
 */
import type * as z from 'zod';
import { interactionInputSchema, toInputIssues } from '../domain/interaction/schema';
import {
  BufferOverflowError,
  ClientClosedError,
  DeliveryFailedError,
  InteractionRejectedError,
  type RejectionIssue,
  TokentrailClientError,
} from './errors';
import { type ResolvedClientOptions, resolveClientOptions, type TokentrailClientOptions } from './options';
import { backoffDelay, classifyStatus, parseRetryAfter } from './retry';

/** One interaction as `record()` takes it: the `POST /v1/interactions` item; `id` is optional. */
export type InteractionInput = z.input<typeof interactionInputSchema>;

/** @deprecated Renamed {@link InteractionInput}: the server's stored record is another thing. */
export type InteractionRecord = InteractionInput;

/** Counters since construction. `recorded` = `accepted + rejected + failed + dropped + buffered + inFlight`. */
export interface ClientStats {
  /** Calls to `record()` (and `recordAsync()`). */
  recorded: number;
  /** Acknowledged by the server (`accepted` in the per-item results). */
  accepted: number;
  /** Invalid or too large (locally, per-item `rejected`, `400`, single-item `413`): never retried. */
  rejected: number;
  /** Given up: refused (`401`, `403`…) or retries exhausted. */
  failed: number;
  /** Dropped by the buffer policy, or recorded after `shutdown()`. */
  dropped: number;
  /** Retried requests. */
  retries: number;
  /** HTTP requests made (first attempts and retries). */
  requests: number;
  /** Waiting to be sent. */
  buffered: number;
  /** In a request (or its backoff) right now. */
  inFlight: number;
}

type Outcome = 'accepted' | 'rejected' | 'failed' | 'dropped';

interface Item {
  id: string;
  json: string;
  bytes: number;
  seq: number;
  state: 'queued' | 'in-flight' | 'settled';
}

interface FlushWaiter {
  maxSeq: number;
  remaining: number;
  resolve: () => void;
}

/** What one HTTP attempt came to. */
type Attempt =
  | { kind: 'answered'; results: Map<number, ItemResult> }
  | { kind: 'too-large'; status: number }
  | { kind: 'refused'; status: number; message: string; issues: { path: string; message: string }[] }
  | { kind: 'retryable'; status?: number; message: string; retryAfterMs?: number; cause?: unknown };

interface ItemResult {
  status: 'accepted' | 'rejected' | 'failed';
  issues?: { path: string; message: string }[];
}

/** `{"interactions":[` + `]}` */
const ENVELOPE_BYTES = 19;

/**
 * Buffers interactions and delivers them to `POST /v1/interactions`.
 *
 * - Batching: a request leaves when `batchSize` interactions are queued, or `flushIntervalMs`
 *   after the oldest queued one arrived, or on `flush()`.
 * - Retries: network errors, timeouts, `408`, `429` (honouring `Retry-After`), `5xx` and per-item
 *   `failed` results are retried with exponential backoff and full jitter, resending the SAME ids.
 *   `400`/`401`/`403`/`413`… are never retried: they are counted and reported through `onError`.
 * - Buffer: at most `maxBufferSize` interactions queued or in flight; when full, `record()` drops
 *   the newest (default) or the oldest queued one, counts it and reports `BufferOverflowError`;
 *   `recordAsync()` waits for room instead.
 * - Idle clients hold no timers, so a process exits once everything is delivered or given up.
 *
 * @example
 * const tokentrail = new TokentrailClient({ endpoint: process.env.TOKENTRAIL_URL!, apiKey: process.env.TOKENTRAIL_API_KEY! });
 * tokentrail.record({ provider: 'openai', model: 'gpt-4o', usage: { inputTokens: 10, outputTokens: 2 } });
 * await tokentrail.shutdown(); // before the process exits (or `flush()` at the end of a Lambda invocation)
 */
export class TokentrailClient {
  readonly #options: ResolvedClientOptions;
  readonly #queue: Item[] = [];
  readonly #flushWaiters: FlushWaiter[] = [];
  readonly #capacityWaiters: (() => void)[] = [];
  readonly #stats: Omit<ClientStats, 'buffered' | 'inFlight'> = {
    recorded: 0,
    accepted: 0,
    rejected: 0,
    failed: 0,
    dropped: 0,
    retries: 0,
    requests: 0,
  };
  #inFlight = 0;
  #activeRequests = 0;
  #lastSeq = 0;
  /** Queued items up to this sequence number leave even in a partial batch (interval elapsed or flush asked). */
  #drainUntilSeq = 0;
  #timer: unknown;
  #closed = false;

  /** @throws {InvalidClientOptionsError} when an option is invalid. */
  public constructor(options: TokentrailClientOptions) {
    this.#options = resolveClientOptions(options);
  }

  /**
   * Queues one interaction and returns its id (the one given, or a new UUID). Never throws and
   * never waits: problems are counted in {@link stats} and reported through `onError`. The
   * interaction is serialized now, so later changes to the object are not sent.
   *
   * @example
   * const id = tokentrail.record({ provider: 'openai', model: 'gpt-4o', request, response, latencyMs: 812 });
   */
  public record(interaction: InteractionInput): string {
    const id = typeof interaction?.id === 'string' ? interaction.id : this.#options.randomId();
    this.#stats.recorded += 1;
    if (this.#closed) {
      this.#countAndReport('dropped', new ClientClosedError(id));
      return id;
    }
    const item = this.#serialize({ ...interaction, id });
    if (item === undefined) return id;
    if (this.#pendingCount() >= this.#options.maxBufferSize && !this.#makeRoom(id)) return id;
    this.#queue.push(item);
    this.#pump();
    return id;
  }

  /**
   * Like {@link record}, but when the buffer is full it waits until an interaction settles
   * (backpressure) instead of dropping one.
   *
   * @example
   * for await (const line of lines) await tokentrail.recordAsync(JSON.parse(line));
   */
  public async recordAsync(interaction: InteractionInput): Promise<string> {
    while (!this.#closed && this.#pendingCount() >= this.#options.maxBufferSize) {
      await new Promise<void>((resolve) => this.#capacityWaiters.push(resolve));
    }
    return this.record(interaction);
  }

  /**
   * Sends everything recorded so far without waiting for full batches, and resolves once each of
   * those interactions is acknowledged or given up (retries included). Never rejects.
   *
   * @example
   * export const handler = async (event) => { …; await tokentrail.flush(); return answer; };
   */
  public flush(): Promise<void> {
    const outstanding = this.#pendingCount();
    if (outstanding === 0) return Promise.resolve();
    this.#drainUntilSeq = this.#lastSeq;
    return new Promise((resolve) => {
      this.#flushWaiters.push({ maxSeq: this.#lastSeq, remaining: outstanding, resolve });
      this.#pump();
    });
  }

  /**
   * Flushes, then stops: later `record()` calls are dropped (counted, reported). Idempotent.
   *
   * @example
   * process.once('beforeExit', () => tokentrail.shutdown());
   */
  public async shutdown(): Promise<void> {
    this.#closed = true;
    await this.flush();
    this.#clearTimer();
    for (const wake of this.#capacityWaiters.splice(0)) wake();
  }

  /** A snapshot of the counters. */
  public stats(): ClientStats {
    return { ...this.#stats, buffered: this.#queue.length, inFlight: this.#inFlight };
  }

  #pendingCount(): number {
    return this.#queue.length + this.#inFlight;
  }

  /** Validates and serializes; reports and returns `undefined` when the interaction cannot be sent. */
  #serialize(interaction: InteractionInput & { id: string }): Item | undefined {
    const { id } = interaction;
    if (this.#options.validate) {
      const result = interactionInputSchema.safeParse(interaction);
      if (!result.success) {
        const issues = toInputIssues(result.error).map((issue) => ({ id, ...issue }));
        this.#countAndReport('rejected', new InteractionRejectedError([id], issues));
        return undefined;
      }
    }
    let json: string;
    try {
      json = JSON.stringify(interaction);
    } catch (error) {
      const message = `not serializable as JSON: ${error instanceof Error ? error.message : String(error)}`;
      this.#countAndReport('rejected', new InteractionRejectedError([id], [{ id, path: '', message }]));
      return undefined;
    }
    const bytes = Buffer.byteLength(json, 'utf8');
    if (bytes + ENVELOPE_BYTES > this.#options.maxBatchBytes) {
      const message = `${bytes} bytes exceeds maxBatchBytes (${this.#options.maxBatchBytes})`;
      this.#countAndReport('rejected', new InteractionRejectedError([id], [{ id, path: '', message }]));
      return undefined;
    }
    this.#lastSeq += 1;
    return { id, json, bytes, seq: this.#lastSeq, state: 'queued' };
  }

  /** Applies the overflow policy; true when the new interaction may now be queued. */
  #makeRoom(newId: string): boolean {
    const { overflow, maxBufferSize } = this.#options;
    const oldest = overflow === 'drop-oldest' ? this.#queue.shift() : undefined;
    if (oldest === undefined) {
      // drop-newest, or drop-oldest with every buffered interaction already in a request.
      this.#countAndReport('dropped', new BufferOverflowError(newId, 'drop-newest', maxBufferSize));
      return false;
    }
    this.#settle(oldest, 'dropped');
    this.#report(new BufferOverflowError(oldest.id, 'drop-oldest', maxBufferSize));
    return true;
  }

  /** Starts requests while there are free slots and sendable batches; keeps the interval timer right. */
  #pump(): void {
    const { batchSize, maxConcurrentRequests } = this.#options;
    while (this.#activeRequests < maxConcurrentRequests && this.#queue.length > 0) {
      const head = this.#queue[0]!;
      if (this.#queue.length < batchSize && head.seq > this.#drainUntilSeq) break;
      const batch = this.#takeBatch();
      this.#activeRequests += 1;
      void this.#deliver(batch, 0)
        .catch((error: unknown) => {
          // Defensive: #deliver handles every expected failure itself.
          for (const item of batch) this.#settle(item, 'failed');
          this.#report(new TokentrailClientError('unexpected delivery error', ids(batch), {}, error));
        })
        .finally(() => {
          this.#activeRequests -= 1;
          this.#pump();
        });
    }
    const waiting = this.#queue.length > 0 && this.#queue[this.#queue.length - 1]!.seq > this.#drainUntilSeq;
    if (waiting && this.#timer === undefined) {
      this.#timer = this.#options.timers.setTimeout(() => {
        this.#timer = undefined;
        this.#drainUntilSeq = this.#lastSeq;
        this.#pump();
      }, this.#options.flushIntervalMs);
    } else if (this.#queue.length === 0) {
      this.#clearTimer();
    }
  }

  #takeBatch(): Item[] {
    const { batchSize, maxBatchBytes } = this.#options;
    let count = 0;
    let bytes = ENVELOPE_BYTES;
    while (count < batchSize && count < this.#queue.length) {
      const next = this.#queue[count]!;
      // +1 for the comma; the first item always fits (record() refused anything larger).
      if (count > 0 && bytes + next.bytes + 1 > maxBatchBytes) break;
      bytes += next.bytes + (count > 0 ? 1 : 0);
      count += 1;
    }
    const batch = this.#queue.splice(0, count);
    for (const item of batch) item.state = 'in-flight';
    this.#inFlight += batch.length;
    return batch;
  }

  /**
   * Delivers one batch: retries what may succeed later (same ids), splits on `413`, settles every
   * item exactly once. `retriesSoFar` carries the retry budget across a split.
   */
  async #deliver(batch: Item[], retriesSoFar: number): Promise<void> {
    let pending = batch;
    let retries = retriesSoFar;
    while (pending.length > 0) {
      const attempt = await this.#post(pending);
      let lastProblem: Extract<Attempt, { kind: 'retryable' }>;
      if (attempt.kind === 'answered') {
        pending = this.#applyResults(pending, attempt.results);
        if (pending.length === 0) return;
        lastProblem = {
          kind: 'retryable',
          message: `the server could not queue ${pending.length} interaction(s)`,
        };
      } else if (attempt.kind === 'too-large') {
        if (pending.length === 1) {
          const [item] = pending as [Item];
          const issue = {
            id: item.id,
            path: '',
            message: `payload too large for the API (${item.bytes} bytes)`,
          };
          this.#settle(item, 'rejected');
          this.#report(new InteractionRejectedError([item.id], [issue], attempt.status));
          return;
        }
        // Smaller requests fit; the ids are unchanged, so halves that were partly stored dedupe.
        const middle = Math.ceil(pending.length / 2);
        await this.#deliver(pending.slice(0, middle), retries);
        await this.#deliver(pending.slice(middle), retries);
        return;
      } else if (attempt.kind === 'refused') {
        this.#refuse(pending, attempt);
        return;
      } else {
        lastProblem = attempt;
      }

      if (retries >= this.#options.maxRetries) {
        for (const item of pending) this.#settle(item, 'failed');
        this.#report(
          new DeliveryFailedError(
            ids(pending),
            {
              reason: 'retries-exhausted',
              attempts: retries + 1,
              status: lastProblem.status,
              message: lastProblem.message,
            },
            lastProblem.cause,
          ),
        );
        return;
      }
      retries += 1;
      this.#stats.retries += 1;
      await this.#sleep(
        backoffDelay({
          retry: retries,
          baseMs: this.#options.retryBaseDelayMs,
          maxMs: this.#options.retryMaxDelayMs,
          random: this.#options.random,
          retryAfterMs: lastProblem.retryAfterMs,
        }),
      );
    }
  }

  /** Settles accepted and rejected items from per-item results; returns the `failed` ones to retry. */
  #applyResults(pending: Item[], results: Map<number, ItemResult>): Item[] {
    const retry: Item[] = [];
    const rejected: Item[] = [];
    const issues: RejectionIssue[] = [];
    pending.forEach((item, index) => {
      const result = results.get(index);
      // A 2xx without a result for an item means the request as a whole was accepted.
      if (result === undefined || result.status === 'accepted') this.#settle(item, 'accepted');
      else if (result.status === 'failed') retry.push(item);
      else {
        rejected.push(item);
        for (const issue of result.issues ?? [{ path: '', message: 'rejected' }])
          issues.push({ id: item.id, ...issue });
      }
    });
    if (rejected.length > 0) {
      for (const item of rejected) this.#settle(item, 'rejected');
      this.#report(new InteractionRejectedError(ids(rejected), issues, 202));
    }
    return retry;
  }

  #refuse(pending: Item[], attempt: Extract<Attempt, { kind: 'refused' }>): void {
    if (attempt.status === 400) {
      // The whole request was invalid (per-item problems come back as 202 `rejected`).
      const issues = pending.flatMap((item) =>
        (attempt.issues.length > 0 ? attempt.issues : [{ path: '', message: attempt.message }]).map(
          (issue) => ({
            id: item.id,
            ...issue,
          }),
        ),
      );
      for (const item of pending) this.#settle(item, 'rejected');
      this.#report(new InteractionRejectedError(ids(pending), issues, 400));
      return;
    }
    for (const item of pending) this.#settle(item, 'failed');
    this.#report(
      new DeliveryFailedError(ids(pending), {
        reason: 'refused',
        attempts: 1,
        status: attempt.status,
        message: attempt.message,
      }),
    );
  }

  /** One HTTP attempt; never throws. */
  async #post(items: Item[]): Promise<Attempt> {
    const { fetch, timers, requestTimeoutMs, url, apiKey, now } = this.#options;
    this.#stats.requests += 1;
    const controller = new AbortController();
    const timeout = timers.setTimeout(() => controller.abort(), requestTimeoutMs);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: `{"interactions":[${items.map((item) => item.json).join(',')}]}`,
        signal: controller.signal,
      });
      const text = await response.text();
      const kind = classifyStatus(response.status);
      const body = parseJson(text);
      if (kind === 'answered') return { kind, results: readResults(body) };
      if (kind === 'too-large') return { kind, status: response.status };
      const error = readError(body);
      const message = error.message ?? `HTTP ${response.status}`;
      if (kind === 'refused') return { kind, status: response.status, message, issues: error.issues };
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now());
      return { kind: 'retryable', status: response.status, message, retryAfterMs };
    } catch (error) {
      const message = controller.signal.aborted
        ? `request timed out after ${requestTimeoutMs} ms`
        : `network error: ${error instanceof Error ? error.message : String(error)}`;
      return { kind: 'retryable', message, cause: error };
    } finally {
      timers.clearTimeout(timeout);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.#options.timers.setTimeout(resolve, ms));
  }

  #clearTimer(): void {
    if (this.#timer === undefined) return;
    this.#options.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Marks an item done (once), counts it and wakes whoever waits for it. */
  #settle(item: Item, outcome: Outcome): void {
    if (item.state === 'settled') return;
    if (item.state === 'in-flight') this.#inFlight -= 1;
    item.state = 'settled';
    this.#stats[outcome] += 1;
    for (let index = this.#flushWaiters.length - 1; index >= 0; index -= 1) {
      const waiter = this.#flushWaiters[index]!;
      if (item.seq > waiter.maxSeq) continue;
      waiter.remaining -= 1;
      if (waiter.remaining === 0) {
        this.#flushWaiters.splice(index, 1);
        waiter.resolve();
      }
    }
    this.#capacityWaiters.shift()?.();
  }

  /** Counts an interaction that never entered the buffer, and reports why. */
  #countAndReport(outcome: Outcome, error: TokentrailClientError): void {
    this.#stats[outcome] += 1;
    this.#report(error);
  }

  #report(error: TokentrailClientError): void {
    try {
      this.#options.onError(error);
    } catch {
      // A failing error handler must not break delivery.
    }
  }
}

function ids(items: Item[]): string[] {
  return items.map((item) => item.id);
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** Per-item results of a `202`, by request index. */
function readResults(body: unknown): Map<number, ItemResult> {
  const results = new Map<number, ItemResult>();
  const list = (body as { results?: unknown } | undefined)?.results;
  if (!Array.isArray(list)) return results;
  for (const entry of list) {
    if (!entry || typeof entry !== 'object') continue;
    const { index, status, issues } = entry as { index?: unknown; status?: unknown; issues?: unknown };
    if (typeof index !== 'number') continue;
    if (status !== 'accepted' && status !== 'rejected' && status !== 'failed') continue;
    results.set(index, { status, issues: readIssues(issues) });
  }
  return results;
}

function readError(body: unknown): { message?: string; issues: { path: string; message: string }[] } {
  const error = (body as { error?: { message?: unknown; issues?: unknown } } | undefined)?.error;
  return {
    message: typeof error?.message === 'string' ? error.message : undefined,
    issues: readIssues(error?.issues) ?? [],
  };
}

function readIssues(raw: unknown): { path: string; message: string }[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  return raw.map((issue) => ({
    path: typeof issue?.path === 'string' ? issue.path : '',
    message: typeof issue?.message === 'string' ? issue.message : 'invalid',
  }));
}
