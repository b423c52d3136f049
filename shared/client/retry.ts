/** Retry decisions of the client: which answers are worth retrying and how long to wait. */

/** Longest `Retry-After` the client honours; beyond it the server is effectively down and backoff takes over. */
export const MAX_RETRY_AFTER_MS = 60_000;

/** What the client does with an HTTP status. */
export type StatusClass = 'answered' | 'too-large' | 'retryable' | 'refused';

/**
 * Classifies an HTTP status: `2xx` answered (read per-item results), `413` too large (split the
 * batch), `408`/`429`/`5xx` retryable, anything else refused (retrying the same body cannot help).
 *
 * @example
 * classifyStatus(503); // 'retryable'
 * classifyStatus(401); // 'refused'
 */
export function classifyStatus(status: number): StatusClass {
  if (status >= 200 && status < 300) return 'answered';
  if (status === 413) return 'too-large';
  if (status === 408 || status === 429 || status >= 500) return 'retryable';
  return 'refused';
}

/**
 * Milliseconds to wait per a `Retry-After` header (delta-seconds or an HTTP date), capped at
 * {@link MAX_RETRY_AFTER_MS}; `undefined` when absent or unreadable.
 *
 * @example
 * parseRetryAfter('2', Date.now()); // 2000
 */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.min(Number(trimmed) * 1_000, MAX_RETRY_AFTER_MS);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.min(Math.max(date - nowMs, 0), MAX_RETRY_AFTER_MS);
}

/**
 * Backoff before retry number `retry` (1-based): exponential with full jitter, i.e. uniform in
 * [0, min(maxMs, baseMs · 2^(retry-1))), and never shorter than the server's `Retry-After`.
 *
 * @example
 * backoffDelay({ retry: 3, baseMs: 200, maxMs: 10_000, random: () => 0.5 }); // 400
 */
export function backoffDelay(args: {
  retry: number;
  baseMs: number;
  maxMs: number;
  random: () => number;
  retryAfterMs?: number;
}): number {
  const ceiling = Math.min(args.maxMs, args.baseMs * 2 ** Math.max(0, args.retry - 1));
  const jittered = Math.floor(args.random() * ceiling);
  return Math.max(jittered, args.retryAfterMs ?? 0);
}
