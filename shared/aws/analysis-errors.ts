/**
 * Errors of the offline-analysis adapters and jobs. They carry ids and short codes only: never
 * interaction text, provider response bodies or keys.
 */

export type AnalysisJobErrorContext = Record<string, string | number | boolean | undefined>;

/** Base class of the analysis job errors. */
export class AnalysisJobError extends Error {
  public readonly context: AnalysisJobErrorContext;

  public constructor(message: string, context: AnalysisJobErrorContext = {}) {
    super(message);
    this.name = 'AnalysisJobError';
    this.context = context;
  }
}

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

/** A test hook stopped a job at a named step, as a crash there would. */
export class SimulatedCrashError extends AnalysisJobError {
  public readonly step: string;

  public constructor(step: string, batchId: string) {
    super(`simulated crash after ${step} (batch ${batchId})`, { step, batchId });
    this.name = 'SimulatedCrashError';
    this.step = step;
  }
}

/** A DynamoDB transaction kept conflicting with concurrent writers. */
export class AnalysisWriteConflictError extends AnalysisJobError {
  public constructor(project: string, items: number) {
    super(`analysis write for project ${project} kept conflicting (${items} items)`, { project, items });
    this.name = 'AnalysisWriteConflictError';
  }
}
