/**
 * What both analysis jobs do around Batch API calls: describe a failure for logs and stored
 * errors, and delete a file that may already be gone.
 */
import type { BatchApi, OpenAiBatches } from './ports';

/** A failure as logged and stored: class, short code and our own message. */
export interface DescribedError {
  errorClass: string;
  code: string;
  message: string;
}

/**
 * Sanitized description of an error for logs and stored errors: a Batch API failure's code and
 * message, else only the error's class name.
 *
 * @example
 * describeError(openAi, new TypeError('x')); // { errorClass: 'TypeError', code: 'TypeError', message: 'TypeError while working on the batch' }
 */
export function describeError(openAi: Pick<OpenAiBatches, 'failureOf'>, error: unknown): DescribedError {
  const failure = openAi.failureOf(error);
  if (failure) return { errorClass: failure.errorClass, code: failure.code, message: failure.message };
  const name = errorName(error);
  return { errorClass: name, code: name, message: `${name} while working on the batch` };
}

/** The class name of a thrown value (never its message, which may quote provider text). */
export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

/** Deletes a file at OpenAI; one already deleted (a re-run) is fine, anything else is rethrown. */
export async function deleteQuietly(
  openAi: Pick<OpenAiBatches, 'failureOf'>,
  client: BatchApi,
  fileId: string,
): Promise<void> {
  try {
    await client.deleteFile(fileId);
  } catch (error) {
    // Anything but "already gone" is retried by the next run.
    if (!openAi.failureOf(error)?.notFound) throw error;
  }
}
