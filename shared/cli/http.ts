/**
 * HTTP calls of the CLI commands that talk to the API: JSON answers, and retries with backoff
 * on throttling (429), server errors (5xx), timeouts and network errors. Retrying is safe
 * because every request the CLI sends is idempotent (reads, or interactions with fixed ids).
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryOptions {
  /** Tries in all, the first included. Default 6. */
  attempts?: number;
  /** First backoff; doubled each time. Default 500 ms. */
  baseDelayMs?: number;
  /** Longest wait, `Retry-After` included. Default 30 s. */
  maxDelayMs?: number;
  /** One request's time limit. Default 60 s. */
  timeoutMs?: number;
  /** Told before each wait, e.g. to print it. */
  onRetry?: (reason: string, delayMs: number, nextAttempt: number, attempts: number) => void;
}

export interface JsonAnswer {
  status: number;
  /** The parsed body; `undefined` when empty or not JSON. */
  body: unknown;
}

/** The API kept failing (or could not be reached) through every retry. */
export class RetriesExhaustedError extends Error {
  public constructor(reason: string, attempts: number) {
    super(`${reason} (after ${attempts} tries)`);
    this.name = 'RetriesExhaustedError';
  }
}

/**
 * Whether an HTTP status is worth retrying with the same request.
 *
 * @example
 * isRetryableStatus(503); // true
 * isRetryableStatus(400); // false
 */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * How long to wait before try `attempt + 1`: the server's `Retry-After` (seconds or an HTTP
 * date) when it gave one, else exponential backoff with jitter (so many clients do not retry in
 * step), capped at `maxDelayMs`.
 *
 * @example
 * retryDelayMs(1, '2'); // 2000
 * retryDelayMs(3, null, { baseDelayMs: 500 }); // between 1000 and 2000
 */
export function retryDelayMs(
  attempt: number,
  retryAfter: string | null | undefined,
  options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'> = {},
  random: () => number = Math.random,
  now: number = Date.now(),
): number {
  const max = options.maxDelayMs ?? 30_000;
  if (retryAfter) {
    const seconds = /^\d+$/.test(retryAfter.trim())
      ? Number(retryAfter) * 1000
      : Date.parse(retryAfter) - now;
    if (Number.isFinite(seconds)) return Math.min(max, Math.max(0, seconds));
  }
  const backoff = (options.baseDelayMs ?? 500) * 2 ** (attempt - 1);
  return Math.min(max, Math.round(backoff * (0.5 + random() / 2)));
}

/**
 * Sends a request and answers with its status and JSON body, retrying as the module says.
 *
 * @throws {RetriesExhaustedError} when every try was throttled, failed on the server or did not connect.
 * @example
 * const { status, body } = await fetchJson(`${url}/v1/interactions?limit=100`, { headers: { authorization: `Bearer ${key}` } });
 */
export async function fetchJson(
  url: string,
  init: RequestInit,
  options: RetryOptions = {},
): Promise<JsonAnswer> {
  const attempts = options.attempts ?? 6;
  for (let attempt = 1; ; attempt += 1) {
    let reason: string;
    let retryAfter: string | null = null;
    try {
      const response = await fetch(url, {
        ...init,
        signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
      });
      const text = await response.text();
      if (!isRetryableStatus(response.status)) return { status: response.status, body: parseJson(text) };
      reason = `HTTP ${response.status}`;
      retryAfter = response.headers.get('retry-after');
    } catch (error) {
      reason = networkReason(error);
    }
    if (attempt >= attempts) throw new RetriesExhaustedError(reason, attempts);
    const delay = retryDelayMs(attempt, retryAfter, options);
    options.onRetry?.(reason, delay, attempt + 1, attempts);
    await sleep(delay);
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function networkReason(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return 'timed out';
  const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
  return `network error${cause?.code ? ` ${cause.code}` : ''}`;
}

/** The `{"error": {...}}` body every API error answers with. */
export interface ApiErrorBody {
  error?: { code?: string; message?: string; issues?: { path: string; message: string }[] };
}

/**
 * A one-line description of an error answer: status, code and message (the API writes its
 * messages itself, never from payloads).
 *
 * @example
 * describeError({ status: 401, body: { error: { code: 'unauthorized', message: 'missing or unknown API key' } } });
 * // 'HTTP 401 unauthorized: missing or unknown API key'
 */
export function describeError(answer: JsonAnswer): string {
  const error = (answer.body as ApiErrorBody | undefined)?.error;
  return `HTTP ${answer.status}${error?.code ? ` ${error.code}` : ''}${error?.message ? `: ${error.message}` : ''}`;
}
