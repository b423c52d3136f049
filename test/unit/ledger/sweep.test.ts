/**
 * The sweep job over in-memory stores: the cutoff, the days it looks back for active projects,
 * the conditional mark (a call completed meanwhile stays completed), its metric and log line.
 */
import {
  type OpenInteractions,
  type SweepDependencies,
  sweepAbandoned,
} from '../../../shared/domain/ledger/sweep';
import { MemoryActivity, MemoryLogger, MemoryMetrics } from '../analytics/jobs/memory';

/** Calls by project: start time and whether they are still open. */
function setup(now = '2026-11-21T09:30:00.000Z') {
  const calls = new Map<string, { project: string; startedAt: string; status: string }>();
  const activity = new MemoryActivity();
  const metrics = new MemoryMetrics();
  const logger = new MemoryLogger();
  const open: OpenInteractions = {
    openBefore: async (project, cutoff) =>
      [...calls.entries()]
        .filter(
          ([, call]) => call.project === project && call.status === 'in_progress' && call.startedAt < cutoff,
        )
        .map(([id]) => id),
    markAbandoned: async (_project, id) => {
      const call = calls.get(id)!;
      if (call.status !== 'in_progress') return false;
      call.status = 'abandoned';
      return true;
    },
  };
  const deps: SweepDependencies = {
    activity,
    open,
    defaultTimeoutMinutes: 60,
    metrics,
    logger,
    clock: { now: () => new Date(now) },
  };
  const start = (id: string, project: string, startedAt: string) => {
    calls.set(id, { project, startedAt, status: 'in_progress' });
    activity.markActive(project, startedAt.slice(0, 10));
  };
  return { calls, deps, metrics, logger, start, open };
}

describe('sweepAbandoned', () => {
  it('abandons the calls open longer than the timeout in every project active today or yesterday', async () => {
    const { calls, deps, metrics, logger, start } = setup();
    start('stale-1', 'acme', '2026-11-21T08:00:00.000Z');
    start('fresh-1', 'acme', '2026-11-21T09:00:00.000Z');
    start('stale-2', 'beta', '2026-11-20T23:00:00.000Z');
    start('old-3', 'gamma', '2026-11-18T10:00:00.000Z');
    expect(await sweepAbandoned({}, deps)).toEqual({ examined: 2, abandoned: 2 });
    expect([...calls].map(([id, call]) => `${id} ${call.status}`)).toEqual([
      'stale-1 abandoned',
      'fresh-1 in_progress',
      'stale-2 abandoned',
      'old-3 in_progress',
    ]);
    // Looking back further finds the older project too; a shorter timeout takes the fresh call.
    expect(await sweepAbandoned({ days: 4, timeoutMinutes: 15 }, deps)).toEqual({
      examined: 2,
      abandoned: 2,
    });
    expect(metrics.named('InteractionsAbandoned').map((metric) => metric.value)).toEqual([2, 2]);
    expect(logger.lines[0]).toEqual({
      level: 'info',
      message: 'sweep finished',
      details: { examined: 2, abandoned: 2 },
    });
  });

  it('counts only the calls it marked: one completed meanwhile stays completed', async () => {
    const { calls, deps, start, open } = setup();
    start('raced', 'acme', '2026-11-21T07:00:00.000Z');
    start('stale', 'acme', '2026-11-21T07:30:00.000Z');
    deps.open = {
      openBefore: async (project, cutoff) => {
        const ids = await open.openBefore(project, cutoff);
        calls.get('raced')!.status = 'success'; // its completion lands between the read and the mark
        return ids;
      },
      markAbandoned: open.markAbandoned,
    };
    expect(await sweepAbandoned({}, deps)).toEqual({ examined: 2, abandoned: 1 });
    expect(calls.get('raced')!.status).toBe('success');
  });

  it('sweeps as of the time the event names', async () => {
    const { deps, start } = setup();
    start('call', 'acme', '2026-11-21T08:00:00.000Z');
    expect(await sweepAbandoned({ now: '2026-11-21T08:30:00.000Z' }, deps)).toEqual({
      examined: 0,
      abandoned: 0,
    });
    expect(await sweepAbandoned({ now: '2026-11-21T09:01:00.000Z' }, deps)).toEqual({
      examined: 1,
      abandoned: 1,
    });
  });
});
