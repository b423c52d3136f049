import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalStack } from '../../../infra/local/twin';
import { dynamo } from '../../../shared/adapters/aws/clients';
import { ENV } from '../../../shared/adapters/aws/config';
import { run as jobs } from '../../../shared/cli/commands/jobs';
import { writeLocalTarget } from '../../../shared/cli/target';
import { api, startTestStack } from '../../support/stack';
import {
  type Call,
  expectedSums,
  getRollups,
  listDay,
  percentile,
  postCalls,
  rollupSums,
  sumBy,
} from './support';

const DAYS = ['2026-03-02', '2026-03-03', '2026-03-04'];
const MODELS = ['gpt-4o', 'gpt-4o-mini', 'mystery-model-x'];

/** A deterministic spread of calls: several models, hours, statuses, cached reads, tags. */
function callsFor(day: string, dayIndex: number, prefix = 'c'): Call[] {
  const calls: Call[] = [];
  for (let i = 0; i < 12; i += 1) {
    const model = MODELS[i % MODELS.length]!;
    const hour = String((i * 5 + dayIndex) % 24).padStart(2, '0');
    calls.push({
      id: `${prefix}-${day}-${i}`,
      model,
      startedAt: `${day}T${hour}:${String(i * 4).padStart(2, '0')}:07.250Z`,
      inputTokens: 1000 + 137 * i + 11 * dayIndex,
      outputTokens: 50 + 13 * i,
      cachedInputTokens: i % 2 === 0 ? 200 + i : undefined,
      latencyMs: 100 + ((i * 37) % 250),
      status: i % 5 === 4 ? 'error' : 'success',
      tags: i % 3 === 0 ? { team: i % 2 === 0 ? 'search' : 'chat' } : undefined,
    });
  }
  return calls;
}

describe('rollups: exact sums, idempotent re-runs, late arrivals', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startTestStack();
    await postCalls(
      stack,
      DAYS.flatMap((day, index) => callsFor(day, index)),
    );
  });
  afterAll(async () => {
    await stack.stop();
  });

  const runDays = async (input: Record<string, unknown> = {}) => {
    for (const date of DAYS) await stack.runJob('rollup', { date, ...input });
  };

  /** Every stored rollup item of the project, straight from the table. */
  async function rollupItemCount(): Promise<number> {
    let total = 0;
    for (const granularity of ['day', 'hour']) {
      const answer = await dynamo().send(
        new QueryCommand({
          TableName: process.env[ENV.ledgerTable],
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `ROLLUP#${stack.project}#${granularity}` },
          Select: 'COUNT',
        }),
      );
      total += answer.Count ?? 0;
    }
    return total;
  }

  async function expectRollupsMatchInteractions(): Promise<void> {
    for (const day of DAYS) {
      const interactions = await listDay(stack, day);
      const expected = sumBy(interactions, (interaction) => `${interaction.provider}/${interaction.model}`);
      const rollups = await getRollups(stack, { from: day, to: day, granularity: 'day' });
      expect(rollups.map((rollup) => `${rollup.provider}/${rollup.model}`).sort()).toEqual(
        [...expected.keys()].sort(),
      );
      for (const rollup of rollups) {
        const group = expected.get(`${rollup.provider}/${rollup.model}`)!;
        expect(rollup).toMatchObject({ period: day, granularity: 'day', project: stack.project });
        expect(rollupSums(rollup)).toEqual(expectedSums(group));
        expect(rollup.latencyMs).toEqual({
          samples: group.latencies.length,
          p50: percentile(group.latencies, 50),
          p95: percentile(group.latencies, 95),
          p99: percentile(group.latencies, 99),
        });
      }

      // Hourly rollups of the day add up to the daily ones, hour by hour.
      const hourly = await getRollups(stack, { from: day, to: day, granularity: 'hour' });
      const byHour = sumBy(
        interactions,
        (interaction) => `${interaction.timestamp.slice(0, 13)}|${interaction.model}`,
      );
      expect(hourly.map((rollup) => `${rollup.period}|${rollup.model}`).sort()).toEqual(
        [...byHour.keys()].sort(),
      );
      for (const rollup of hourly) {
        expect(rollupSums(rollup)).toEqual(expectedSums(byHour.get(`${rollup.period}|${rollup.model}`)!));
      }

      // Project totals.
      const [total] = await getRollups(stack, { from: day, to: day, groupBy: 'project' });
      const all = sumBy(interactions, () => 'all').get('all')!;
      expect(total).toMatchObject({ provider: '*', model: '*' });
      expect(rollupSums(total!)).toEqual(expectedSums(all));
      expect(total!.latencyMs.p95).toBe(percentile(all.latencies, 95));
    }
  }

  it('rolls up each day per provider × model to the nano-dollar, with hour rollups and totals', async () => {
    await runDays();
    await expectRollupsMatchInteractions();

    // A hand-computed check on one group: gpt-4o-mini at $0.15/M input, $0.075/M cached, $0.60/M output.
    const [mini] = (await getRollups(stack, { from: DAYS[0]!, to: DAYS[0]!, granularity: 'day' })).filter(
      (rollup) => rollup.model === 'gpt-4o-mini',
    );
    const calls = callsFor(DAYS[0]!, 0).filter((call) => call.model === 'gpt-4o-mini');
    const nanos = calls.reduce((sum, call) => {
      const cached = call.cachedInputTokens ?? 0;
      return sum + (call.inputTokens - cached) * 150 + cached * 75 + call.outputTokens * 600;
    }, 0);
    expect(mini!.cost.totalNanoUsd).toBe(nanos);
    expect(mini!.count).toBe(4);

    // The unknown model is counted as unpriced, with tokens but no cost.
    const [mystery] = (await getRollups(stack, { from: DAYS[0]!, to: DAYS[0]! })).filter(
      (rollup) => rollup.model === 'mystery-model-x',
    );
    expect(mystery!.unpricedCount).toBe(mystery!.successCount);
    expect(mystery!.cost.totalNanoUsd).toBe(0);
  });

  it('overwrites on re-runs: same sums, same number of items', async () => {
    const before = await rollupItemCount();
    expect(before).toBeGreaterThan(0);
    await runDays();
    await runDays({ granularity: 'day' });
    expect(await rollupItemCount()).toBe(before);
    await expectRollupsMatchInteractions();
  });

  it('picks up late arrivals for a past day on its next run, without duplicate items', async () => {
    const before = await rollupItemCount();
    const [first] = DAYS;
    const dayTotal = async () =>
      (await getRollups(stack, { from: first!, to: first!, groupBy: 'project' }))[0]!.cost.totalNanoUsd;
    const totalBefore = await dayTotal();
    // Same hours and models as existing groups, so no new rollup item is needed.
    await postCalls(
      stack,
      callsFor(first!, 0, 'late').map((call) => ({ ...call, id: `late-${call.id}` })),
    );
    expect(await dayTotal()).toBe(totalBefore); // not yet: the day has not been re-run
    const summary = (await stack.runJob('rollup', { date: first })) as { records: number; rollups: number };
    expect(summary.records).toBe(24);
    expect(await rollupItemCount()).toBe(before);
    expect(await dayTotal()).toBeGreaterThan(totalBefore);
    await expectRollupsMatchInteractions();
  });

  it('rolls up by tag when configured, and by provider', async () => {
    const [day] = DAYS;
    await stack.runJob('rollup', { date: day, groupByTags: ['team'] });
    const interactions = await listDay(stack, day!);
    const tagged = await getRollups(stack, { from: day!, to: day!, groupBy: 'tag:team' });
    const expected = sumBy(
      interactions,
      (interaction) => `${interaction.model}|${interaction.tags?.team ?? '(none)'}`,
    );
    expect(tagged.map((rollup) => `${rollup.model}|${rollup.tag!.value ?? '(none)'}`).sort()).toEqual(
      [...expected.keys()].sort(),
    );
    for (const rollup of tagged) {
      expect(rollup.tag!.key).toBe('team');
      expect(rollupSums(rollup)).toEqual(
        expectedSums(expected.get(`${rollup.model}|${rollup.tag!.value ?? '(none)'}`)!),
      );
    }
    // Tag rollups stay out of the default grouping.
    const byModel = await getRollups(stack, { from: day!, to: day! });
    expect(byModel.every((rollup) => rollup.tag === undefined)).toBe(true);

    const [openai] = await getRollups(stack, { from: day!, to: day!, groupBy: 'provider' });
    expect(openai).toMatchObject({ provider: 'openai', model: '*', count: interactions.length });
  });

  it('runs through the /_local/jobs endpoint the CLI uses', async () => {
    const response = await fetch(`${stack.url}/_local/jobs/rollup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.adminKey}` },
      body: JSON.stringify({ date: DAYS[1] }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      ok: true,
      result: { date: DAYS[1], projects: 1, records: 12 },
    });

    const invalid = await fetch(`${stack.url}/_local/jobs/rollup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.adminKey}` },
      body: JSON.stringify({ date: '2026-02-30' }),
    });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ ok: false, error: expect.stringContaining('date') });
  });

  it('runs from the CLI: jobs run rollup --from/--to (progress per day) and jobs run anomaly --date', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokentrail-cli-'));
    try {
      const env = { TOKENTRAIL_DATA_DIR: dir, TOKENTRAIL_ADMIN_KEY: stack.adminKey };
      writeLocalTarget(env, {
        url: stack.url,
        dynamodbEndpoint: stack.emulators.dynamodbEndpoint,
        awsEndpoint: stack.emulators.awsEndpoint,
        environment: {
          [ENV.ledgerTable]: process.env[ENV.ledgerTable]!,
          [ENV.keysTable]: process.env[ENV.keysTable]!,
        },
      });
      const out: string[] = [];
      const io = {
        stdout: (text: string) => out.push(text),
        stderr: (text: string) => out.push(text),
        readStdin: async () => '',
        env,
      };
      expect(await jobs(['run', 'rollup', '--from', DAYS[0]!, '--to', DAYS[2]!], io)).toBe(0);
      const lines = out.join('').trim().split('\n');
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatch(new RegExp(`^rollup ${DAYS[0]} \\(1/3\\): \\{"date":"${DAYS[0]}"`));
      expect(lines[2]).toContain(`rollup ${DAYS[2]} (3/3)`);
      out.length = 0;
      expect(await jobs(['run', 'anomaly', '--date', DAYS[2]!], io)).toBe(0);
      expect(out.join('')).toContain(`anomaly ${DAYS[2]}: {"date":"${DAYS[2]}","projects":1`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('validates the rollup query with paths, and needs a key', async () => {
    const answer = await api(stack, 'GET', '/v1/rollups?from=2026-03-05&to=2026-03-01&granularity=week', {
      key: stack.apiKey,
    });
    expect(answer.status).toBe(400);
    const paths = (answer.body as { error: { issues: { path: string }[] } }).error.issues.map(
      (issue) => issue.path,
    );
    expect(paths).toEqual(expect.arrayContaining(['granularity']));
    const tooLong = await api(stack, 'GET', '/v1/rollups?from=2026-01-01&to=2026-03-01&granularity=hour', {
      key: stack.apiKey,
    });
    expect(tooLong.status).toBe(400);
    expect((await api(stack, 'GET', '/v1/rollups', { key: null })).status).toBe(401);
  });
});
