/**
 * Settings of the analysis jobs: environment defaults (set by the stack from context, or by the
 * local twin), overridable per run by the job's input (`tokentrail jobs run batch-creator
 * --input '{"minBatchSize": 1}'`).
 */
import * as z from 'zod';
import { ANALYSIS_ENV } from '../../env-names';

/** The thresholds both jobs share. */
export interface AnalysisJobSettings {
  /** A group is submitted once it has this many requests… */
  minBatchSize: number;
  /** …or once its oldest request waited this long. */
  maxWaitMs: number;
  /** Batch attempts before a request is `processing_failed`. */
  maxAttempts: number;
}

export { ANALYSIS_ENV };

/** Defaults: a batch per 100 requests or per hour of waiting, three attempts. */
export const ANALYSIS_DEFAULTS = { minBatchSize: 100, maxWaitSeconds: 3600, maxAttempts: 3 } as const;

const JobInputSchema = z.object({
  minBatchSize: z.number().int().min(1).max(50_000).optional(),
  maxWaitSeconds: z
    .number()
    .min(0)
    .max(7 * 86_400)
    .optional(),
  maxAttempts: z.number().int().min(1).max(20).optional(),
});

/**
 * The settings of one job run: the input's values, else the environment's, else the defaults.
 * Unknown input keys (the scheduler's, a `date` from the CLI) are ignored; invalid values throw.
 *
 * @example
 * analysisJobSettings({ minBatchSize: 1 }, process.env); // { minBatchSize: 1, maxWaitMs: 3_600_000, maxAttempts: 3 }
 */
export function analysisJobSettings(
  input: unknown,
  env: Record<string, string | undefined>,
): AnalysisJobSettings {
  const parsed = JobInputSchema.parse(typeof input === 'object' && input !== null ? input : {});
  const fromEnv = (name: string, fallback: number) => {
    const value = Number(env[name]);
    return env[name] !== undefined && env[name] !== '' && Number.isFinite(value) && value >= 0
      ? value
      : fallback;
  };
  return {
    minBatchSize: Math.max(
      1,
      parsed.minBatchSize ?? fromEnv(ANALYSIS_ENV.minBatchSize, ANALYSIS_DEFAULTS.minBatchSize),
    ),
    maxWaitMs:
      (parsed.maxWaitSeconds ?? fromEnv(ANALYSIS_ENV.maxWaitSeconds, ANALYSIS_DEFAULTS.maxWaitSeconds)) *
      1000,
    maxAttempts: Math.max(
      1,
      parsed.maxAttempts ?? fromEnv(ANALYSIS_ENV.maxAttempts, ANALYSIS_DEFAULTS.maxAttempts),
    ),
  };
}
