import fc from 'fast-check';
import { parseInteraction } from '../../../shared/domain/interaction/schema';
import {
  InvalidOtlpRequestError,
  MAX_SPANS_PER_EXPORT,
  mapOtlpTraces,
  otelInteractionId,
  otlpPartialSuccess,
  toTokentrailProvider,
} from '../../../shared/domain/otel';
import { exportRequest, PARENT_SPAN_ID, SPAN_ID, span, TRACE_ID } from './spans';

function mapOne(spanJson: Record<string, unknown>, resource?: Parameters<typeof exportRequest>[1]) {
  const result = mapOtlpTraces(exportRequest([spanJson], resource));
  expect(result.rejected).toEqual([]);
  expect(result.interactions).toHaveLength(1);
  const interaction = result.interactions[0]!;
  // Every mapped interaction is a valid `POST /v1/interactions` item.
  expect(() => parseInteraction(interaction)).not.toThrow();
  return interaction;
}

describe('mapOtlpTraces: current GenAI semantic conventions', () => {
  const inputMessages = [
    { role: 'system', parts: [{ type: 'text', content: 'You are terse.' }] },
    { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
  ];
  const outputMessages = [
    { role: 'assistant', parts: [{ type: 'text', content: 'Rainy, 57°F' }], finish_reason: 'stop' },
  ];

  it('maps an OpenAI chat span with cache reads, reasoning, messages as JSON strings', () => {
    const interaction = mapOne(
      span({
        parentSpanId: PARENT_SPAN_ID,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.response.model': 'gpt-4o-2024-08-06',
          'gen_ai.response.id': 'chatcmpl-123',
          'gen_ai.response.finish_reasons': ['stop'],
          'gen_ai.request.temperature': 0.2,
          'gen_ai.request.max_tokens': 200,
          'gen_ai.usage.input_tokens': 1200,
          'gen_ai.usage.output_tokens': 300,
          'gen_ai.usage.cache_read.input_tokens': 1024,
          'gen_ai.usage.reasoning.output_tokens': 192,
          'gen_ai.conversation.id': 'conv_5j66UpCpwteGg4YSxUnt7lPY',
          'gen_ai.input.messages': JSON.stringify(inputMessages),
          'gen_ai.output.messages': JSON.stringify(outputMessages),
          'user.id': 'user-42',
        },
      }),
      { 'service.name': 'checkout', 'deployment.environment.name': 'prod' },
    );
    expect(interaction).toEqual({
      id: `otel-${TRACE_ID}-${SPAN_ID}`,
      provider: 'openai',
      model: 'gpt-4o-2024-08-06',
      phase: 'completed',
      request: {
        model: 'gpt-4o',
        operation: 'chat',
        messages: inputMessages,
        parameters: { temperature: 0.2, max_tokens: 200 },
      },
      response: {
        id: 'chatcmpl-123',
        model: 'gpt-4o-2024-08-06',
        messages: outputMessages,
        finishReasons: ['stop'],
      },
      usage: { inputTokens: 1200, outputTokens: 300, cachedInputTokens: 1024, reasoningTokens: 192 },
      latencyMs: 1234.567,
      startedAt: '2025-03-01T12:00:00.123Z',
      endedAt: '2025-03-01T12:00:01.358Z',
      status: 'success',
      tags: { service: 'checkout', environment: 'prod' },
      sessionId: 'conv_5j66UpCpwteGg4YSxUnt7lPY',
      userId: 'user-42',
      traceId: TRACE_ID,
      parentId: `otel-${TRACE_ID}-${PARENT_SPAN_ID}`,
      metadata: {
        otel: {
          spanName: 'chat gpt-4o',
          operation: 'chat',
          scope: '@opentelemetry/instrumentation-openai',
          scopeVersion: '0.5.0',
          requestModel: 'gpt-4o',
        },
      },
    });
  });

  it('accepts messages as structured attribute values (arrayValue of kvlistValue)', () => {
    const interaction = mapOne(
      span({
        attributes: {
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.input.messages': inputMessages,
          'gen_ai.output.messages': outputMessages,
        },
      }),
    );
    expect((interaction.request as { messages: unknown }).messages).toEqual(inputMessages);
    expect((interaction.response as { messages: unknown }).messages).toEqual(outputMessages);
    expect(interaction.usage).toBeUndefined();
  });

  it('reads messages from the operation-details event when the span lacks them', () => {
    const interaction = mapOne(
      span({
        attributes: { 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o' },
        events: [
          {
            name: 'gen_ai.client.inference.operation.details',
            attributes: {
              'gen_ai.input.messages': JSON.stringify(inputMessages),
              'gen_ai.output.messages': JSON.stringify(outputMessages),
              'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Be terse.' }]),
            },
          },
        ],
      }),
    );
    expect(interaction.request).toMatchObject({
      messages: inputMessages,
      systemInstructions: [{ type: 'text', content: 'Be terse.' }],
    });
    expect(interaction.response).toMatchObject({ messages: outputMessages });
  });

  it('maps an Anthropic span whose input count includes cache reads and writes', () => {
    const interaction = mapOne(
      span({
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'anthropic',
          'gen_ai.request.model': 'claude-sonnet-4-5',
          'gen_ai.response.model': 'claude-sonnet-4-5-20250929',
          'gen_ai.usage.input_tokens': 5210,
          'gen_ai.usage.output_tokens': 88,
          'gen_ai.usage.cache_read.input_tokens': 4000,
          'gen_ai.usage.cache_creation.input_tokens': 1200,
        },
      }),
    );
    expect(interaction.provider).toBe('anthropic');
    expect(interaction.usage).toEqual({
      inputTokens: 5210,
      outputTokens: 88,
      cachedInputTokens: 4000,
      cacheWriteInputTokens: 1200,
    });
    expect((interaction.metadata as { otel: Record<string, unknown> }).otel.usageAdjusted).toBeUndefined();
  });

  it('corrects an input count that evidently excludes the cache (vendor raw semantics)', () => {
    const interaction = mapOne(
      span({
        attributes: {
          'gen_ai.provider.name': 'anthropic',
          'gen_ai.request.model': 'claude-sonnet-4-5',
          'gen_ai.usage.input_tokens': 10,
          'gen_ai.usage.output_tokens': 88,
          'gen_ai.usage.cache_read.input_tokens': 4000,
          'gen_ai.usage.cache_creation.input_tokens': 1200,
        },
      }),
    );
    expect(interaction.usage).toMatchObject({
      inputTokens: 5210,
      cachedInputTokens: 4000,
      cacheWriteInputTokens: 1200,
    });
    expect((interaction.metadata as { otel: Record<string, unknown> }).otel.usageAdjusted).toBe(
      'input tokens excluded cache tokens',
    );
  });

  it('corrects an output count that evidently excludes reasoning (Gemini thoughts)', () => {
    const interaction = mapOne(
      span({
        attributes: {
          'gen_ai.provider.name': 'gcp.gemini',
          'gen_ai.request.model': 'gemini-2.5-pro',
          'gen_ai.usage.input_tokens': 100,
          'gen_ai.usage.output_tokens': 20,
          'gen_ai.usage.reasoning.output_tokens': 300,
        },
      }),
    );
    expect(interaction.provider).toBe('google');
    expect(interaction.usage).toEqual({ inputTokens: 100, outputTokens: 320, reasoningTokens: 300 });
  });

  it('maps an embeddings span with input tokens only', () => {
    const interaction = mapOne(
      span({
        attributes: {
          'gen_ai.operation.name': 'embeddings',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'text-embedding-3-small',
          'gen_ai.usage.input_tokens': 42,
        },
      }),
    );
    expect(interaction.usage).toEqual({ inputTokens: 42, outputTokens: 0 });
  });

  it('maps an error span: status, error.type, status message', () => {
    const interaction = mapOne(
      span({
        attributes: {
          'gen_ai.provider.name': 'aws.bedrock',
          'gen_ai.request.model': 'anthropic.claude-3-haiku-20240307-v1:0',
          'error.type': 'ThrottlingException',
        },
        status: { code: 2, message: 'Too many requests, please wait before trying again.' },
      }),
    );
    expect(interaction).toMatchObject({
      provider: 'bedrock',
      status: 'error',
      errorClass: 'ThrottlingException',
      errorMessage: 'Too many requests, please wait before trying again.',
    });
  });

  it('falls back to the exception event for the error class and message', () => {
    const interaction = mapOne(
      span({
        attributes: { 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o' },
        status: { code: 'STATUS_CODE_ERROR' },
        events: [
          {
            name: 'exception',
            attributes: { 'exception.type': 'APIConnectionError', 'exception.message': 'ECONNRESET' },
          },
        ],
      }),
    );
    expect(interaction).toMatchObject({
      status: 'error',
      errorClass: 'APIConnectionError',
      errorMessage: 'ECONNRESET',
    });
  });

  it('accepts intValue as a JSON number and upper-case hex ids', () => {
    const raw = span({
      traceId: TRACE_ID.toUpperCase(),
      spanId: SPAN_ID.toUpperCase(),
      attributes: { 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o' },
    });
    (raw.attributes as unknown[]).push(
      { key: 'gen_ai.usage.input_tokens', value: { intValue: 10 } },
      { key: 'gen_ai.usage.output_tokens', value: { intValue: 2 } },
    );
    raw.startTimeUnixNano = 1_740_830_400_123_000_000;
    raw.endTimeUnixNano = 1_740_830_400_623_000_000;
    const interaction = mapOne(raw);
    expect(interaction.id).toBe(otelInteractionId(TRACE_ID, SPAN_ID));
    expect(interaction.usage).toEqual({ inputTokens: 10, outputTokens: 2 });
    expect(interaction.startedAt).toBe('2025-03-01T12:00:00.123Z');
    expect(interaction.latencyMs).toBe(500);
  });
});

describe('mapOtlpTraces: legacy and OpenInference names', () => {
  it('maps Traceloop / older semconv spans (gen_ai.system, prompt_tokens, flattened prompts)', () => {
    const interaction = mapOne(
      span({
        name: 'openai.chat',
        attributes: {
          'gen_ai.system': 'OpenAI',
          'llm.request.type': 'chat',
          'gen_ai.request.model': 'gpt-3.5-turbo',
          'gen_ai.response.model': 'gpt-3.5-turbo-0125',
          'gen_ai.usage.prompt_tokens': 25,
          'gen_ai.usage.completion_tokens': 9,
          'llm.usage.total_tokens': 34,
          'gen_ai.prompt.0.role': 'system',
          'gen_ai.prompt.0.content': 'You are helpful.',
          'gen_ai.prompt.1.role': 'user',
          'gen_ai.prompt.1.content': 'Tell me a joke about OpenTelemetry',
          'gen_ai.completion.0.role': 'assistant',
          'gen_ai.completion.0.content': 'Why did the span cross the road?',
          'gen_ai.completion.0.finish_reason': 'stop',
        },
      }),
    );
    expect(interaction).toMatchObject({
      provider: 'openai',
      model: 'gpt-3.5-turbo-0125',
      usage: { inputTokens: 25, outputTokens: 9 },
      request: {
        operation: 'chat',
        messages: [
          { role: 'system', content: 'You are helpful.' },
          { role: 'user', content: 'Tell me a joke about OpenTelemetry' },
        ],
      },
      response: {
        messages: [{ role: 'assistant', content: 'Why did the span cross the road?', finish_reason: 'stop' }],
      },
    });
  });

  it('maps Traceloop cache attributes (gen_ai.usage.cache_read_input_tokens)', () => {
    const interaction = mapOne(
      span({
        attributes: {
          'gen_ai.system': 'Anthropic',
          'gen_ai.request.model': 'claude-3-5-sonnet-20241022',
          'gen_ai.usage.prompt_tokens': 3000,
          'gen_ai.usage.completion_tokens': 10,
          'gen_ai.usage.cache_read_input_tokens': 2048,
          'gen_ai.usage.cache_creation_input_tokens': 512,
        },
      }),
    );
    expect(interaction.usage).toEqual({
      inputTokens: 3000,
      outputTokens: 10,
      cachedInputTokens: 2048,
      cacheWriteInputTokens: 512,
    });
  });

  it('maps OpenInference LLM spans (llm.model_name, llm.token_count.*, llm.input_messages)', () => {
    const interaction = mapOne(
      span({
        name: 'ChatCompletion',
        attributes: {
          'openinference.span.kind': 'LLM',
          'llm.provider': 'mistralai',
          'llm.system': 'mistralai',
          'llm.model_name': 'mistral-large-2411',
          'llm.token_count.prompt': 150,
          'llm.token_count.completion': 40,
          'llm.token_count.total': 190,
          'llm.token_count.prompt_details.cache_read': 100,
          'llm.input_messages.0.message.role': 'user',
          'llm.input_messages.0.message.content': 'Hi!',
          'llm.output_messages.0.message.role': 'assistant',
          'llm.output_messages.0.message.content': 'Hello.',
          'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'lookup',
          'session.id': 'session-7',
        },
      }),
    );
    expect(interaction).toMatchObject({
      provider: 'mistral',
      model: 'mistral-large-2411',
      sessionId: 'session-7',
      usage: { inputTokens: 150, outputTokens: 40, cachedInputTokens: 100 },
      request: { model: 'mistral-large-2411', messages: [{ role: 'user', content: 'Hi!' }] },
      response: {
        messages: [
          {
            role: 'assistant',
            content: 'Hello.',
            tool_calls: [{ tool_call: { function: { name: 'lookup' } } }],
          },
        ],
      },
    });
  });

  it('keeps a total-only count in metadata rather than guessing the split', () => {
    const interaction = mapOne(
      span({
        attributes: { 'llm.model_name': 'gpt-4o', 'llm.provider': 'openai', 'llm.token_count.total': 190 },
      }),
    );
    expect(interaction.usage).toBeUndefined();
    expect((interaction.metadata as { otel: Record<string, unknown> }).otel.totalTokens).toBe(190);
  });
});

describe('mapOtlpTraces: ignored and rejected spans', () => {
  it('ignores and counts non-GenAI spans, agent and tool spans and non-LLM OpenInference spans', () => {
    const result = mapOtlpTraces(
      exportRequest([
        span({
          spanId: '1111111111111111',
          name: 'GET /checkout',
          attributes: { 'http.request.method': 'GET' },
        }),
        span({
          spanId: '2222222222222222',
          name: 'invoke_agent travel',
          attributes: {
            'gen_ai.operation.name': 'invoke_agent',
            'gen_ai.request.model': 'gpt-4o',
            'gen_ai.usage.input_tokens': 5000,
            'gen_ai.usage.output_tokens': 500,
          },
        }),
        span({
          spanId: '3333333333333333',
          attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather' },
        }),
        span({
          spanId: '4444444444444444',
          attributes: { 'openinference.span.kind': 'CHAIN', 'llm.model_name': 'gpt-4o' },
        }),
        span({
          spanId: '5555555555555555',
          attributes: { 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o' },
        }),
      ]),
    );
    expect(result.ignoredSpans).toBe(4);
    expect(result.rejected).toEqual([]);
    expect(result.interactions.map((interaction) => interaction.id)).toEqual([
      otelInteractionId(TRACE_ID, '5555555555555555'),
    ]);
  });

  it.each([
    ['bad trace id', { traceId: 'xyz' }, 'traceId must be 32 hex characters, not all zero'],
    ['all-zero span id', { spanId: '0000000000000000' }, 'spanId must be 16 hex characters, not all zero'],
    ['base64 parent id', { parentSpanId: 'bsB3sCkFdcE=' }, 'parentSpanId must be 16 hex characters or empty'],
    ['end before start', { durationNanos: -1_000_000n }, 'endTimeUnixNano is before startTimeUnixNano'],
  ])('rejects a GenAI span with %s', (_label, options, reason) => {
    const raw = span({ ...options, attributes: { 'gen_ai.request.model': 'gpt-4o' } });
    const result = mapOtlpTraces(
      exportRequest([
        raw,
        span({ spanId: 'aaaaaaaaaaaaaaaa', attributes: { 'gen_ai.request.model': 'gpt-4o' } }),
      ]),
    );
    expect(result.rejected).toEqual([{ spanId: raw.spanId, reason }]);
    expect(result.interactions).toHaveLength(1);
  });

  it('rejects a GenAI span with a token count that is not a count', () => {
    const result = mapOtlpTraces(
      exportRequest([
        span({
          attributes: {
            'gen_ai.request.model': 'gpt-4o',
            'gen_ai.usage.input_tokens': -3,
            'gen_ai.usage.output_tokens': 1,
          },
        }),
      ]),
    );
    expect(result.rejected).toEqual([
      { spanId: SPAN_ID, reason: 'inputTokens: token counts must be non-negative integers' },
    ]);
  });

  it('rejects a malformed span without failing the request', () => {
    const result = mapOtlpTraces(exportRequest([{ spanId: 42 }]));
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]!.spanId).toBe('');
    expect(result.rejected[0]!.reason).toMatch(/^malformed span: traceId/);
  });

  it('moves an unusable conversation id to metadata instead of rejecting the call', () => {
    const interaction = mapOne(
      span({
        attributes: { 'gen_ai.request.model': 'gpt-4o', 'gen_ai.conversation.id': 'has spaces in it' },
      }),
    );
    expect(interaction.sessionId).toBeUndefined();
    expect(interaction.provider).toBe('unknown');
    expect((interaction.metadata as { otel: Record<string, unknown> }).otel.invalidFields).toEqual({
      sessionId: 'has spaces in it',
    });
  });

  it('throws InvalidOtlpRequestError when the envelope is wrong', () => {
    expect(() => mapOtlpTraces({ resourceSpans: 'nope' })).toThrow(InvalidOtlpRequestError);
    expect(() => mapOtlpTraces([])).toThrow(InvalidOtlpRequestError);
    try {
      mapOtlpTraces({ resourceSpans: [{ scopeSpans: [{ spans: 3 }] }] });
    } catch (error) {
      expect((error as InvalidOtlpRequestError).issues).toEqual([
        { path: 'resourceSpans.0.scopeSpans.0.spans', message: expect.any(String) },
      ]);
    }
  });

  it('maps an empty export request to nothing', () => {
    expect(mapOtlpTraces({})).toEqual({ interactions: [], ignoredSpans: 0, rejected: [] });
    expect(mapOtlpTraces({ resourceSpans: [] })).toEqual({ interactions: [], ignoredSpans: 0, rejected: [] });
  });
});

describe('mapOtlpTraces: properties', () => {
  const hex = (length: number) =>
    fc
      .string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length })
      .filter((value) => !/^0+$/.test(value));

  it('maps any model-call span to a valid interaction whose id depends only on trace and span id', () => {
    fc.assert(
      fc.property(
        hex(32),
        hex(16),
        fc.record({
          input: fc.nat({ max: 1e7 }),
          output: fc.nat({ max: 1e7 }),
          cacheRead: fc.nat({ max: 1e7 }),
          cacheWrite: fc.nat({ max: 1e7 }),
          reasoning: fc.nat({ max: 1e7 }),
        }),
        fc.bigInt({ min: 0n, max: 3_600_000_000_000n }),
        fc.constantFrom(
          'openai',
          'anthropic',
          'aws.bedrock',
          'gcp.vertex_ai',
          'azure.ai.openai',
          'mistral_ai',
        ),
        (traceId, spanId, tokens, durationNanos, provider) => {
          const raw = span({
            traceId,
            spanId,
            durationNanos,
            attributes: {
              'gen_ai.provider.name': provider,
              'gen_ai.request.model': 'some-model',
              'gen_ai.usage.input_tokens': tokens.input,
              'gen_ai.usage.output_tokens': tokens.output,
              'gen_ai.usage.cache_read.input_tokens': tokens.cacheRead,
              'gen_ai.usage.cache_creation.input_tokens': tokens.cacheWrite,
              'gen_ai.usage.reasoning.output_tokens': tokens.reasoning,
            },
          });
          const { interactions, rejected } = mapOtlpTraces(exportRequest([raw]));
          expect(rejected).toEqual([]);
          const parsed = parseInteraction(interactions[0]);
          expect(parsed.id).toBe(`otel-${traceId}-${spanId}`);
          const usage = parsed.usage!;
          // The normalized-usage invariants hold whatever the instrumentation sent.
          expect(usage.inputTokens).toBeGreaterThanOrEqual(
            (usage.cachedInputTokens ?? 0) + (usage.cacheWriteInputTokens ?? 0),
          );
          expect(usage.outputTokens).toBeGreaterThanOrEqual(usage.reasoningTokens ?? 0);
          expect(parsed.latencyMs).toBeCloseTo(Number(durationNanos) / 1e6, 2);
        },
      ),
    );
  });
});

describe('toTokentrailProvider', () => {
  it.each([
    ['openai', 'openai'],
    ['OpenAI', 'openai'],
    ['anthropic', 'anthropic'],
    ['aws.bedrock', 'bedrock'],
    ['gcp.gemini', 'google'],
    ['gcp.vertex_ai', 'google'],
    ['gcp.gen_ai', 'google'],
    ['azure.ai.openai', 'azure-openai'],
    ['az.ai.openai', 'azure-openai'],
    ['mistral_ai', 'mistral'],
    ['x_ai', 'xai'],
    ['deepseek', 'deepseek'],
    ['some.new_vendor', 'some.new_vendor'],
    [undefined, 'unknown'],
  ])('%s → %s', (name, expected) => {
    expect(toTokentrailProvider(name)).toBe(expected);
  });
});

describe('otlpPartialSuccess', () => {
  it('answers {} when nothing is rejected', () => {
    expect(otlpPartialSuccess(0, '')).toEqual({});
    expect(otlpPartialSuccess(0, 'ignored')).toEqual({});
  });

  it('answers the rejected count and message', () => {
    expect(otlpPartialSuccess(2, 'span eee19b7ec3c1b174: bad')).toEqual({
      partialSuccess: { rejectedSpans: 2, errorMessage: 'span eee19b7ec3c1b174: bad' },
    });
  });

  it('keeps the message readable', () => {
    const answer = otlpPartialSuccess(1, 'x'.repeat(5000));
    expect(answer.partialSuccess!.errorMessage).toHaveLength(1024);
  });
});

describe('mapOtlpTraces: request size', () => {
  it('refuses an export of more spans than one request may carry, naming the limit', () => {
    const spans = Array.from({ length: MAX_SPANS_PER_EXPORT + 1 }, () => ({}));
    expect(() => mapOtlpTraces(exportRequest(spans))).toThrow(InvalidOtlpRequestError);
    expect(() => mapOtlpTraces(exportRequest(spans))).toThrow(/at most 10000/);
    expect(() => mapOtlpTraces(exportRequest(spans.slice(1)))).not.toThrow();
  });
});
