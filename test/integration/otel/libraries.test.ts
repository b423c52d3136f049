/**
 * The instrumentation libraries people already run, for real: each scenario in ./libraries is a
 * small Node program (ESM, as applications load these libraries) that calls a loopback
 * OpenAI-compatible server through the library and exports its spans with the real OTLP
 * exporter to the local stack's `POST /v1/traces`. Then the ledger must hold one priced, redacted
 * interaction per model call, in the session the library recorded, and nothing for wrapper spans.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { LocalStack } from '../../../infra/local/twin';
import { api, startTestStack } from '../../support/stack';
import { CHAT_USAGE, EMBEDDING_TOKENS, type LlmServer, startLlmServer } from './libraries/llm-server';

const run = promisify(execFile);
const SCENARIOS = join(__dirname, 'libraries');

// gpt-4o-mini: $0.15/M input, $0.075/M cached input, $0.60/M output (nano-USD per token: 150, 75, 600).
const CHAT_WITH_CACHE =
  (CHAT_USAGE.prompt - CHAT_USAGE.cached) * 150 + CHAT_USAGE.cached * 75 + CHAT_USAGE.completion * 600;
const CHAT_WITHOUT_CACHE = CHAT_USAGE.prompt * 150 + CHAT_USAGE.completion * 600;
// text-embedding-3-small: $0.02/M.
const EMBEDDING = EMBEDDING_TOKENS * 20;

interface Stored {
  id: string;
  provider: string;
  model: string;
  sessionId?: string;
  userId?: string;
  tags?: Record<string, string>;
  tokens: { input: number; cachedInput?: number; output: number };
  cost: { priced: boolean; totalNanoUsd: number; unpricedReason?: string };
  redactions?: Record<string, number>;
}

describe('instrumentation libraries exporting to POST /v1/traces', () => {
  let stack: LocalStack;
  let llm: LlmServer;

  beforeAll(async () => {
    [stack, llm] = await Promise.all([startTestStack(), startLlmServer()]);
  });
  afterAll(async () => {
    await Promise.all([stack.stop(), llm.close()]);
  });

  /** Runs a scenario program and returns what the ledger holds for its session, cheapest first. */
  async function runScenario(script: string, args: string[], encoding: 'json' | 'proto'): Promise<Stored[]> {
    const sessionId = `${script.replace('.mjs', '')}-${args.join('-') || 'run'}-${randomBytes(3).toString('hex')}`;
    await run(process.execPath, [join(SCENARIOS, script), ...args], {
      cwd: SCENARIOS,
      timeout: 60_000,
      env: {
        ...process.env,
        TOKENTRAIL_URL: stack.url,
        TOKENTRAIL_API_KEY: stack.apiKey,
        LLM_BASE_URL: llm.baseUrl,
        SESSION_ID: sessionId,
        OTLP_ENCODING: encoding,
      },
    });
    await stack.drain();
    const listed = await api<{ interactions: { id: string }[] }>(
      stack,
      'GET',
      `/v1/interactions?sessionId=${sessionId}`,
    );
    const stored = await Promise.all(
      listed.body.interactions.map(
        async ({ id }) => (await api<Stored>(stack, 'GET', `/v1/interactions/${id}`)).body,
      ),
    );
    for (const interaction of stored) {
      expect(interaction.sessionId).toBe(sessionId);
      // The prompt carried an e-mail address: redacted before storage.
      expect(JSON.stringify(interaction)).not.toContain('jane.doe@example.com');
    }
    return stored.sort((a, b) => a.cost.totalNanoUsd - b.cost.totalNanoUsd);
  }

  const chat = (totalNanoUsd: number, cachedInput?: number) => ({
    provider: 'openai',
    model: 'gpt-4o-mini',
    tokens: {
      input: CHAT_USAGE.prompt,
      output: CHAT_USAGE.completion,
      ...(cachedInput ? { cachedInput } : {}),
    },
    cost: { priced: true, totalNanoUsd },
    redactions: { EMAIL: 1 },
  });
  const embedding = {
    provider: 'openai',
    model: 'text-embedding-3-small',
    tokens: { input: EMBEDDING_TOKENS, output: 0 },
    cost: { priced: true, totalNanoUsd: EMBEDDING },
  };

  it('Vercel AI SDK 5 (experimental_telemetry): doGenerate, doStream, doEmbed priced; wrappers not counted', async () => {
    const stored = await runScenario('ai-sdk.mjs', ['v5'], 'json');
    // ai 5 records cache reads on streamed calls only; generateText's span carries prompt and completion tokens.
    expect(stored).toMatchObject([
      embedding,
      chat(CHAT_WITH_CACHE, CHAT_USAGE.cached),
      chat(CHAT_WITHOUT_CACHE),
    ]);
    expect(stored[1]!.tags).toMatchObject({ tenant: 'acme' });
  });

  it.each([
    ['6 (experimental_telemetry)', 'v6', 'proto'],
    ['7 with LegacyOpenTelemetry', 'v7-legacy', 'json'],
    ['7 with OpenTelemetry (GenAI semconv; session inherited from the agent span)', 'v7-otel', 'proto'],
  ] as const)('Vercel AI SDK %s: three model calls, cache counted', async (_name, line, encoding) => {
    const stored = await runScenario('ai-sdk.mjs', [line], encoding);
    expect(stored).toMatchObject([
      embedding,
      chat(CHAT_WITH_CACHE, CHAT_USAGE.cached),
      chat(CHAT_WITH_CACHE, CHAT_USAGE.cached),
    ]);
    for (const interaction of stored) expect(interaction.tags).toMatchObject({ tenant: 'acme' });
  });

  it('OpenInference (openai instrumentation): the chat call with its cache reads; the embedding call stored, not dropped', async () => {
    const stored = await runScenario('openinference.mjs', [], 'json');
    // This JS instrumentation records no token count on embedding spans (spans that carry
    // `llm.token_count.prompt` are priced: test/unit/otel/libraries.test.ts): stored unpriced, missing usage.
    expect(stored).toMatchObject([
      { model: 'text-embedding-3-small', cost: { priced: false, unpricedReason: 'missing_usage' } },
      chat(CHAT_WITH_CACHE, CHAT_USAGE.cached),
    ]);
  });

  it('OpenLLMetry (Traceloop SDK, its own exporter): association properties as session, user and tags', async () => {
    const stored = await runScenario('traceloop.mjs', [], 'proto');
    // The Traceloop openai instrumentation does not record cached tokens: priced at the uncached rate.
    expect(stored).toMatchObject([{ ...chat(CHAT_WITHOUT_CACHE), userId: 'alice', tags: { plan: 'pro' } }]);
  });
});
