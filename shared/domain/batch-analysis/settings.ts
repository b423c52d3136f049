/**
 * A project's analysis settings (project settings section `analysis`) and the selection rule:
 * which completed interactions get an analysis request. Pure: no AWS SDK, no network.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { InvalidAnalysisInputError } from './errors';
import { ANALYSIS_KINDS, DEFAULT_MAX_INPUT_CHARS } from './prompt';

/** The model analyses run on when the settings name none: cheap, and batch-priced at half. */
export const DEFAULT_ANALYSIS_MODEL = 'gpt-4o-mini';

/**
 * The stored shape. `sampleRate` picks that share of completed interactions (deterministically
 * by id, so a re-delivered interaction gets the same decision); an interaction sent with
 * `analyze: true` is always analysed and one with `analyze: false` never sampled.
 */
export const AnalysisSettingsSchema = z.strictObject({
  analyses: z
    .array(z.enum(ANALYSIS_KINDS))
    .min(1)
    .refine((kinds) => new Set(kinds).size === kinds.length, 'analyses must not repeat')
    .default([...ANALYSIS_KINDS]),
  model: z
    .string()
    .min(1)
    .max(256)
    .regex(/^[A-Za-z0-9._:-]+$/, 'expected a model id')
    .default(DEFAULT_ANALYSIS_MODEL),
  sampleRate: z.number().min(0).max(1).default(0),
  /** Cap on interaction text sent for one analysis, in UTF-16 code units. */
  maxInputChars: z.number().int().min(100).max(400_000).default(DEFAULT_MAX_INPUT_CHARS),
});

export type AnalysisSettings = z.output<typeof AnalysisSettingsSchema>;

/**
 * Validates settings sent by an admin (absent fields take their defaults).
 *
 * @throws {InvalidAnalysisInputError} with the path of every problem
 * @example
 * parseAnalysisSettings({ sampleRate: 0.1 }).model; // 'gpt-4o-mini'
 */
export function parseAnalysisSettings(value: unknown): AnalysisSettings {
  const parsed = AnalysisSettingsSchema.safeParse(value ?? {});
  if (!parsed.success) {
    throw new InvalidAnalysisInputError(
      'analysis settings',
      parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        message: issue.message,
      })),
    );
  }
  return parsed.data;
}

/**
 * The settings stored for a project, or the defaults when none (or no longer valid ones) are
 * stored: analysis never blocks ingestion.
 *
 * @example
 * storedAnalysisSettings(undefined).sampleRate; // 0
 */
export function storedAnalysisSettings(value: unknown): AnalysisSettings {
  const parsed = AnalysisSettingsSchema.safeParse(value ?? {});
  return parsed.success ? parsed.data : AnalysisSettingsSchema.parse({});
}

/**
 * Whether a completed interaction gets an analysis request.
 *
 * @example
 * selectForAnalysis({ project: 'p', id: 'i-1', analyze: true }, storedAnalysisSettings({})); // true
 * selectForAnalysis({ project: 'p', id: 'i-1' }, storedAnalysisSettings({ sampleRate: 0 })); // false
 */
export function selectForAnalysis(
  interaction: { project: string; id: string; analyze?: boolean },
  settings: Pick<AnalysisSettings, 'sampleRate'>,
): boolean {
  if (interaction.analyze === true) return true;
  if (interaction.analyze === false || settings.sampleRate <= 0) return false;
  if (settings.sampleRate >= 1) return true;
  return sampleUnit(`${interaction.project}\n${interaction.id}`) < settings.sampleRate;
}

/**
 * The analysis request id of an interaction: deterministic, so creating it is idempotent, and
 * short and opaque, so it is a valid `custom_id` whatever the interaction id looks like.
 *
 * @example
 * analysisRequestId('default', 'quickstart-1'); // 'ar_…' (35 characters)
 */
export function analysisRequestId(project: string, interactionId: string): string {
  return `ar_${createHash('sha256').update(`${project}\n${interactionId}`).digest('hex').slice(0, 32)}`;
}

/** A uniform number in [0, 1) from a string (first 48 bits of its SHA-256). */
function sampleUnit(text: string): number {
  return createHash('sha256').update(text).digest().readUIntBE(0, 6) / 2 ** 48;
}
