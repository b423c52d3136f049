/**
 * Helpers for the analytics integration tests: post interactions with explicit usage and
 * times, read them back through the API, and sum them the obvious way to compare with rollups.
 */
import type { LocalStack } from '../../../infra/local/twin';
import { usdToNanos } from '../../../shared/domain/money';
import { api } from '../../support/stack';

export interface Call {
  id: string;
  model: string;
  provider?: string;
  startedAt: string;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens?: number;
  latencyMs?: number;
  status?: 'success' | 'error';
  tags?: Record<string, string>;
}

/** Posts calls (100 per request) through the API and waits until the processor stored them. */
export async function postCalls(stack: LocalStack, calls: Call[]): Promise<void> {
  for (let start = 0; start < calls.length; start += 100) {
    const interactions = calls.slice(start, start + 100).map((call) => ({
      id: call.id,
      provider: call.provider ?? 'openai',
      model: call.model,
      usage: {
        inputTokens: call.inputTokens,
        outputTokens: call.outputTokens,
        ...(call.cachedInputTokens ? { cachedInputTokens: call.cachedInputTokens } : {}),
      },
      startedAt: call.startedAt,
      ...(call.latencyMs !== undefined ? { latencyMs: call.latencyMs } : {}),
      ...(call.status ? { status: call.status } : {}),
      ...(call.status === 'error' ? { errorClass: 'RateLimitError' } : {}),
      ...(call.tags ? { tags: call.tags } : {}),
    }));
    const answer = await api(stack, 'POST', '/v1/interactions', {
      key: stack.apiKey,
      body: { interactions },
    });
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ accepted: interactions.length });
  }
  await stack.drain();
}

export interface ListedInteraction {
  id: string;
  provider: string;
  model: string;
  status: string;
  timestamp: string;
  latencyMs?: number;
  tags?: Record<string, string>;
  tokens: {
    input: number;
    output: number;
    cachedInput: number;
    cacheWriteInput: number;
    reasoning: number;
  } | null;
  cost: Record<string, number | boolean | string | null> & { totalNanoUsd: number; priced: boolean };
}

/** Every stored interaction of a UTC day, read back through `GET /v1/interactions`. */
export async function listDay(stack: LocalStack, day: string): Promise<ListedInteraction[]> {
  const found: ListedInteraction[] = [];
  let cursor: string | null = null;
  do {
    const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString();
    const query = new URLSearchParams({ from: `${day}T00:00:00.000Z`, to: next, limit: '100' });
    if (cursor) query.set('cursor', cursor);
    const page = await api<{ interactions: ListedInteraction[]; nextCursor: string | null }>(
      stack,
      'GET',
      `/v1/interactions?${query}`,
      { key: stack.apiKey },
    );
    expect(page.status).toBe(200);
    found.push(...page.body.interactions);
    cursor = page.body.nextCursor;
  } while (cursor);
  return found;
}

export interface ExpectedGroup {
  count: number;
  successCount: number;
  errorCount: number;
  unpricedCount: number;
  tokens: { input: number; output: number; cachedInput: number; cacheWriteInput: number; reasoning: number };
  costNanos: {
    input: number;
    cachedInput: number;
    cacheWrite: number;
    output: number;
    reasoning: number;
    total: number;
  };
  latencies: number[];
}

/** Sums listed interactions per key, exactly (decimal USD converted back to nano-USD). */
export function sumBy(
  interactions: ListedInteraction[],
  keyOf: (interaction: ListedInteraction) => string,
): Map<string, ExpectedGroup> {
  const groups = new Map<string, ExpectedGroup>();
  for (const interaction of interactions) {
    const key = keyOf(interaction);
    let group = groups.get(key);
    if (!group) {
      group = {
        count: 0,
        successCount: 0,
        errorCount: 0,
        unpricedCount: 0,
        tokens: { input: 0, output: 0, cachedInput: 0, cacheWriteInput: 0, reasoning: 0 },
        costNanos: { input: 0, cachedInput: 0, cacheWrite: 0, output: 0, reasoning: 0, total: 0 },
        latencies: [],
      };
      groups.set(key, group);
    }
    group.count += 1;
    if (interaction.status === 'success') group.successCount += 1;
    if (interaction.status === 'error') group.errorCount += 1;
    if (!interaction.cost.priced && interaction.status === 'success') group.unpricedCount += 1;
    for (const field of ['input', 'output', 'cachedInput', 'cacheWriteInput', 'reasoning'] as const) {
      group.tokens[field] += interaction.tokens?.[field] ?? 0;
    }
    if (interaction.latencyMs !== undefined) group.latencies.push(interaction.latencyMs);
    const { cost } = interaction;
    // An unpriced interaction answers null amounts (unknown, not $0); rollups count it as unpriced.
    if (!cost.priced) continue;
    group.costNanos.input += usdToNanos(cost.inputUsd as number);
    group.costNanos.cachedInput += usdToNanos(cost.cachedInputUsd as number);
    group.costNanos.cacheWrite += usdToNanos(cost.cacheWriteUsd as number);
    group.costNanos.output += usdToNanos(cost.outputUsd as number);
    group.costNanos.reasoning += usdToNanos(cost.reasoningUsd as number);
    group.costNanos.total += cost.totalNanoUsd;
  }
  return groups;
}

/** Nearest-rank percentile of a list. */
export function percentile(values: number[], percent: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((percent * sorted.length) / 100)) - 1]!;
}

export interface ApiRollupBody {
  period: string;
  granularity: string;
  project: string;
  provider: string;
  model: string;
  tag?: { key: string; value: string | null };
  count: number;
  successCount: number;
  errorCount: number;
  abandonedCount: number;
  inProgressCount: number;
  unpricedCount: number;
  tokens: { input: number; output: number; cachedInput: number; cacheWriteInput: number; reasoning: number };
  cost: {
    inputUsd: number;
    cachedInputUsd: number;
    cacheWriteUsd: number;
    outputUsd: number;
    reasoningUsd: number;
    totalUsd: number;
    totalNanoUsd: number;
  };
  latencyMs: { samples: number; p50: number | null; p95: number | null; p99: number | null };
}

/** `GET /v1/rollups` with the given query, answering the rollups. */
export async function getRollups(stack: LocalStack, query: Record<string, string>): Promise<ApiRollupBody[]> {
  const answer = await api<{ rollups: ApiRollupBody[] }>(
    stack,
    'GET',
    `/v1/rollups?${new URLSearchParams(query)}`,
    { key: stack.apiKey },
  );
  expect(answer.status).toBe(200);
  return answer.body.rollups;
}

/** The exact sums of a rollup, in the same shape as {@link ExpectedGroup} (latencies aside). */
export function rollupSums(rollup: ApiRollupBody) {
  return {
    count: rollup.count,
    successCount: rollup.successCount,
    errorCount: rollup.errorCount,
    unpricedCount: rollup.unpricedCount,
    tokens: rollup.tokens,
    costNanos: {
      input: usdToNanos(rollup.cost.inputUsd),
      cachedInput: usdToNanos(rollup.cost.cachedInputUsd),
      cacheWrite: usdToNanos(rollup.cost.cacheWriteUsd),
      output: usdToNanos(rollup.cost.outputUsd),
      reasoning: usdToNanos(rollup.cost.reasoningUsd),
      total: rollup.cost.totalNanoUsd,
    },
  };
}

/** What a rollup should sum to, from the listed interactions. */
export function expectedSums(group: ExpectedGroup) {
  const { latencies: _, ...sums } = group;
  return sums;
}
