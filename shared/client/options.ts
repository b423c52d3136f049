import * as z from 'zod';
import { MAX_INTERACTIONS_PER_REQUEST, toInputIssues } from '../domain/interaction/schema';
import { InvalidClientOptionsError, type TokentrailClientError } from './errors';

/** Timer functions; injectable so tests drive time themselves. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What happens when `record()` finds the buffer full (`recordAsync()` waits for room instead). */
export type OverflowPolicy = 'drop-newest' | 'drop-oldest';

export interface TokentrailClientOptions {
  /** Base URL of the tokentrail API (e.g. `https://abc.execute-api.eu-west-1.amazonaws.com`); `/v1/interactions` is appended. */
  endpoint: string;
  /** API key with the `ingest` scope, sent as `Authorization: Bearer <key>`. */
  apiKey: string;
  /** Interactions per request, 1 to 100. Default 50. */
  batchSize?: number;
  /** Longest an interaction waits for a batch to fill before it is sent anyway. Default 1000 ms. */
  flushIntervalMs?: number;
  /** Most interactions held (queued and in flight) at once. Default 10 000. */
  maxBufferSize?: number;
  /** Which interaction to drop when `record()` finds the buffer full. Default `drop-newest`. */
  overflow?: OverflowPolicy;
  /** Retries of one request after the first attempt (network errors, 408, 429, 5xx, per-item `failed`). Default 5. */
  maxRetries?: number;
  /** Backoff before retry n is uniform in [0, min(retryMaxDelayMs, retryBaseDelayMs · 2^(n-1))). Default 200 ms. */
  retryBaseDelayMs?: number;
  /** Upper bound of one backoff (a longer `Retry-After` is still honoured, up to 60 s). Default 10 000 ms. */
  retryMaxDelayMs?: number;
  /** A request taking longer is aborted and retried (same ids). Default 10 000 ms. */
  requestTimeoutMs?: number;
  /** Requests in flight at once. Default 2. */
  maxConcurrentRequests?: number;
  /** Most bytes in one request body; kept under the API's 5 MiB limit. Default 4 MiB. */
  maxBatchBytes?: number;
  /** Validate each interaction against the ingest schema in `record()` (invalid ones are reported, not sent). Default true. */
  validate?: boolean;
  /** `fetch` implementation. Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Receives every drop, rejection and give-up. Default: `console.warn`. Never throws into the client. */
  onError?: (error: TokentrailClientError) => void;
  /** Wall clock in epoch milliseconds (for `Retry-After` dates). Default `Date.now`. */
  now?: () => number;
  /** Default: the global `setTimeout` / `clearTimeout`. */
  timers?: Timers;
  /** Uniform random in [0, 1) for backoff jitter. Default `Math.random`. */
  random?: () => number;
  /** Id generator for interactions recorded without an id. Default `crypto.randomUUID`. */
  randomId?: () => string;
}

const isFunction = (value: unknown) => typeof value === 'function';

const optionsSchema = z.object({
  endpoint: z.url({ protocol: /^https?$/ }),
  apiKey: z.string().min(1),
  batchSize: z.number().int().min(1).max(MAX_INTERACTIONS_PER_REQUEST).default(50),
  flushIntervalMs: z.number().min(0).default(1_000),
  maxBufferSize: z.number().int().min(1).default(10_000),
  overflow: z.enum(['drop-newest', 'drop-oldest']).default('drop-newest'),
  maxRetries: z.number().int().min(0).default(5),
  retryBaseDelayMs: z.number().min(0).default(200),
  retryMaxDelayMs: z.number().min(0).default(10_000),
  requestTimeoutMs: z.number().positive().default(10_000),
  maxConcurrentRequests: z.number().int().min(1).default(2),
  maxBatchBytes: z
    .number()
    .int()
    .min(1024)
    .max(5 * 1024 * 1024)
    .default(4 * 1024 * 1024),
  validate: z.boolean().default(true),
  fetch: z.custom<typeof fetch>(isFunction, 'expected a function').optional(),
  onError: z.custom<(error: TokentrailClientError) => void>(isFunction, 'expected a function').optional(),
  now: z.custom<() => number>(isFunction, 'expected a function').optional(),
  timers: z
    .custom<Timers>(
      (value) =>
        !!value && isFunction((value as Timers).setTimeout) && isFunction((value as Timers).clearTimeout),
      'expected { setTimeout, clearTimeout }',
    )
    .optional(),
  random: z.custom<() => number>(isFunction, 'expected a function').optional(),
  randomId: z.custom<() => string>(isFunction, 'expected a function').optional(),
});

/** Options with every default applied. */
export type ResolvedClientOptions = z.output<typeof optionsSchema> & {
  fetch: typeof fetch;
  onError: (error: TokentrailClientError) => void;
  now: () => number;
  timers: Timers;
  random: () => number;
  randomId: () => string;
  /** The `POST /v1/interactions` URL. */
  url: string;
};

const defaultTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Validates constructor options and applies defaults.
 *
 * @throws {InvalidClientOptionsError} listing every invalid option.
 * @example
 * const options = resolveClientOptions({ endpoint: 'http://127.0.0.1:4000', apiKey: 'tt_dev' });
 * options.url; // 'http://127.0.0.1:4000/v1/interactions'
 */
export function resolveClientOptions(options: TokentrailClientOptions): ResolvedClientOptions {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) throw new InvalidClientOptionsError(toInputIssues(parsed.error));
  const value = parsed.data;
  return {
    ...value,
    fetch: value.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    onError: value.onError ?? ((error) => console.warn(`[tokentrail] ${error.message}`)),
    now: value.now ?? Date.now,
    timers: value.timers ?? defaultTimers,
    random: value.random ?? Math.random,
    randomId: value.randomId ?? (() => globalThis.crypto.randomUUID()),
    url: interactionsUrl(value.endpoint),
  };
}

/** `<endpoint>/v1/interactions`, unless the endpoint already names that path. */
export function interactionsUrl(endpoint: string): string {
  const base = endpoint.replace(/\/+$/, '');
  return base.endsWith('/v1/interactions') ? base : `${base}/v1/interactions`;
}
