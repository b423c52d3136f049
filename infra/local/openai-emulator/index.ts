/**
 * A local OpenAI-compatible Batch API emulator (files + batches) over node:http, speaking
 * the wire protocol the official `openai` SDK uses. State lives in memory; it listens on
 * 127.0.0.1 only.
 *
 * Control API (no auth, loopback only): `GET|POST /_emulator/faults` (read / replace the
 * fault set, JSON as {@link EmulatorFaults}), `POST /_emulator/reset`, `GET /_emulator/health`.
 */
import { createServer } from 'node:http';
import { listenOnLoopback, stopServer } from '../loopback-server';
import { type EmulatorFaults, parseFaults } from './faults';
import { createRequestHandler, type RequestLogEntry } from './server';
import { type BatchObject, EmulatorState, type FileObject } from './state';

export type { EmulatorFaults } from './faults';
export { EmulatorFaultsSchema, parseFaults } from './faults';
export type { RequestLogEntry } from './server';
export type { BatchObject, BatchStatus, FileObject } from './state';

export interface OpenAiEmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Retrievals a batch spends in each status before moving on; default 1. */
  pollsPerStep?: number;
  /** Seeds ids, output order and fraction-based fault picks; default 1. */
  seed?: number;
  faults?: EmulatorFaults;
  /** When set, only these bearer keys are accepted (others get OpenAI's 401). */
  apiKeys?: readonly string[];
  /** Batch input limits; OpenAI's by default (50,000 requests, 200 MB). */
  maxRequestsPerFile?: number;
  maxBytesPerFile?: number;
  /** Clock in epoch milliseconds for every timestamp the emulator writes. */
  now?: () => number;
}

export interface OpenAiEmulator {
  /** Base URL including `/v1`, as `new OpenAI({ baseURL })` expects. */
  url: string;
  port: number;
  /** Replaces the whole fault set (`{}` clears it). */
  setFaults(faults: EmulatorFaults): void;
  faults(): EmulatorFaults;
  /** Batch ids and file ids in creation order. */
  batchIds(): string[];
  fileIds(): string[];
  /** A batch as stored, without counting a poll. */
  peekBatch(id: string): BatchObject;
  /** Moves a batch forward `steps` statuses, as if polled enough times. */
  advanceBatch(id: string, steps?: number): BatchObject;
  file(id: string): FileObject;
  fileContent(id: string): string;
  /** Every request answered so far (method, path, status), control calls included. */
  requests(): readonly RequestLogEntry[];
  /** Drops all files, batches, faults and the request log. */
  reset(): void;
  stop(): Promise<void>;
}

const DEFAULT_MAX_REQUESTS = 50_000;
const DEFAULT_MAX_BYTES = 200 * 1024 * 1024;
// Multipart framing on top of the largest accepted batch file.
const BODY_OVERHEAD_BYTES = 1024 * 1024;

/**
 * Starts the emulator and resolves once it listens.
 *
 * @example
 * const emulator = await startOpenAiEmulator({ pollsPerStep: 1, seed: 7 });
 * const client = new OpenAI({ apiKey: 'sk-local', baseURL: emulator.url });
 * // ...
 * await emulator.stop();
 */
export async function startOpenAiEmulator(options: OpenAiEmulatorOptions = {}): Promise<OpenAiEmulator> {
  const maxBytesPerFile = options.maxBytesPerFile ?? DEFAULT_MAX_BYTES;
  const state = new EmulatorState({
    pollsPerStep: Math.max(1, options.pollsPerStep ?? 1),
    seed: options.seed ?? 1,
    limits: { maxRequestsPerFile: options.maxRequestsPerFile ?? DEFAULT_MAX_REQUESTS, maxBytesPerFile },
    now: options.now ?? Date.now,
  });
  state.faults = parseFaults(options.faults ?? {});
  const log: RequestLogEntry[] = [];
  const server = createServer(
    createRequestHandler(state, {
      ...(options.apiKeys ? { apiKeys: options.apiKeys } : {}),
      // Batch files may be up to the file limit; uploads for other purposes are not the point here.
      maxBodyBytes: maxBytesPerFile + BODY_OVERHEAD_BYTES,
      log,
    }),
  );
  const port = await listenOnLoopback(server, options.port ?? 0);
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    setFaults: (faults) => {
      state.faults = parseFaults(faults);
    },
    faults: () => state.faults,
    batchIds: () => state.batchIds(),
    fileIds: () => state.fileIds(),
    peekBatch: (id) => state.peekBatch(id),
    advanceBatch: (id, steps) => state.advanceBatch(id, steps),
    file: (id) => state.getFile(id),
    fileContent: (id) => state.fileContent(id).toString('utf8'),
    requests: () => [...log],
    reset: () => {
      state.reset();
      log.length = 0;
    },
    stop: () => stopServer(server),
  };
}
