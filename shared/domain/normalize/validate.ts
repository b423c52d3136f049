import { InconsistentUsageError } from './errors';
import type { NormalizedUsage } from './types';

/**
 * Lists what makes a usage impossible to price: parts larger than their totals, or counts that are
 * not non-negative safe integers. An empty list means the usage is consistent.
 *
 * @example
 * usageProblems({ inputTokens: 10, cachedInputTokens: 20, outputTokens: 0, cacheWriteInputTokens: 0, reasoningTokens: 0 });
 * // ['cachedInputTokens + cacheWriteInputTokens (20) exceed inputTokens (10)']
 */
export function usageProblems(usage: NormalizedUsage): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(usage)) {
    if (key === 'shape') continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      problems.push(`${key} is not a non-negative integer`);
    }
  }
  if (problems.length > 0) return problems;
  const cachedAndWrites = usage.cachedInputTokens + usage.cacheWriteInputTokens;
  if (cachedAndWrites > usage.inputTokens) {
    problems.push(
      `cachedInputTokens + cacheWriteInputTokens (${cachedAndWrites}) exceed inputTokens (${usage.inputTokens})`,
    );
  }
  if (usage.reasoningTokens > usage.outputTokens) {
    problems.push(`reasoningTokens (${usage.reasoningTokens}) exceed outputTokens (${usage.outputTokens})`);
  }
  const split = (usage.cacheWrite5mInputTokens ?? 0) + (usage.cacheWrite1hInputTokens ?? 0);
  if (split > usage.cacheWriteInputTokens) {
    problems.push(
      `cache write split (${split}) exceeds cacheWriteInputTokens (${usage.cacheWriteInputTokens})`,
    );
  }
  if (problems.length > 0) return problems;
  // Modality counts are subsets; checked only once the totals they live in are sound.
  if ((usage.audioInputTokens ?? 0) + (usage.imageInputTokens ?? 0) > usage.inputTokens) {
    problems.push('audio + image input tokens exceed inputTokens');
  }
  const visibleOutput = usage.outputTokens - usage.reasoningTokens;
  if ((usage.audioOutputTokens ?? 0) + (usage.imageOutputTokens ?? 0) > visibleOutput) {
    problems.push('audio + image output tokens exceed non-reasoning outputTokens');
  }
  return problems;
}

/**
 * Throws when `usageProblems` finds any.
 *
 * @throws {InconsistentUsageError} listing every problem.
 * @example
 * assertConsistentUsage(normalizeUsage(source)!);
 */
export function assertConsistentUsage(usage: NormalizedUsage): void {
  const problems = usageProblems(usage);
  if (problems.length > 0) throw new InconsistentUsageError(problems, { shape: usage.shape });
}
