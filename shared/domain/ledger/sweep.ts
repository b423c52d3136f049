/**
 * The sweep job: interactions that started but did not complete within the timeout become
 * `abandoned` (visible as such in the API and counted in rollups). A completion that arrives
 * later still completes them.
 *
 * Steps:
 * 1. Pick "now" (the event's, else the clock's) and the cutoff (now − timeout).
 * 2. Find the projects active today and the days before (`days`, default 2).
 * 3. For each, list the interactions still open that started before the cutoff (the sparse
 *    `byOpen` index: the sweep pays for open calls only, never a whole day).
 * 4. Mark them abandoned in parallel; each mark is conditional (a call completed meanwhile stays
 *    completed), so only the ones actually marked count.
 * 5. Count `InteractionsAbandoned`, log and answer `{examined, abandoned}`.
 */
import * as z from 'zod';
import type { ActivityStore, Clock, JobLogger, JobMetrics } from '../analytics/jobs/ports';
import { mapLimit } from '../concurrency';
import { METRIC } from '../metric-names';

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

export type SweepInput = z.output<typeof sweepInputSchema>;

/** The interactions still in progress, and the conditional mark that gives up on one. */
export interface OpenInteractions {
  /** Ids of a project's interactions still in progress that started before `cutoff`. */
  openBefore(project: string, cutoff: string): Promise<string[]>;
  /** Marks one abandoned unless it completed meanwhile; answers whether it was marked. */
  markAbandoned(project: string, id: string, now: string): Promise<boolean>;
}

export interface SweepDependencies {
  activity: Pick<ActivityStore, 'activeProjects'>;
  open: OpenInteractions;
  /** Minutes after its start an in-progress interaction is given up on, when the event says none. */
  defaultTimeoutMinutes: number;
  metrics: JobMetrics;
  logger: JobLogger;
  clock: Clock;
}

/**
 * Marks stale in-progress interactions abandoned in every active project.
 *
 * @example
 * await sweepAbandoned({ timeoutMinutes: 30 }, deps); // { examined: 3, abandoned: 2 }
 */
export async function sweepAbandoned(
  input: SweepInput,
  deps: SweepDependencies,
): Promise<{ examined: number; abandoned: number }> {
  const now = input.now ? new Date(input.now) : deps.clock.now();
  const timeoutMinutes = input.timeoutMinutes ?? deps.defaultTimeoutMinutes;
  const cutoff = new Date(now.getTime() - timeoutMinutes * 60_000).toISOString();
  let examined = 0;
  let abandoned = 0;
  const sweptNow = now.toISOString();
  const projects = new Set<string>();
  for (let back = 0; back < (input.days ?? 2); back += 1) {
    const day = new Date(now.getTime() - back * 86_400_000).toISOString().slice(0, 10);
    for (const project of await deps.activity.activeProjects(day)) projects.add(project);
  }
  for (const project of projects) {
    const stale = await deps.open.openBefore(project, cutoff);
    examined += stale.length;
    const marked = await mapLimit(stale, SWEEP_WRITE_CONCURRENCY, (id) =>
      deps.open.markAbandoned(project, id, sweptNow),
    );
    abandoned += marked.filter(Boolean).length;
  }
  deps.metrics.add({ name: METRIC.interactionsAbandoned, value: abandoned });
  deps.logger.info('sweep finished', { examined, abandoned });
  return { examined, abandoned };
}
