/**
 * Errors of the offline-analysis adapters (OpenAI key lookup, DynamoDB writes). They carry ids
 * and short codes only: never interaction text, provider response bodies or keys.
 */
import { AnalysisJobError } from '../../domain/batch-analysis/jobs/errors';

/** The jobs' crash hook error, where the crash-recovery integration test imports it from. */
export { SimulatedCrashError } from '../../domain/batch-analysis/jobs/errors';

/** No OpenAI key is configured for a project (neither `OPENAI_API_KEY` nor the secret has one). */
export class MissingOpenAiKeyError extends AnalysisJobError {
  public constructor(project: string, source: 'environment' | 'secret') {
    super(`no OpenAI API key for project ${project} (looked in the ${source})`, { project, source });
    this.name = 'MissingOpenAiKeyError';
  }
}

/** The OpenAI secret could not be read or has an unusable shape (its value is never quoted). */
export class OpenAiSecretError extends AnalysisJobError {
  public constructor(secretName: string, reason: string) {
    super(`OpenAI secret ${secretName}: ${reason}`, { secretName });
    this.name = 'OpenAiSecretError';
  }
}

/** A DynamoDB transaction kept conflicting with concurrent writers. */
export class AnalysisWriteConflictError extends AnalysisJobError {
  public constructor(project: string, items: number) {
    super(`analysis write for project ${project} kept conflicting (${items} items)`, { project, items });
    this.name = 'AnalysisWriteConflictError';
  }
}
