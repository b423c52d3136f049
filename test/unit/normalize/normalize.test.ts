import fc from 'fast-check';
import { type NormalizedUsage, normalizeUsage, usageProblems } from '../../../shared/domain/normalize';
import * as raw from './fixtures';

const base = { cachedInputTokens: 0, cacheWriteInputTokens: 0, reasoningTokens: 0 };

describe('normalizeUsage: one raw shape per provider', () => {
  const cases: [string, string, unknown, NormalizedUsage][] = [
    [
      'OpenAI Chat Completions: cached reads inside prompt_tokens, reasoning inside completion_tokens',
      'openai',
      raw.openAiChatCachedReasoning,
      {
        inputTokens: 2006,
        outputTokens: 300,
        cachedInputTokens: 1920,
        cacheWriteInputTokens: 0,
        reasoningTokens: 192,
        shape: 'openai.chat',
      },
    ],
    [
      'OpenAI Chat Completions with audio in and out',
      'openai',
      raw.openAiChatAudio,
      {
        ...base,
        inputTokens: 1500,
        outputTokens: 800,
        audioInputTokens: 1000,
        audioOutputTokens: 600,
        shape: 'openai.chat',
      },
    ],
    [
      'OpenAI Responses API',
      'openai',
      raw.openAiResponses,
      {
        inputTokens: 5000,
        outputTokens: 900,
        cachedInputTokens: 4096,
        cacheWriteInputTokens: 0,
        reasoningTokens: 640,
        shape: 'openai.responses',
      },
    ],
    [
      'OpenAI embeddings',
      'openai',
      raw.openAiEmbeddings,
      { ...base, inputTokens: 8, outputTokens: 0, shape: 'openai.embeddings' },
    ],
    [
      'Azure OpenAI (OpenAI shape plus content filter results)',
      'azure-openai',
      raw.azureChat,
      { ...base, inputTokens: 3200, outputTokens: 150, cachedInputTokens: 2048, shape: 'openai.chat' },
    ],
    [
      'Anthropic Messages: cache writes and reads are outside input_tokens, writes split 5m/1h',
      'anthropic',
      raw.anthropicMessageWithCache,
      {
        inputTokens: 50 + 3000 + 10000,
        outputTokens: 700,
        cachedInputTokens: 10000,
        cacheWriteInputTokens: 3000,
        cacheWrite5mInputTokens: 1000,
        cacheWrite1hInputTokens: 2000,
        reasoningTokens: 0,
        shape: 'anthropic.messages',
      },
    ],
    [
      'Anthropic Messages without a split: unsplit writes',
      'anthropic',
      raw.anthropicMessageNoSplit,
      {
        ...base,
        inputTokens: 4020,
        outputTokens: 2500,
        cacheWriteInputTokens: 4000,
        shape: 'anthropic.messages',
      },
    ],
    [
      'Gemini: cached inside promptTokenCount, thoughts outside candidatesTokenCount',
      'google',
      raw.geminiLongContextThinking,
      {
        inputTokens: 250000,
        outputTokens: 1200 + 3400,
        cachedInputTokens: 200000,
        cacheWriteInputTokens: 0,
        reasoningTokens: 3400,
        shape: 'gemini.generateContent',
      },
    ],
    [
      'Vertex AI Gemini with audio input',
      'vertex',
      raw.vertexGeminiAudio,
      {
        ...base,
        inputTokens: 4000,
        outputTokens: 500,
        audioInputTokens: 3200,
        shape: 'gemini.generateContent',
      },
    ],
    [
      'Bedrock Converse: cache reads and writes outside inputTokens, cacheDetails split',
      'bedrock',
      raw.bedrockConverseCached,
      {
        inputTokens: 120 + 4000 + 1000,
        outputTokens: 480,
        cachedInputTokens: 4000,
        cacheWriteInputTokens: 1000,
        cacheWrite5mInputTokens: 1000,
        cacheWrite1hInputTokens: 0,
        reasoningTokens: 0,
        shape: 'bedrock.converse',
      },
    ],
    [
      'Bedrock InvokeModel with an Anthropic body',
      'aws-bedrock',
      raw.bedrockInvokeAnthropic,
      { ...base, inputTokens: 1500, outputTokens: 320, shape: 'anthropic.messages' },
    ],
    [
      'Bedrock InvokeModel with a Llama body',
      'bedrock',
      raw.bedrockLlama,
      { ...base, inputTokens: 812, outputTokens: 256, shape: 'bedrock.llama' },
    ],
    [
      'Bedrock InvokeModel with a Nova body',
      'bedrock',
      raw.bedrockNova,
      { ...base, inputTokens: 2300, outputTokens: 90, cachedInputTokens: 2000, shape: 'bedrock.nova' },
    ],
    [
      'Mistral chat (OpenAI-compatible)',
      'mistral',
      raw.mistralChat,
      { ...base, inputTokens: 16, outputTokens: 34, shape: 'openai.chat' },
    ],
  ];

  it.each(cases)('%s', (_name, provider, response, expected) => {
    const usage = normalizeUsage({ provider, response });
    expect(usage).toEqual(expected);
    expect(usageProblems(usage!)).toEqual([]);
  });
});

describe('normalizeUsage: streams (arrays of parsed chunks / SSE events)', () => {
  const cases: [string, string, unknown[], NormalizedUsage][] = [
    [
      'OpenAI chat chunks with stream_options.include_usage: the last chunk',
      'openai',
      raw.openAiChatStream,
      { ...base, inputTokens: 1200, outputTokens: 40, cachedInputTokens: 1024, shape: 'openai.chat' },
    ],
    [
      'OpenAI Responses events: response.completed',
      'openai',
      raw.openAiResponsesStream,
      { ...base, inputTokens: 800, outputTokens: 1500, reasoningTokens: 1200, shape: 'openai.responses' },
    ],
    [
      'Anthropic message_start + message_delta (cumulative output)',
      'anthropic',
      raw.anthropicStream,
      {
        ...base,
        inputTokens: 472 + 2048,
        outputTokens: 15,
        cachedInputTokens: 2048,
        shape: 'anthropic.messages',
      },
    ],
    [
      'Anthropic SSE events with JSON string data',
      'anthropic',
      raw.anthropicSseRaw,
      {
        ...base,
        inputTokens: 472 + 2048,
        outputTokens: 15,
        cachedInputTokens: 2048,
        shape: 'anthropic.messages',
      },
    ],
    [
      'Gemini: the last chunk',
      'gemini',
      raw.geminiStream,
      { ...base, inputTokens: 9, outputTokens: 130, shape: 'gemini.generateContent' },
    ],
    [
      'Bedrock ConverseStream: the metadata event',
      'bedrock',
      raw.bedrockConverseStream,
      { ...base, inputTokens: 25, outputTokens: 11, shape: 'bedrock.converse' },
    ],
    [
      'Bedrock InvokeModel stream with Anthropic events',
      'bedrock',
      raw.bedrockInvokeAnthropicStream,
      { ...base, inputTokens: 30, outputTokens: 42, shape: 'anthropic.messages' },
    ],
    [
      'Bedrock InvokeModel stream with Llama chunks: invocation metrics',
      'bedrock',
      raw.bedrockLlamaStream,
      { ...base, inputTokens: 18, outputTokens: 20, shape: 'bedrock.invocationMetrics' },
    ],
  ];

  it.each(cases)('%s', (_name, provider, response, expected) => {
    expect(normalizeUsage({ provider, response })).toEqual(expected);
  });
});

describe('normalizeUsage: dispatch', () => {
  it('takes the Anthropic 1h/5m split from the request when the response lacks it', () => {
    const usage = normalizeUsage({
      provider: 'anthropic',
      response: raw.anthropicMessageNoSplit,
      request: raw.anthropicRequestOneHourCache,
    });
    expect(usage).toMatchObject({
      cacheWriteInputTokens: 4000,
      cacheWrite5mInputTokens: 0,
      cacheWrite1hInputTokens: 4000,
    });
  });

  it('leaves writes unsplit when the request mixes TTLs', () => {
    const request = {
      system: [{ type: 'text', text: 'a', cache_control: { type: 'ephemeral', ttl: '1h' } }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'b', cache_control: { type: 'ephemeral' } }] },
      ],
    };
    const usage = normalizeUsage({ provider: 'anthropic', response: raw.anthropicMessageNoSplit, request });
    expect(usage?.cacheWrite1hInputTokens).toBeUndefined();
  });

  it.each([
    ['openai', 'openai.responses'],
    ['azure', 'openai.responses'],
    ['anthropic', 'anthropic.messages'],
    ['bedrock', 'anthropic.messages'],
    ['vertex', 'anthropic.messages'],
  ])('reads a bare {input_tokens, output_tokens} block as the %s family does', (provider, shape) => {
    const usage = normalizeUsage({ provider, response: { usage: { input_tokens: 100, output_tokens: 10 } } });
    expect(usage).toEqual({ ...base, inputTokens: 100, outputTokens: 10, shape });
  });

  it.each([
    ['Anthropic (cache fields)', raw.anthropicMessageWithCache, 'anthropic.messages'],
    ['Anthropic (type message, no totals)', raw.bedrockInvokeAnthropic, 'anthropic.messages'],
    ['OpenAI Responses (details, totals)', raw.openAiResponses, 'openai.responses'],
    ['OpenAI chat', raw.azureChat, 'openai.chat'],
    ['Gemini', raw.geminiLongContextThinking, 'gemini.generateContent'],
    ['Bedrock Converse', raw.bedrockConverseCached, 'bedrock.converse'],
    ['Llama', raw.bedrockLlama, 'bedrock.llama'],
  ])('detects %s for an unknown provider', (_name, response, shape) => {
    expect(normalizeUsage({ provider: 'my-gateway', response })?.shape).toBe(shape);
  });

  it('reads a bare usage block passed as the response', () => {
    expect(
      normalizeUsage({ provider: 'openai', response: { prompt_tokens: 10, completion_tokens: 2 } }),
    ).toEqual({
      ...base,
      inputTokens: 10,
      outputTokens: 2,
      shape: 'openai.chat',
    });
  });

  it('prefers explicit usage over the response', () => {
    const usage = normalizeUsage({
      provider: 'openai',
      response: raw.openAiResponses,
      usage: { inputTokens: 7, outputTokens: 3, cachedInputTokens: 2 },
    });
    expect(usage).toEqual({
      ...base,
      inputTokens: 7,
      outputTokens: 3,
      cachedInputTokens: 2,
      shape: 'explicit',
    });
  });

  it.each([
    ['no response', undefined],
    ['a response without usage', { id: 'x', choices: [] }],
    ['a stream without usage', [{ choices: [] }, { type: 'ping' }]],
    ['a string', 'not json'],
    ['malformed counts', { usage: { prompt_tokens: -1, completion_tokens: 'x' } }],
  ])('returns undefined for %s', (_name, response) => {
    expect(normalizeUsage({ provider: 'openai', response })).toBeUndefined();
  });

  it('never throws, whatever the payload', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('openai', 'anthropic', 'google', 'bedrock', 'mistral', 'x'),
        fc.jsonValue(),
        (provider, response) => {
          normalizeUsage({ provider, response, request: response });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps every Anthropic count: input = uncached + writes + reads, always consistent', () => {
    const tokens = fc.integer({ min: 0, max: 5_000_000 });
    fc.assert(
      fc.property(tokens, tokens, tokens, tokens, (uncached, writes, reads, output) => {
        const usage = normalizeUsage({
          provider: 'anthropic',
          response: {
            usage: {
              input_tokens: uncached,
              cache_creation_input_tokens: writes,
              cache_read_input_tokens: reads,
              output_tokens: output,
            },
          },
        })!;
        expect(usage.inputTokens).toBe(uncached + writes + reads);
        expect(usageProblems(usage)).toEqual([]);
      }),
    );
  });
});

describe('usageProblems', () => {
  it('reports parts larger than their totals', () => {
    expect(
      usageProblems({
        inputTokens: 10,
        outputTokens: 5,
        cachedInputTokens: 8,
        cacheWriteInputTokens: 4,
        reasoningTokens: 6,
      }),
    ).toEqual([
      'cachedInputTokens + cacheWriteInputTokens (12) exceed inputTokens (10)',
      'reasoningTokens (6) exceed outputTokens (5)',
    ]);
  });
});
