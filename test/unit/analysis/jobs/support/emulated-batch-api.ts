/**
 * The Batch API port on our OpenAI emulator's state machine, in process (no HTTP, no network):
 * the same files, batches, status progression, result lines and faults the integration tests
 * get over HTTP. Its errors are the emulator's `OpenAiApiError`s; `failureOf` reads them as the
 * real adapter reads the SDK's. Tests can also make the next call of one operation fail.
 */

import { OpenAiApiError } from '../../../../../infra/local/openai-emulator/errors';
import { type EmulatorFaults, EmulatorFaultsSchema } from '../../../../../infra/local/openai-emulator/faults';
import {
  type BatchObject,
  EmulatorState,
  SUPPORTED_ENDPOINT,
} from '../../../../../infra/local/openai-emulator/state';
import type {
  BatchApi,
  BatchApiFailure,
  OpenAiBatches,
  ProviderBatch,
} from '../../../../../shared/domain/batch-analysis/jobs';

type Operation = keyof BatchApi;

/** A call the tests made fail before it reached the emulator (an open circuit: never attempted). */
export class CircuitOpenTestError extends Error {
  public constructor(operation: string) {
    super(`circuit open: ${operation} not attempted`);
    this.name = 'CircuitOpenTestError';
  }
}

export class EmulatedOpenAi implements OpenAiBatches {
  readonly state: EmulatorState;
  /** Every call, in order, by operation name. */
  readonly calls: Operation[] = [];
  readonly #failNext = new Map<Operation, Error[]>();
  /** Projects without a key: `clientFor` throws for them. */
  readonly projectsWithoutKey = new Set<string>();

  public constructor(options: { seed?: number; now?: () => number } = {}) {
    this.state = new EmulatorState({
      pollsPerStep: 1,
      seed: options.seed ?? 7,
      limits: { maxRequestsPerFile: 50_000, maxBytesPerFile: 200 * 1024 * 1024 },
      now: options.now ?? (() => Date.parse('2026-03-01T00:00:00Z')),
    });
  }

  /** Replaces the emulator's faults (`{}` clears them), as the integration tests' `setFaults`. */
  setFaults(faults: EmulatorFaults): void {
    this.state.faults = EmulatorFaultsSchema.parse(faults);
  }

  /** Makes the next call of `operation` throw `error` (an `OpenAiApiError` or {@link CircuitOpenTestError}). */
  failNext(operation: Operation, error: Error): void {
    this.#failNext.set(operation, [...(this.#failNext.get(operation) ?? []), error]);
  }

  count(operation: Operation): number {
    return this.calls.filter((call) => call === operation).length;
  }

  async clientFor(project: string): Promise<BatchApi> {
    if (this.projectsWithoutKey.has(project)) throw new MissingKeyTestError(project);
    const call = <T>(operation: Operation, run: () => T): Promise<T> => {
      this.calls.push(operation);
      const injected = this.#failNext.get(operation)?.shift();
      if (injected) return Promise.reject(injected);
      const fault = this.state.takeHttpFault();
      if (fault && !fault.afterCommit) return Promise.reject(fault.error);
      try {
        const result = run();
        return fault ? Promise.reject(fault.error) : Promise.resolve(result);
      } catch (error) {
        return Promise.reject(error);
      }
    };
    const { state } = this;
    return {
      uploadBatchFile: (jsonl, name) =>
        call('uploadBatchFile', () =>
          state.createFile({ filename: name, purpose: 'batch', content: Buffer.from(jsonl, 'utf8') }),
        ),
      createBatch: (inputFileId, metadata) =>
        call('createBatch', () =>
          toProviderBatch(
            state.createBatch({
              input_file_id: inputFileId,
              endpoint: SUPPORTED_ENDPOINT,
              completion_window: '24h',
              ...(metadata ? { metadata } : {}),
            }),
          ),
        ),
      retrieveBatch: (batchId) => call('retrieveBatch', () => toProviderBatch(state.retrieveBatch(batchId))),
      listBatches: (options = {}) =>
        call('listBatches', () => {
          const page = state.listBatches(options);
          return {
            batches: page.data.map(toProviderBatch),
            hasMore: page.has_more,
            ...(page.last_id ? { lastId: page.last_id } : {}),
          };
        }),
      downloadFile: (fileId) => call('downloadFile', () => state.fileContent(fileId).toString('utf8')),
      deleteFile: (fileId) =>
        call('deleteFile', () => {
          state.deleteFile(fileId);
        }),
      listFiles: (options = {}) =>
        call('listFiles', () => {
          const page = state.listFiles(options);
          return {
            files: page.data.map((file) => ({ id: file.id, filename: file.filename })),
            hasMore: page.has_more,
            ...(page.last_id ? { lastId: page.last_id } : {}),
          };
        }),
    };
  }

  failureOf(error: unknown): BatchApiFailure | undefined {
    if (error instanceof CircuitOpenTestError)
      return {
        errorClass: error.name,
        code: 'circuit_open',
        message: error.message,
        retryable: true,
        notAttempted: true,
        notFound: false,
      };
    if (!(error instanceof OpenAiApiError)) return undefined;
    return {
      errorClass: 'OpenAiBatchError',
      code: error.code ?? `http_${error.status}`,
      message: `OpenAI call failed: HTTP ${error.status}`,
      retryable: error.status === 429 || error.status >= 500,
      notAttempted: false,
      notFound: error.status === 404,
    };
  }
}

/** A project without an OpenAI key. */
export class MissingKeyTestError extends Error {
  public constructor(project: string) {
    super(`no OpenAI API key for project ${project}`);
    this.name = 'MissingOpenAiKeyError';
  }
}

/** An emulator batch as the jobs read it (the adapter's mapping of the SDK's batch object). */
function toProviderBatch(batch: BatchObject): ProviderBatch {
  const optional = <K extends string>(name: K, value: number | string | null) =>
    (value === null ? {} : { [name]: value }) as Partial<Record<K, never>>;
  return {
    id: batch.id,
    status: batch.status,
    inputFileId: batch.input_file_id,
    ...optional('outputFileId', batch.output_file_id),
    ...optional('errorFileId', batch.error_file_id),
    requestCounts: { ...batch.request_counts },
    metadata: { ...(batch.metadata ?? {}) },
    createdAt: batch.created_at,
    ...optional('completedAt', batch.completed_at),
    ...optional('failedAt', batch.failed_at),
    ...optional('expiredAt', batch.expired_at),
    ...optional('cancelledAt', batch.cancelled_at),
  };
}
