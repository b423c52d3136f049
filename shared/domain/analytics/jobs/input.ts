/**
 * The events the analytics jobs accept (EventBridge Scheduler input, `jobs run`, a direct
 * invoke, a state machine step), validated with zod into an {@link InvalidJobInputError} that
 * lists every problem by path.
 */
import * as z from 'zod';
import { anomalyOptionsSchema } from '../anomaly';
import { calendarDateSchema } from '../options';

/** The event a job was invoked with does not fit its schema; `issues` lists every problem by path. */
export class InvalidJobInputError extends Error {
  public readonly job: string;
  public readonly issues: { path: string; message: string }[];

  public constructor(job: string, issues: { path: string; message: string }[]) {
    super(
      `invalid ${job} job input: ${issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; ')}`,
    );
    this.name = 'InvalidJobInputError';
    this.job = job;
    this.issues = issues;
  }
}

/**
 * Parses a job's event (absent counts as `{}`) or throws {@link InvalidJobInputError}.
 *
 * @example
 * const input = parseJobInput(rollupJobInputSchema, event, 'rollup');
 */
export function parseJobInput<Schema extends z.ZodType>(
  schema: Schema,
  event: unknown,
  job: string,
): z.output<Schema> {
  const result = schema.safeParse(event ?? {});
  if (result.success) return result.data;
  throw new InvalidJobInputError(
    job,
    result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
  );
}

const projectsSchema = z.array(z.string().min(1).max(128)).max(1000);

/** Event of the rollup function (EventBridge Scheduler input, `jobs run rollup`, or a direct invoke). */
export const rollupJobInputSchema = z.strictObject({
  /** UTC day to roll up; default today (`hourly`) or yesterday (`daily`). */
  date: calendarDateSchema.optional(),
  /** Only this granularity; default both day and hour. */
  granularity: z.enum(['day', 'hour']).optional(),
  /** Which schedule fired: picks the default date; `daily` also runs the anomaly job. */
  schedule: z.enum(['hourly', 'daily']).optional(),
  /** Run the anomaly job for the day afterwards; default only for the `daily` schedule. */
  anomalies: z.boolean().optional(),
  /** Only these projects; default every project with interactions that day. */
  projects: projectsSchema.optional(),
  /** Tag keys to also roll up by; default the deployment's (`TOKENTRAIL_ROLLUP_TAG_KEYS`). */
  groupByTags: z.array(z.string().min(1).max(128)).max(10).optional(),
});

/** Event of the anomaly function. */
export const anomalyJobInputSchema = z.strictObject({
  /** UTC day to judge; default yesterday. */
  date: calendarDateSchema.optional(),
  /** Only these projects; default every project active in the 28-day window or on the day. */
  projects: projectsSchema.optional(),
  /** Detection options (thresholds); every field has a default. */
  options: anomalyOptionsSchema.partial().optional(),
});

/** Event of one map iteration of a rollup run (the state machine's item selector builds it). */
export const rollupSliceEventSchema = z.strictObject({
  step: z.literal('slice'),
  runId: z.string().min(1).max(200),
  tagKeys: z.array(z.string().min(1).max(128)).max(10),
  slice: z.strictObject({
    project: z.string().min(1).max(128),
    date: calendarDateSchema,
    shard: z.number().int().min(0).max(255),
    hour: z.number().int().min(0).max(23),
    hours: z.number().int().min(1).max(24),
  }),
});

export type RollupJobInput = z.input<typeof rollupJobInputSchema>;
export type AnomalyJobInput = z.input<typeof anomalyJobInputSchema>;
export type RollupSliceEvent = z.output<typeof rollupSliceEventSchema>;
