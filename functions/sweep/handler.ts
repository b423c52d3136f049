/**
 * Sweep job (scheduled every 15 minutes; on demand: `jobs run sweep`): interactions that
 * started but did not complete within the timeout become `abandoned`. Event:
 * `{now?, timeoutMinutes?, days?}`; answers `{examined, abandoned}`. The use case is
 * shared/domain/ledger/sweep.ts; this wires it to the ledger table.
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { clockOf, powertoolsJobMetrics } from '../../shared/adapters/aws/analytics-jobs';
import { activeProjects } from '../../shared/adapters/aws/analytics-store';
import { markAbandoned, openBefore } from '../../shared/adapters/aws/ledger-store';
import { createObservability } from '../../shared/adapters/observability';
import { TUNING_ENV } from '../../shared/domain/env-names';
import { sweepAbandoned, sweepInputSchema } from '../../shared/domain/ledger/sweep';

const { logger, metrics } = createObservability('sweep');

/** Minutes after its start an in-progress interaction is given up on (`ABANDON_AFTER_MINUTES`, default 60). */
const DEFAULT_TIMEOUT_MINUTES = Number(process.env[TUNING_ENV.abandonAfterMinutes] ?? 60);

/**
 * Marks stale in-progress interactions abandoned in every active project.
 *
 * @example
 * await sweep({ timeoutMinutes: 30 }); // { examined: 3, abandoned: 2 }
 */
export const sweep = (event: unknown) =>
  sweepAbandoned(sweepInputSchema.parse(event ?? {}), {
    activity: { activeProjects },
    open: { openBefore, markAbandoned },
    defaultTimeoutMinutes: DEFAULT_TIMEOUT_MINUTES,
    metrics: powertoolsJobMetrics(metrics),
    logger,
    clock: clockOf(),
  });

export const handler = middy(sweep)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
