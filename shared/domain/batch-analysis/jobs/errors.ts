/**
 * Errors of the analysis jobs. They carry ids and short codes only: never interaction text,
 * provider response bodies or keys.
 */

export type AnalysisJobErrorContext = Record<string, string | number | boolean | undefined>;

/** Base class of the analysis job errors (the adapters' key and write errors extend it too). */
export class AnalysisJobError extends Error {
  public readonly context: AnalysisJobErrorContext;

  public constructor(message: string, context: AnalysisJobErrorContext = {}) {
    super(message);
    this.name = 'AnalysisJobError';
    this.context = context;
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
