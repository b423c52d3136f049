/**
 * Shared set-up of the analysis tests: one OpenAI Batch API emulator per test file (port 0) and a
 * local twin whose handlers point at it.
 */
import { type OpenAiEmulator, startOpenAiEmulator } from '../../../infra/local/openai-emulator';
import type { LocalStack } from '../../../infra/local/twin';
import { analysisRequestId } from '../../../shared/domain/batch-analysis';
import { api, openAiChat, startTestStack } from '../../support/stack';

export const OPENAI_TEST_KEY = 'sk-test-analysis-0123456789';

export interface AnalysisHarness {
  emulator: OpenAiEmulator;
  stack: LocalStack;
}

export async function startAnalysisHarness(seed = 7): Promise<AnalysisHarness> {
  const emulator = await startOpenAiEmulator({ seed, apiKeys: [OPENAI_TEST_KEY] });
  const stack = await startTestStack({ openAi: { baseURL: emulator.url, apiKey: OPENAI_TEST_KEY } });
  return { emulator, stack };
}

export async function stopAnalysisHarness(harness: AnalysisHarness | undefined): Promise<void> {
  await harness?.stack.stop();
  await harness?.emulator.stop();
}

/** Interaction texts whose deterministic emulator analysis is known. */
export const TEXTS = {
  billing: 'My invoice is wrong, write to jane.doe@example.com',
  code: 'How do I write a typescript function?',
  ship: 'Where is my parcel? The tracking page is empty.',
  story: 'Tell me a story about a dragon and a castle please',
  account: 'I forgot my password and cannot log in',
} as const;

/** Posts interactions (`analyze: true` unless overridden) and waits for the processor. */
export async function postInteractions(
  stack: LocalStack,
  /** `analyze` defaults to true; `null` sends no flag (selection by the project's sampling). */
  items: { id: string; text: string; analyze?: boolean | null }[],
): Promise<string[]> {
  const interactions = items.map((item) => {
    const analyze = item.analyze === undefined ? true : item.analyze;
    return openAiChat({ id: item.id, ...(analyze === null ? {} : { analyze }) }, item.text);
  });
  const posted = await api(stack, 'POST', '/v1/interactions', { key: stack.apiKey, body: { interactions } });
  expect(posted.status).toBe(202);
  await stack.drain();
  return items.map((item) => analysisRequestId(stack.project, item.id));
}

export async function summary(stack: LocalStack): Promise<Record<string, number>> {
  const answer = await api<{ ok: boolean; summary: Record<string, number> }>(
    stack,
    'GET',
    '/admin/analysis/summary',
  );
  expect(answer.status).toBe(200);
  return answer.body.summary;
}

/** Runs the poller until no batch is in flight (the emulator moves one status per poll). */
export async function pollUntilIdle(
  stack: LocalStack,
  input: Record<string, unknown> = {},
  rounds = 8,
): Promise<void> {
  for (let round = 0; round < rounds; round += 1) {
    const result = (await stack.runJob('batch-poller', input)) as { polled: number };
    if (result.polled === 0) return;
  }
  throw new Error('batches still in flight after polling');
}

export async function interaction(stack: LocalStack, id: string): Promise<Record<string, unknown>> {
  const answer = await api(stack, 'GET', `/v1/interactions/${encodeURIComponent(id)}`, { key: stack.apiKey });
  expect(answer.status).toBe(200);
  return answer.body;
}
