/**
 * Reprice job: recomputes stored costs with the current rules. Scheduled hourly for unpriced
 * interactions (so a model added to the catalog or a project override prices them), and run on
 * demand for a day: `tokentrail jobs run reprice --from D --to D [--model M] [--project P]`.
 * The unpriced walk runs every shard of every project in parallel from persisted cursors and
 * stops short of the function's timeout; the next run continues where this one stopped.
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { projectContext } from '../../shared/aws/project-context';
import {
  dayInteractionKeys,
  listProjects,
  repriceInteractions,
  repriceUnpricedPartition,
  unpricedPartitions,
} from '../../shared/aws/reprice-store';
import { mapLimit } from '../../shared/concurrency';
import { METRIC } from '../../shared/metric-names';
import { nanosToUsd } from '../../shared/money';
import { createObservability } from '../../shared/observability';
import { type RepriceSummary, summarizeReprice } from '../../shared/pricing';

const { logger, metrics } = createObservability('reprice');

/** Unpriced partitions (project × shard) walked at once. */
const PARTITION_CONCURRENCY = 8;
/** Time left for the last page and the cursor writes when the walk stops. */
const STOP_MARGIN_MS = 60_000;

export const repriceInputSchema = z.object({
  date: z.iso.date().optional(),
  project: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  /** Only interactions no rule could price yet (the scheduled run). */
  unpricedOnly: z.boolean().optional(),
});

export type RepriceInput = z.output<typeof repriceInputSchema>;

/**
 * Reprices one day (or the unpriced backlog) for one or every project.
 *
 * @example
 * await reprice({ date: '2026-11-20', model: 'gpt-4o' });
 */
export async function reprice(
  input: RepriceInput,
  remainingMs: () => number = () => Number.POSITIVE_INFINITY,
): Promise<RepriceSummary & { deltaUsd: number; projects: number }> {
  const projects = input.project ? [input.project] : await listProjects();
  const results = [];
  if (input.unpricedOnly || !input.date) {
    const shouldStop = () => remainingMs() < STOP_MARGIN_MS;
    const partitions = [];
    for (const project of projects) {
      const { pricingRules, catalogLayer, modelMap } = await projectContext(project);
      for (const partition of unpricedPartitions(project))
        partitions.push({ project, partition, pricingRules, options: { layer: catalogLayer, modelMap } });
    }
    const walked = await mapLimit(
      partitions,
      PARTITION_CONCURRENCY,
      ({ project, partition, pricingRules, options }) =>
        repriceUnpricedPartition(project, partition, pricingRules, shouldStop, undefined, options),
    );
    results.push(...walked.flat());
  } else {
    for (const project of projects) {
      const { pricingRules, catalogLayer, modelMap } = await projectContext(project);
      const keys = await dayInteractionKeys(project, input.date);
      results.push(
        ...(await repriceInteractions(keys, pricingRules, {
          model: input.model,
          layer: catalogLayer,
          modelMap,
        })),
      );
    }
  }
  const summary = summarizeReprice(results);
  metrics.addMetric(METRIC.interactionsRepriced, MetricUnit.Count, summary.changedCount);
  metrics.addMetric(METRIC.interactionsNewlyPriced, MetricUnit.Count, summary.newlyPricedCount);
  logger.info('reprice finished', { ...summary, date: input.date, projects: projects.length });
  return { ...summary, deltaUsd: nanosToUsd(summary.deltaNanos), projects: projects.length };
}

export const handler = middy(async (event: unknown, context: Context) =>
  reprice(repriceInputSchema.parse(event ?? {}), () => context.getRemainingTimeInMillis()),
)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
