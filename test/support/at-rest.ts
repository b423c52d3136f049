/**
 * Helpers for tests that look for planted values in everything the stack wrote: table items with their
 * compressed payloads opened, and what the handlers printed (logs and EMF metrics) while the test ran.
 */
import { decompressPayload } from '../../shared/domain/ledger/record';

/** A table item with every compressed payload attribute turned back into its JSON text. */
export function readable(value: unknown): unknown {
  if (value instanceof Uint8Array) return decompressPayload(value);
  if (Array.isArray(value)) return value.map(readable);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, readable(inner)]));
  }
  return value;
}

/** Debug logs and EMF metrics on, stdout copied into `written` until `restore()`. */
export function captureStdout(): { written: string[]; restore: () => void } {
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  const written: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  return {
    written,
    restore: () => {
      process.stdout.write = write;
    },
  };
}
