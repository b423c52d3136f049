/**
 * A deterministic day of interactions as the ledger stores what rollups read: the scale model
 * measures rollup cost per record on it, and the 200,000-record integration test seeds its
 * table with it (BatchWriteItem of these ready-made items). Keys come from the ledger's own key
 * builders; costs are exact integer nano-USD.
 */
import { dayIndexKey, interactionKey } from '../../shared/domain/table/keys';

const MODELS = [
  ['openai', 'gpt-4o'],
  ['openai', 'gpt-4o-mini'],
  ['openai', 'o3'],
  ['anthropic', 'claude-sonnet-4-5'],
  ['anthropic', 'claude-haiku-4-5'],
] as const;
const STATUSES = ['success', 'success', 'success', 'success', 'error', 'abandoned', 'in_progress'] as const;
const TEAMS = ['search', 'chat', 'billing'];

/** A deterministic pseudo-random stream (xorshift32), so a day is the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4_294_967_296;
  };
}

/**
 * One ready-made interaction item of `day`: five models of two providers (one unpriced), all
 * statuses, cached input, latencies up to 30 s, a `team` tag on 60%.
 *
 * @example
 * const next = seededRandom(1);
 * const item = sampleInteractionItem('acme', '2026-06-15', 0, next);
 */
export function sampleInteractionItem(
  project: string,
  day: string,
  index: number,
  next: () => number,
): Record<string, unknown> {
  const id = `seed-${index}`;
  const [provider, model] = MODELS[Math.floor(next() * MODELS.length)]!;
  const status = STATUSES[Math.floor(next() * STATUSES.length)]!;
  const timestamp = new Date(Date.parse(`${day}T00:00:00Z`) + Math.floor(next() * 86_400_000)).toISOString();
  const completed = status === 'success' || status === 'error';
  const input = completed ? Math.floor(next() * 20_000) : 0;
  const output = completed ? Math.floor(next() * 2_000) : 0;
  const cached = Math.floor(input * next() * 0.5);
  const inputNanos = (input - cached) * 2_500;
  const cachedInputNanos = cached * 1_250;
  const outputNanos = output * 10_000;
  const priced = completed && model !== 'o3';
  const zero = {
    inputNanos: 0,
    cachedInputNanos: 0,
    cacheWriteNanos: 0,
    outputNanos: 0,
    reasoningNanos: 0,
    totalNanos: 0,
  };
  const cost = priced
    ? {
        ...zero,
        inputNanos,
        cachedInputNanos,
        outputNanos,
        totalNanos: inputNanos + cachedInputNanos + outputNanos,
        priced: true,
        currency: 'USD',
      }
    : {
        ...zero,
        priced: false,
        unpricedReason: completed ? 'unknown_model' : 'missing_usage',
        currency: 'USD',
      };
  return {
    ...interactionKey(project, id),
    ...dayIndexKey(project, timestamp, id),
    entity: 'interaction',
    id,
    project,
    provider,
    model,
    status,
    timestamp,
    ...(completed
      ? {
          usage: { inputTokens: input, outputTokens: output, cachedInputTokens: cached },
          completedAt: timestamp,
        }
      : {}),
    cost,
    ...(completed ? { latencyMs: 80 + Math.floor(next() * next() * 30_000) } : {}),
    ...(next() < 0.6 ? { tags: { team: TEAMS[Math.floor(next() * TEAMS.length)]! } } : {}),
  };
}
