/**
 * In-memory state of the emulator: files, batches and their status machine.
 *
 * A batch moves one status per `pollsPerStep` retrievals:
 * `validating` → `in_progress` → `finalizing` → `completed`, or to `failed` (validation
 * problems, `failBatch`), `expired` (`expire`), `cancelling` → `cancelled` (cancel call).
 * Output lines are written in a seeded shuffle, so consumers must match by `custom_id`.
 */
import { OpenAiApiError } from './errors';
import type { EmulatorFaults } from './faults';
import { hashToUnit, randomId, seededRandom, shuffled } from './random';
import { answerChatCompletion, type ChatMessage } from './responder';
import {
  type BatchInputLimits,
  type BatchInputLine,
  type BatchValidationError,
  validateBatchInput,
} from './validate';

export const SUPPORTED_ENDPOINT = '/v1/chat/completions';
const FILE_PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'];
const BATCH_WINDOW_SECONDS = 24 * 60 * 60;
const FILE_TTL_SECONDS = 30 * 24 * 60 * 60;

export type BatchStatus =
  | 'validating'
  | 'failed'
  | 'in_progress'
  | 'finalizing'
  | 'completed'
  | 'expired'
  | 'cancelling'
  | 'cancelled';

export interface FileObject {
  id: string;
  object: 'file';
  bytes: number;
  created_at: number;
  expires_at: number | null;
  filename: string;
  purpose: string;
  status: 'processed';
  status_details: null;
}

export interface BatchObject {
  id: string;
  object: 'batch';
  endpoint: string;
  model: string | null;
  errors: { object: 'list'; data: BatchValidationError[] } | null;
  input_file_id: string;
  completion_window: string;
  status: BatchStatus;
  output_file_id: string | null;
  error_file_id: string | null;
  created_at: number;
  in_progress_at: number | null;
  expires_at: number;
  finalizing_at: number | null;
  completed_at: number | null;
  failed_at: number | null;
  expired_at: number | null;
  cancelling_at: number | null;
  cancelled_at: number | null;
  request_counts: { total: number; completed: number; failed: number };
  usage: {
    input_tokens: number;
    input_tokens_details: { cached_tokens: number };
    output_tokens: number;
    output_tokens_details: { reasoning_tokens: number };
    total_tokens: number;
  } | null;
  metadata: Record<string, string> | null;
}

export interface EmulatorStateOptions {
  pollsPerStep: number;
  seed: number;
  limits: BatchInputLimits;
  /** Milliseconds since the epoch; injectable so timestamps are predictable. */
  now: () => number;
}

/** One line of an output or error file, as written. */
type ResultLine = Record<string, unknown> & { custom_id: string };

interface BatchRecord {
  batch: BatchObject;
  sequence: number;
  pollsInStatus: number;
  lines: BatchInputLine[];
  /** Computed when the batch starts finalizing (or stops early), written when it ends. */
  results?: { output: ResultLine[]; errors: ResultLine[] };
  statusBeforeCancel?: BatchStatus;
}

interface StoredFile {
  file: FileObject;
  content: Buffer;
  sequence: number;
}

/** The emulator's store and status machine; the HTTP layer is a thin shell around it. */
export class EmulatorState {
  private readonly files = new Map<string, StoredFile>();
  private readonly batches = new Map<string, BatchRecord>();
  private readonly random: () => number;
  private sequence = 0;
  private currentFaults: EmulatorFaults = {};

  public constructor(private readonly options: EmulatorStateOptions) {
    this.random = seededRandom(options.seed);
  }

  public get faults(): EmulatorFaults {
    return structuredClone(this.currentFaults);
  }

  public set faults(faults: EmulatorFaults) {
    this.currentFaults = structuredClone(faults);
  }

  /** Takes one pending HTTP fault, if any: the next N API calls answer 429, then 500. */
  public takeHttpFault(): { error: OpenAiApiError; afterCommit: boolean } | undefined {
    const { http429, http500 } = this.currentFaults;
    if (http429 && http429.count > 0) {
      http429.count -= 1;
      const seconds = http429.retryAfterSeconds ?? 1;
      const error = new OpenAiApiError(429, 'Rate limit reached for requests. Please try again later.', {
        type: 'requests',
        code: 'rate_limit_exceeded',
        headers: { 'retry-after': String(seconds) },
      });
      return { error, afterCommit: false };
    }
    if (http500 && http500.count > 0) {
      http500.count -= 1;
      const message = 'The server had an error while processing your request. Sorry about that!';
      return {
        error: new OpenAiApiError(500, message, { type: 'server_error' }),
        afterCommit: http500.afterCommit ?? false,
      };
    }
    return undefined;
  }

  // ── files ──────────────────────────────────────────────────────────────

  public createFile(input: { filename: string; purpose: string; content: Buffer }): FileObject {
    if (!FILE_PURPOSES.includes(input.purpose)) {
      throw new OpenAiApiError(
        400,
        `Invalid value for purpose: must be one of ${FILE_PURPOSES.join(', ')}.`,
        {
          code: 'invalid_value',
          param: 'purpose',
        },
      );
    }
    if (input.purpose === 'batch' && !input.filename.endsWith('.jsonl')) {
      throw new OpenAiApiError(400, 'Invalid file format for Batch API. Must be .jsonl', { param: 'file' });
    }
    return this.storeFile(input.filename, input.purpose, input.content);
  }

  public getFile(id: string): FileObject {
    return structuredClone(this.requireFile(id).file);
  }

  public fileContent(id: string): Buffer {
    return this.requireFile(id).content;
  }

  public deleteFile(id: string): { id: string; object: 'file'; deleted: true } {
    this.requireFile(id);
    this.files.delete(id);
    return { id, object: 'file', deleted: true };
  }

  public listFiles(query: {
    purpose?: string;
    after?: string;
    limit?: number;
    order?: string;
  }): ListPage<FileObject> {
    const all = [...this.files.values()]
      .filter((stored) => !query.purpose || stored.file.purpose === query.purpose)
      .sort((a, b) => (query.order === 'asc' ? a.sequence - b.sequence : b.sequence - a.sequence))
      .map((stored) => stored.file);
    return page(all, query.after, query.limit ?? 10_000, 10_000);
  }

  // ── batches ────────────────────────────────────────────────────────────

  public createBatch(params: Record<string, unknown>): BatchObject {
    for (const name of ['input_file_id', 'endpoint', 'completion_window']) {
      if (params[name] === undefined || params[name] === null || params[name] === '') {
        throw new OpenAiApiError(400, `Missing required parameter: '${name}'.`, {
          code: 'missing_required_parameter',
          param: name,
        });
      }
    }
    if (params.endpoint !== SUPPORTED_ENDPOINT) {
      throw new OpenAiApiError(400, `The emulator only supports the ${SUPPORTED_ENDPOINT} endpoint.`, {
        code: 'invalid_value',
        param: 'endpoint',
      });
    }
    if (params.completion_window !== '24h') {
      throw new OpenAiApiError(400, "Invalid value for completion_window: only '24h' is supported.", {
        code: 'invalid_value',
        param: 'completion_window',
      });
    }
    const metadata = validateMetadata(params.metadata);
    const inputFileId = String(params.input_file_id);
    const input = this.files.get(inputFileId);
    if (!input) {
      throw new OpenAiApiError(404, `No such File object: ${inputFileId}`, { param: 'input_file_id' });
    }
    if (input.file.purpose !== 'batch') {
      throw new OpenAiApiError(400, "The input file must have purpose 'batch'.", {
        code: 'invalid_value',
        param: 'input_file_id',
      });
    }
    const now = this.seconds();
    const batch: BatchObject = {
      id: randomId(this.random, 'batch_', 32, 'hex'),
      object: 'batch',
      endpoint: SUPPORTED_ENDPOINT,
      model: null,
      errors: null,
      input_file_id: inputFileId,
      completion_window: '24h',
      status: 'validating',
      output_file_id: null,
      error_file_id: null,
      created_at: now,
      in_progress_at: null,
      expires_at: now + BATCH_WINDOW_SECONDS,
      finalizing_at: null,
      completed_at: null,
      failed_at: null,
      expired_at: null,
      cancelling_at: null,
      cancelled_at: null,
      request_counts: { total: 0, completed: 0, failed: 0 },
      usage: null,
      metadata,
    };
    this.batches.set(batch.id, { batch, sequence: this.nextSequence(), pollsInStatus: 0, lines: [] });
    return structuredClone(batch);
  }

  /** Returns the batch after counting this retrieval as one poll (which may move its status). */
  public retrieveBatch(id: string): BatchObject {
    const record = this.requireBatch(id);
    record.pollsInStatus += 1;
    if (record.pollsInStatus >= this.pollsNeeded(record)) this.step(record);
    return structuredClone(record.batch);
  }

  /** Reads a batch without counting a poll (inspection). */
  public peekBatch(id: string): BatchObject {
    return structuredClone(this.requireBatch(id).batch);
  }

  /** Moves a batch forward `steps` statuses at once, as if polled enough times. */
  public advanceBatch(id: string, steps = 1): BatchObject {
    const record = this.requireBatch(id);
    for (let index = 0; index < steps; index += 1) this.step(record);
    return structuredClone(record.batch);
  }

  public listBatches(query: { after?: string; limit?: number }): ListPage<BatchObject> {
    const all = [...this.batches.values()]
      .sort((a, b) => b.sequence - a.sequence)
      .map((record) => record.batch);
    return page(all, query.after, query.limit ?? 20, 100);
  }

  public cancelBatch(id: string): BatchObject {
    const record = this.requireBatch(id);
    const { status } = record.batch;
    if (status === 'cancelling') return structuredClone(record.batch);
    if (status !== 'validating' && status !== 'in_progress' && status !== 'finalizing') {
      throw new OpenAiApiError(400, `Cannot cancel a batch with status '${status}'.`, {
        code: 'invalid_value',
      });
    }
    record.statusBeforeCancel = status;
    this.moveTo(record, 'cancelling');
    record.batch.cancelling_at = this.seconds();
    return structuredClone(record.batch);
  }

  public batchIds(): string[] {
    return [...this.batches.values()]
      .sort((a, b) => a.sequence - b.sequence)
      .map((record) => record.batch.id);
  }

  public fileIds(): string[] {
    return [...this.files.values()].sort((a, b) => a.sequence - b.sequence).map((stored) => stored.file.id);
  }

  public reset(): void {
    this.files.clear();
    this.batches.clear();
    this.currentFaults = {};
  }

  // ── status machine ─────────────────────────────────────────────────────

  private pollsNeeded(record: BatchRecord): number {
    if (record.batch.status === 'cancelling') {
      return this.currentFaults.cancel?.pollsWhileCancelling ?? this.options.pollsPerStep;
    }
    return this.options.pollsPerStep;
  }

  private step(record: BatchRecord): void {
    const { batch } = record;
    const faults = this.currentFaults;
    switch (batch.status) {
      case 'validating': {
        const failure = faults.validationFailure;
        if (failure) {
          const detail = typeof failure === 'object' ? failure : {};
          this.fail(record, [
            {
              code: detail.code ?? 'invalid_request',
              message: detail.message ?? 'The batch input file failed validation.',
              param: null,
              line: null,
            },
          ]);
          return;
        }
        const validation = validateBatchInput(
          this.requireFile(batch.input_file_id).content,
          batch.endpoint,
          this.options.limits,
        );
        if (!validation.ok) {
          this.fail(record, validation.errors);
          return;
        }
        record.lines = validation.lines;
        batch.model = validation.model;
        batch.request_counts = { total: validation.lines.length, completed: 0, failed: 0 };
        this.moveTo(record, 'in_progress');
        batch.in_progress_at = this.seconds();
        return;
      }
      case 'in_progress': {
        if (faults.failBatch) {
          const detail = typeof faults.failBatch === 'object' ? faults.failBatch : {};
          this.fail(record, [
            {
              code: detail.code ?? 'batch_failed',
              message: detail.message ?? 'The batch could not be completed due to an internal error.',
              param: null,
              line: null,
            },
          ]);
          return;
        }
        if (faults.expire) {
          const fraction = typeof faults.expire === 'object' ? (faults.expire.completedFraction ?? 0.5) : 0.5;
          record.results = this.partialResults(record, fraction, 'batch_expired');
          this.finish(record, 'expired');
          batch.expired_at = this.seconds();
          return;
        }
        record.results = this.process(record.lines);
        this.moveTo(record, 'finalizing');
        batch.finalizing_at = this.seconds();
        return;
      }
      case 'finalizing':
        this.finish(record, 'completed');
        batch.completed_at = this.seconds();
        return;
      case 'cancelling': {
        const before = record.statusBeforeCancel;
        const fraction = faults.cancel?.completedFraction ?? 0.5;
        if (before === 'validating') record.results = { output: [], errors: [] };
        else if (before === 'in_progress')
          record.results = this.partialResults(record, fraction, 'batch_cancelled');
        this.finish(record, 'cancelled');
        batch.cancelled_at = this.seconds();
        return;
      }
      default:
        // Terminal statuses stay put.
        return;
    }
  }

  private fail(record: BatchRecord, errors: BatchValidationError[]): void {
    record.batch.errors = { object: 'list', data: errors };
    this.moveTo(record, 'failed');
    record.batch.failed_at = this.seconds();
  }

  private moveTo(record: BatchRecord, status: BatchStatus): void {
    record.batch.status = status;
    record.pollsInStatus = 0;
  }

  /** Writes the output and error files (only those with lines) and the final counts. */
  private finish(record: BatchRecord, status: 'completed' | 'expired' | 'cancelled'): void {
    const { batch } = record;
    const results = record.results ?? { output: [], errors: [] };
    const random = seededRandom((this.options.seed ^ (record.sequence * 0x9e3779b1)) >>> 0);
    if (results.output.length > 0) {
      const lines = shuffled(results.output, random);
      batch.output_file_id = this.storeFile(
        `batch_${batch.id}_output.jsonl`,
        'batch_output',
        Buffer.from(`${lines.map((line) => JSON.stringify(line)).join('\n')}\n`),
      ).id;
    }
    if (results.errors.length > 0) {
      const lines = shuffled(results.errors, random);
      batch.error_file_id = this.storeFile(
        `batch_${batch.id}_error.jsonl`,
        'batch_output',
        Buffer.from(`${lines.map((line) => JSON.stringify(line)).join('\n')}\n`),
      ).id;
    }
    batch.request_counts = {
      total: record.lines.length,
      completed: results.output.length,
      failed: results.errors.length,
    };
    batch.usage = totalUsage(results.output);
    this.moveTo(record, status);
  }

  /** Runs the first `fraction` of the lines; the rest become top-level error lines with `code`. */
  private partialResults(
    record: BatchRecord,
    fraction: number,
    code: 'batch_expired' | 'batch_cancelled',
  ): { output: ResultLine[]; errors: ResultLine[] } {
    const done = Math.floor(record.lines.length * fraction);
    const results = this.process(record.lines.slice(0, done));
    const message =
      code === 'batch_expired'
        ? 'This request could not be executed before the completion window expired.'
        : 'This request was not executed because the batch was cancelled.';
    for (const line of record.lines.slice(done)) {
      results.errors.push(this.errorLine(line.customId, { code, message }));
    }
    return results;
  }

  private process(lines: readonly BatchInputLine[]): { output: ResultLine[]; errors: ResultLine[] } {
    const output: ResultLine[] = [];
    const errors: ResultLine[] = [];
    const lineErrors = this.currentFaults.lineErrors;
    for (const line of lines) {
      const picked =
        lineErrors &&
        (lineErrors.customIds?.includes(line.customId) ||
          (lineErrors.fraction !== undefined &&
            hashToUnit(this.options.seed, line.customId) < lineErrors.fraction));
      if (picked) {
        errors.push(this.faultLine(line.customId, lineErrors));
        continue;
      }
      const messages = line.body.messages;
      if (!Array.isArray(messages)) {
        errors.push(
          this.responseErrorLine(line.customId, 400, {
            message: "Invalid type for 'messages': expected an array of objects.",
            type: 'invalid_request_error',
            param: 'messages',
            code: 'invalid_type',
          }),
        );
        continue;
      }
      const body = answerChatCompletion(
        { model: String(line.body.model), messages: messages as ChatMessage[] },
        { id: randomId(this.random, 'chatcmpl-', 29, 'base62'), created: this.seconds() },
      );
      output.push({
        id: randomId(this.random, 'batch_req_', 32, 'hex'),
        custom_id: line.customId,
        response: { status_code: 200, request_id: randomId(this.random, 'req_', 32, 'hex'), body },
        error: null,
      });
    }
    return { output, errors };
  }

  private faultLine(customId: string, fault: NonNullable<EmulatorFaults['lineErrors']>): ResultLine {
    if (fault.style === 'error') {
      return this.errorLine(customId, {
        code: fault.code ?? 'internal_error',
        message: fault.message ?? 'The request could not be processed.',
      });
    }
    const status = fault.statusCode ?? 400;
    const defaults =
      status === 429
        ? { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached for requests.' }
        : status >= 500
          ? {
              type: 'server_error',
              code: 'server_error',
              message: 'The server had an error processing your request.',
            }
          : {
              type: 'invalid_request_error',
              code: 'context_length_exceeded',
              message:
                "This model's maximum context length is 128000 tokens. Please reduce the length of the messages.",
            };
    return this.responseErrorLine(customId, status, {
      message: fault.message ?? defaults.message,
      type: defaults.type,
      param: null,
      code: fault.code ?? defaults.code,
    });
  }

  private responseErrorLine(
    customId: string,
    status: number,
    error: { message: string; type: string; param: string | null; code: string | null },
  ): ResultLine {
    return {
      id: randomId(this.random, 'batch_req_', 32, 'hex'),
      custom_id: customId,
      response: {
        status_code: status,
        request_id: randomId(this.random, 'req_', 32, 'hex'),
        body: { error },
      },
      error: null,
    };
  }

  private errorLine(customId: string, error: { code: string; message: string }): ResultLine {
    return { id: randomId(this.random, 'batch_req_', 32, 'hex'), custom_id: customId, response: null, error };
  }

  // ── helpers ────────────────────────────────────────────────────────────

  private storeFile(filename: string, purpose: string, content: Buffer): FileObject {
    const now = this.seconds();
    const file: FileObject = {
      id: randomId(this.random, 'file-', 22, 'base62'),
      object: 'file',
      bytes: content.byteLength,
      created_at: now,
      expires_at: purpose === 'batch' || purpose === 'batch_output' ? now + FILE_TTL_SECONDS : null,
      filename,
      purpose,
      status: 'processed',
      status_details: null,
    };
    this.files.set(file.id, { file, content, sequence: this.nextSequence() });
    return structuredClone(file);
  }

  private requireFile(id: string): StoredFile {
    const stored = this.files.get(id);
    if (!stored) throw new OpenAiApiError(404, `No such File object: ${id}`, { param: 'id' });
    return stored;
  }

  private requireBatch(id: string): BatchRecord {
    const record = this.batches.get(id);
    if (!record) throw new OpenAiApiError(404, `No batch found with id '${id}'.`, { param: 'batch_id' });
    return record;
  }

  private seconds(): number {
    return Math.floor(this.options.now() / 1000);
  }

  private nextSequence(): number {
    this.sequence += 1;
    return this.sequence;
  }
}

export interface ListPage<T extends { id: string }> {
  object: 'list';
  data: T[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

function page<T extends { id: string }>(
  all: T[],
  after: string | undefined,
  limit: number,
  maxLimit: number,
): ListPage<T> {
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) {
    throw new OpenAiApiError(400, `Invalid limit: must be between 1 and ${maxLimit}.`, {
      code: 'invalid_value',
      param: 'limit',
    });
  }
  let start = 0;
  if (after) {
    const index = all.findIndex((item) => item.id === after);
    start = index === -1 ? all.length : index + 1;
  }
  const data = all.slice(start, start + limit).map((item) => structuredClone(item));
  return {
    object: 'list',
    data,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
    has_more: start + limit < all.length,
  };
}

function validateMetadata(value: unknown): Record<string, string> | null {
  if (value === undefined || value === null) return null;
  const invalid = (message: string) =>
    new OpenAiApiError(400, message, { code: 'invalid_value', param: 'metadata' });
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid('metadata must be an object.');
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > 16) throw invalid('metadata can have at most 16 keys.');
  for (const [key, item] of entries) {
    if (key.length > 64) throw invalid('metadata keys can be at most 64 characters long.');
    if (typeof item !== 'string' || item.length > 512) {
      throw invalid('metadata values must be strings of at most 512 characters.');
    }
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

function totalUsage(output: readonly ResultLine[]): BatchObject['usage'] {
  const usage = { input: 0, cached: 0, output: 0, reasoning: 0 };
  for (const line of output) {
    const body = (line.response as { body?: { usage?: Record<string, unknown> } } | null)?.body;
    const lineUsage = body?.usage as
      | {
          prompt_tokens: number;
          completion_tokens: number;
          prompt_tokens_details?: { cached_tokens?: number };
          completion_tokens_details?: { reasoning_tokens?: number };
        }
      | undefined;
    if (!lineUsage) continue;
    usage.input += lineUsage.prompt_tokens;
    usage.output += lineUsage.completion_tokens;
    usage.cached += lineUsage.prompt_tokens_details?.cached_tokens ?? 0;
    usage.reasoning += lineUsage.completion_tokens_details?.reasoning_tokens ?? 0;
  }
  return {
    input_tokens: usage.input,
    input_tokens_details: { cached_tokens: usage.cached },
    output_tokens: usage.output,
    output_tokens_details: { reasoning_tokens: usage.reasoning },
    total_tokens: usage.input + usage.output,
  };
}
