/**
 * A thin OpenAI Files + Batches client for the analysis jobs, over the official SDK.
 *
 * Resilience:
 * - Timeouts per call (`timeoutMs`, and `fileTimeoutMs` for uploads and downloads).
 * - Retries: the SDK retries 408, 409, 429, 5xx and connection failures up to `maxRetries`
 *   times with exponential backoff (0.5 s doubling to 8 s, minus up to 25 % jitter) and honours
 *   `retry-after` / `retry-after-ms` up to 60 s. That is used for every idempotent call.
 *   `createBatch` is not idempotent (a 5xx or timeout after OpenAI committed would create a
 *   second, billed batch), so it runs with SDK retries off and retries itself: after an
 *   ambiguous failure it first looks for a batch already made from the same input file.
 * - A circuit breaker per project (see {@link CircuitBreakerRegistry}).
 * - Errors are {@link OpenAiBatchError}: status, provider code/type and request id only.
 */
import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  toFile,
} from 'openai';
import { sanitizeProviderCode, sanitizeProviderMessage } from '../../domain/batch-analysis/sanitize';
import type { ProviderBatchStatus } from '../../domain/batch-analysis/status';
import { CircuitBreakerRegistry } from './circuit-breaker';
import { CircuitOpenError, InvalidOpenAiConfigError, OpenAiBatchError } from './errors';

export interface OpenAiBatchClientConfig {
  apiKey: string;
  /** Defaults to the SDK's (`https://api.openai.com/v1`); the emulator's URL locally. */
  baseURL?: string;
  /** The tokentrail project this key belongs to: the circuit breaker key and error context. */
  project: string;
  /** Per-request timeout for API calls; default 30 s. */
  timeoutMs?: number;
  /** Per-request timeout for file uploads and downloads; default 5 min. */
  fileTimeoutMs?: number;
  /** Retries after the first attempt on 408/409/429/5xx/connection errors; default 3. */
  maxRetries?: number;
  /** Shared breakers; defaults to one registry per process (5 failures, 60 s cool-down). */
  breakers?: CircuitBreakerRegistry;
  /** Backoff of `createBatch`'s own retries; injectable so tests never sleep. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface UploadedFile {
  id: string;
  bytes: number;
}

export interface BatchInfo {
  id: string;
  status: ProviderBatchStatus;
  inputFileId: string;
  outputFileId?: string;
  errorFileId?: string;
  requestCounts: { total: number; completed: number; failed: number };
  /** Validation or batch-level errors; messages sanitized. */
  errors: { code?: string; line?: number; param?: string; message?: string }[];
  metadata: Record<string, string>;
  model?: string;
  /** Unix seconds, as OpenAI reports them. */
  createdAt: number;
  expiresAt?: number;
  inProgressAt?: number;
  finalizingAt?: number;
  completedAt?: number;
  failedAt?: number;
  expiredAt?: number;
  cancellingAt?: number;
  cancelledAt?: number;
}

export interface FileInfo {
  id: string;
  filename: string;
  bytes: number;
  purpose: string;
  /** Unix seconds. */
  createdAt: number;
}

export interface FilePage {
  files: FileInfo[];
  hasMore: boolean;
  /** Pass as `after` for the next page. */
  lastId?: string;
}

export interface BatchPage {
  batches: BatchInfo[];
  hasMore: boolean;
  /** Pass as `after` for the next page. */
  lastId?: string;
}

/** The operations the batch-creator and batch-poller need. */
export interface OpenAiBatchClient {
  uploadBatchFile(jsonl: string, name: string): Promise<UploadedFile>;
  createBatch(inputFileId: string, metadata?: Record<string, string>): Promise<BatchInfo>;
  retrieveBatch(batchId: string): Promise<BatchInfo>;
  listBatches(options?: { after?: string; limit?: number }): Promise<BatchPage>;
  cancelBatch(batchId: string): Promise<BatchInfo>;
  downloadFile(fileId: string): Promise<string>;
  deleteFile(fileId: string): Promise<void>;
  /** Files, newest first; lets a re-run find an input file a crashed run uploaded. */
  listFiles(options?: { purpose?: string; after?: string; limit?: number }): Promise<FilePage>;
}

const defaultBreakers = new CircuitBreakerRegistry();
const ENDPOINT = '/v1/chat/completions';
// Batches created in one run are recent; one page is enough to find a just-created one.
const RECONCILE_PAGE_SIZE = 100;

/**
 * Creates a batch client for one project's key.
 *
 * @throws {InvalidOpenAiConfigError} when the key or project is empty or a number is invalid
 * @example
 * const client = createOpenAiBatchClient({ apiKey: process.env.OPENAI_API_KEY!, baseURL: process.env.OPENAI_BASE_URL, project: 'p1' });
 * const file = await client.uploadBatchFile(jsonl, 'analysis-2026-01-01.jsonl');
 * const batch = await client.createBatch(file.id, { tokentrail_plan: 'plan-1' });
 */
export function createOpenAiBatchClient(config: OpenAiBatchClientConfig): OpenAiBatchClient {
  if (typeof config.apiKey !== 'string' || config.apiKey.trim() === '') {
    throw new InvalidOpenAiConfigError('apiKey', 'is empty');
  }
  if (typeof config.project !== 'string' || config.project === '') {
    throw new InvalidOpenAiConfigError('project', 'is empty');
  }
  const timeoutMs = positive(config.timeoutMs, 30_000, 'timeoutMs');
  const fileTimeoutMs = positive(config.fileTimeoutMs, 300_000, 'fileTimeoutMs');
  const maxRetries = config.maxRetries ?? 3;
  if (!Number.isInteger(maxRetries) || maxRetries < 0)
    throw new InvalidOpenAiConfigError('maxRetries', 'must be a non-negative integer');
  const sleep = config.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = config.random ?? Math.random;
  const breaker = (config.breakers ?? defaultBreakers).get(config.project);
  const sdk = new OpenAI({
    apiKey: config.apiKey,
    ...(config.baseURL ? { baseURL: config.baseURL } : {}),
    timeout: timeoutMs,
    maxRetries,
    // Explicit, so an OPENAI_LOG=debug in the environment cannot log request or response bodies.
    logLevel: 'warn',
  });

  async function call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    const permit = breaker.acquire();
    if (typeof permit === 'number') throw new CircuitOpenError(operation, config.project, permit);
    try {
      const result = await run();
      permit.succeed();
      return result;
    } catch (error) {
      const sanitized = toBatchError(error, operation, config.project);
      if (countsAgainstCircuit(sanitized)) permit.fail();
      else permit.succeed();
      throw sanitized;
    }
  }

  async function createOnce(
    inputFileId: string,
    metadata: Record<string, string> | undefined,
  ): Promise<BatchInfo> {
    const batch = await sdk.batches.create(
      {
        input_file_id: inputFileId,
        endpoint: ENDPOINT,
        completion_window: '24h',
        ...(metadata ? { metadata } : {}),
      },
      { maxRetries: 0 },
    );
    return toBatchInfo(batch);
  }

  async function findByInputFile(inputFileId: string): Promise<BatchInfo | undefined> {
    const page = await sdk.batches.list({ limit: RECONCILE_PAGE_SIZE });
    const found = page.data.find((batch) => batch.input_file_id === inputFileId);
    return found ? toBatchInfo(found) : undefined;
  }

  return {
    uploadBatchFile: (jsonl, name) =>
      call('uploadBatchFile', async () => {
        const filename = name.endsWith('.jsonl') ? name : `${name}.jsonl`;
        const file = await sdk.files.create(
          {
            file: await toFile(Buffer.from(jsonl, 'utf8'), filename, { type: 'application/jsonl' }),
            purpose: 'batch',
          },
          { timeout: fileTimeoutMs },
        );
        return { id: file.id, bytes: file.bytes };
      }),

    createBatch: (inputFileId, metadata) =>
      call('createBatch', async () => {
        let ambiguous = false;
        for (let attempt = 0; ; attempt += 1) {
          try {
            if (ambiguous) {
              const existing = await findByInputFile(inputFileId);
              if (existing) return existing;
            }
            return await createOnce(inputFileId, metadata);
          } catch (error) {
            if (attempt >= maxRetries || !isRetryable(error)) throw error;
            // A 429 or 409 was refused before anything was created; anything else may have been committed.
            const status = error instanceof APIError ? error.status : undefined;
            ambiguous ||= status !== 429 && status !== 409;
            await sleep(retryDelayMs(error, attempt, random));
          }
        }
      }),

    retrieveBatch: (batchId) =>
      call('retrieveBatch', async () => toBatchInfo(await sdk.batches.retrieve(batchId))),

    listBatches: (options = {}) =>
      call('listBatches', async () => {
        const page = await sdk.batches.list({
          ...(options.after ? { after: options.after } : {}),
          ...(options.limit ? { limit: options.limit } : {}),
        });
        const batches = page.data.map(toBatchInfo);
        return {
          batches,
          hasMore: page.has_more,
          ...(batches.length > 0 ? { lastId: batches.at(-1)!.id } : {}),
        };
      }),

    cancelBatch: (batchId) => call('cancelBatch', async () => toBatchInfo(await sdk.batches.cancel(batchId))),

    downloadFile: (fileId) =>
      call('downloadFile', async () => {
        const response = await sdk.files.content(fileId, { timeout: fileTimeoutMs });
        return response.text();
      }),

    deleteFile: (fileId) =>
      call('deleteFile', async () => {
        await sdk.files.delete(fileId);
      }),

    listFiles: (options = {}) =>
      call('listFiles', async () => {
        const page = await sdk.files.list({
          order: 'desc',
          ...(options.purpose ? { purpose: options.purpose } : {}),
          ...(options.after ? { after: options.after } : {}),
          ...(options.limit ? { limit: options.limit } : {}),
        });
        const files = page.data.map((file) => ({
          id: file.id,
          filename: file.filename,
          bytes: file.bytes,
          purpose: file.purpose,
          createdAt: file.created_at,
        }));
        return {
          files,
          hasMore: page.has_more,
          ...(files.length > 0 ? { lastId: files.at(-1)!.id } : {}),
        };
      }),
  };
}

/** Maps anything thrown by the SDK to a sanitized {@link OpenAiBatchError}. */
function toBatchError(error: unknown, operation: string, project: string): OpenAiBatchError {
  if (error instanceof OpenAiBatchError) return error;
  if (error instanceof APIUserAbortError)
    return new OpenAiBatchError({ operation, project, kind: 'aborted', retryable: false });
  if (error instanceof APIConnectionTimeoutError)
    return new OpenAiBatchError({ operation, project, kind: 'timeout', retryable: true });
  if (error instanceof APIConnectionError)
    return new OpenAiBatchError({ operation, project, kind: 'connection', retryable: true });
  if (error instanceof APIError && typeof error.status === 'number') {
    const providerCode = sanitizeProviderCode(error.code);
    const providerType = sanitizeProviderCode(error.type);
    const providerRequestId = sanitizeProviderCode(error.requestID);
    return new OpenAiBatchError({
      operation,
      project,
      kind: 'http',
      statusCode: error.status,
      ...(providerCode ? { providerCode } : {}),
      ...(providerType ? { providerType } : {}),
      ...(providerRequestId ? { providerRequestId } : {}),
      retryable: isRetryableStatus(error.status),
    });
  }
  return new OpenAiBatchError({ operation, project, kind: 'unexpected', retryable: false });
}

/** Failures that say the provider or this project's key is unhealthy; 400/404/422 do not. */
function countsAgainstCircuit(error: OpenAiBatchError): boolean {
  if (error.kind === 'aborted' || error.kind === 'unexpected' || error.kind === 'circuit_open') return false;
  if (error.statusCode === undefined) return true;
  return error.statusCode === 401 || error.statusCode === 403 || isRetryableStatus(error.statusCode);
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

function isRetryable(error: unknown): boolean {
  if (error instanceof APIUserAbortError) return false;
  if (error instanceof APIConnectionError) return true;
  return error instanceof APIError && typeof error.status === 'number' && isRetryableStatus(error.status);
}

/** Like the SDK: honour retry-after(-ms) up to 60 s, else 0.5 s doubling to 8 s minus up to 25 % jitter. */
function retryDelayMs(error: unknown, attempt: number, random: () => number): number {
  const headers = error instanceof APIError ? error.headers : undefined;
  const afterMs = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(afterMs) && afterMs >= 0 && afterMs <= 60_000) return afterMs;
  const afterSeconds = Number.parseFloat(headers?.get('retry-after') ?? '');
  if (Number.isFinite(afterSeconds) && afterSeconds >= 0 && afterSeconds <= 60) return afterSeconds * 1000;
  return Math.min(500 * 2 ** attempt, 8_000) * (1 - random() * 0.25);
}

function toBatchInfo(batch: OpenAI.Batches.Batch): BatchInfo {
  const optional = <K extends string, V>(key: K, value: V | null | undefined) =>
    (value === null || value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;
  return {
    id: batch.id,
    status: batch.status,
    inputFileId: batch.input_file_id,
    ...optional('outputFileId', batch.output_file_id),
    ...optional('errorFileId', batch.error_file_id),
    requestCounts: {
      total: batch.request_counts?.total ?? 0,
      completed: batch.request_counts?.completed ?? 0,
      failed: batch.request_counts?.failed ?? 0,
    },
    errors: (batch.errors?.data ?? []).map((error) => ({
      ...optional('code', sanitizeProviderCode(error.code)),
      ...optional('line', error.line),
      ...optional('param', sanitizeProviderCode(error.param)),
      ...optional('message', sanitizeProviderMessage(error.message)),
    })),
    metadata: { ...(batch.metadata ?? {}) },
    ...optional('model', batch.model),
    createdAt: batch.created_at,
    ...optional('expiresAt', batch.expires_at),
    ...optional('inProgressAt', batch.in_progress_at),
    ...optional('finalizingAt', batch.finalizing_at),
    ...optional('completedAt', batch.completed_at),
    ...optional('failedAt', batch.failed_at),
    ...optional('expiredAt', batch.expired_at),
    ...optional('cancellingAt', batch.cancelling_at),
    ...optional('cancelledAt', batch.cancelled_at),
  } as BatchInfo;
}

function positive(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0)
    throw new InvalidOpenAiConfigError(field, 'must be a positive number');
  return value;
}
