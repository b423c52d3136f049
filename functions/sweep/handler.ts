/**
 * Sweep job: interactions that started but did not complete within the timeout become
 * `abandoned` (visible as such in the API and counted in rollups). A completion that arrives
 * later still completes them. Scheduled every 15 minutes; on demand: `jobs run sweep`.
 * It reads the sparse `byOpen` index (only calls still open), never a whole day, and marks
 * in parallel, so its cost follows the open calls, not the traffic.
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import * as z from 'zod';
import { activeProjects } from '../../shared/aws/analytics-store';
import { markAbandoned, openBefore } from '../../shared/aws/ledger-store';
import { mapLimit } from '../../shared/concurrency';
import { TUNING_ENV } from '../../shared/env-names';
import { METRIC } from '../../shared/metric-names';
import { createObservability } from '../../shared/observability';

const { logger, metrics } = createObservability('sweep');

/** Minutes after its start an in-progress interaction is given up on (`ABANDON_AFTER_MINUTES`, default 60). */
const DEFAULT_TIMEOUT_MINUTES = Number(process.env[TUNING_ENV.abandonAfterMinutes] ?? 60);

/** Conditional updates in flight at once. */
const SWEEP_WRITE_CONCURRENCY = 16;

export const sweepInputSchema = z.object({
  /** Sweep as of this time (tests); default now. */
  now: z.iso.datetime({ offset: true }).optional(),
  timeoutMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .optional(),
  /** Days back to find active projects in, today included (default 2). */
  days: z.number().int().min(1).max(31).optional(),
});

/**
 * Marks stale in-progress interactions abandoned in every active project.
 *
 * @example
 * await sweep({ timeoutMinutes: 30 });
 */
export async function sweep(
  input: z.output<typeof sweepInputSchema>,
): Promise<{ examined: number; abandoned: number }> {
  const now = input.now ? new Date(input.now) : new Date();
  const cutoff = new Date(
    now.getTime() - (input.timeoutMinutes ?? DEFAULT_TIMEOUT_MINUTES) * 60_000,
  ).toISOString();
  let examined = 0;
  let abandoned = 0;
  const sweptNow = now.toISOString();
  const projects = new Set<string>();
  for (let back = 0; back < (input.days ?? 2); back += 1) {
    const day = new Date(now.getTime() - back * 86_400_000).toISOString().slice(0, 10);
    for (const project of await activeProjects(day)) projects.add(project);
  }
  for (const project of projects) {
    const stale = await openBefore(project, cutoff);
    examined += stale.length;
    const marked = await mapLimit(stale, SWEEP_WRITE_CONCURRENCY, (id) =>
      markAbandoned(project, id, sweptNow),
    );
    abandoned += marked.filter(Boolean).length;
  }
  metrics.addMetric(METRIC.interactionsAbandoned, MetricUnit.Count, abandoned);
  logger.info('sweep finished', { examined, abandoned });
  return { examined, abandoned };
}

export const handler = middy(async (event: unknown) => sweep(sweepInputSchema.parse(event ?? {})))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
