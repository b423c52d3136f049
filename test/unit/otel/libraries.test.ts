/**
 * Span fixtures in the attribute names each library's source sets (the JavaScript libraries are
 * also run for real in test/integration/otel/libraries.test.ts; the Python ones only here):
 * LangSmith Python (`langsmith/_internal/otel/_otel_exporter.py`), OpenLLMetry Python's
 * association properties, OpenInference embeddings, and AI SDK spans of each major.
 */
import { parseInteraction } from '../../../shared/domain/interaction/schema';
import { mapOtlpTraces, toTokentrailProvider } from '../../../shared/domain/otel';
import { exportRequest, type Plain, span } from './spans';

function mapAll(spans: Record<string, Plain>[]) {
  const result = mapOtlpTraces(
    exportRequest(
      spans.map((attributes, index) => span({ spanId: String(index + 1).padStart(16, '0'), attributes })),
    ),
  );
  expect(result.rejected).toEqual([]);
  for (const interaction of result.interactions) expect(() => parseInteraction(interaction)).not.toThrow();
  return result;
}

function mapOne(attributes: Record<string, Plain>) {
  const { interactions } = mapAll([attributes]);
  expect(interactions).toHaveLength(1);
  return interactions[0]!;
}

describe('Vercel AI SDK spans', () => {
  const wrapper = {
    'ai.operationId': 'ai.generateText',
    'ai.model.provider': 'openai.chat',
    'ai.model.id': 'gpt-4o-mini',
    'ai.usage.promptTokens': 120,
    'ai.usage.completionTokens': 8,
  };

  it('ai 5: one interaction per doGenerate span, the ai.generateText wrapper is not counted again', () => {
    const { interactions, ignoredSpans } = mapAll([
      wrapper,
      {
        'ai.operationId': 'ai.generateText.doGenerate',
        'operation.name': 'ai.generateText.doGenerate',
        'ai.model.provider': 'openai.chat',
        'ai.model.id': 'gpt-4o-mini',
        'gen_ai.system': 'openai.chat',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
        'ai.usage.promptTokens': 120,
        'ai.usage.completionTokens': 8,
        'gen_ai.usage.input_tokens': 120,
        'gen_ai.usage.output_tokens': 8,
        'ai.prompt.messages': JSON.stringify([{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }]),
        'ai.response.text': 'Hello',
        'ai.telemetry.metadata.sessionId': 'chat-42',
        'ai.telemetry.metadata.userId': 'u-7',
        'ai.telemetry.metadata.tenant': 'acme',
      },
    ]);
    expect(ignoredSpans).toBe(1);
    expect(interactions).toHaveLength(1);
    expect(interactions[0]).toMatchObject({
      provider: 'openai',
      model: 'gpt-4o-mini-2024-07-18',
      usage: { inputTokens: 120, outputTokens: 8 },
      sessionId: 'chat-42',
      userId: 'u-7',
      tags: { tenant: 'acme', service: 'checkout' },
      request: { messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] },
      response: { messages: [{ role: 'assistant', content: 'Hello' }] },
    });
  });

  it('ai 6 and ai 7 LegacyOpenTelemetry: cache reads and writes, reasoning, tool calls, ai 7 context as session', () => {
    const interaction = mapOne({
      'ai.operationId': 'ai.streamText.doStream',
      'gen_ai.system': 'anthropic.messages',
      'gen_ai.request.model': 'claude-sonnet-4-5',
      'ai.usage.inputTokens': 2_000,
      'ai.usage.inputTokenDetails.cacheReadTokens': 1_500,
      'ai.usage.inputTokenDetails.cacheWriteTokens': 300,
      'ai.usage.outputTokens': 50,
      'ai.usage.outputTokenDetails.reasoningTokens': 20,
      'ai.response.toolCalls': JSON.stringify([{ toolCallId: 'c1', toolName: 'weather', input: '{}' }]),
      'ai.settings.context.sessionId': 'thread-9',
    });
    expect(interaction).toMatchObject({
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      usage: {
        inputTokens: 2_000,
        cachedInputTokens: 1_500,
        cacheWriteInputTokens: 300,
        outputTokens: 50,
        reasoningTokens: 20,
      },
      sessionId: 'thread-9',
      response: { messages: [{ role: 'assistant', toolCalls: [{ toolName: 'weather' }] }] },
    });
  });

  it('prices an embedding call (doEmbed: ai.usage.tokens), not its ai.embed wrapper', () => {
    const { interactions, ignoredSpans } = mapAll([
      {
        'ai.operationId': 'ai.embed',
        'ai.model.provider': 'openai.embedding',
        'ai.model.id': 'text-embedding-3-small',
        'ai.usage.tokens': 9,
      },
      {
        'ai.operationId': 'ai.embed.doEmbed',
        'ai.model.provider': 'openai.embedding',
        'ai.model.id': 'text-embedding-3-small',
        'ai.values': ['"sunny day"'],
        'ai.usage.tokens': 9,
      },
    ]);
    expect(ignoredSpans).toBe(1);
    expect(interactions[0]).toMatchObject({
      provider: 'openai',
      model: 'text-embedding-3-small',
      usage: { inputTokens: 9, outputTokens: 0 },
      request: { messages: ['"sunny day"'] },
    });
  });

  it.each([
    ['openai.chat', 'openai'],
    ['openai.responses', 'openai'],
    ['openai.embedding', 'openai'],
    ['anthropic.messages', 'anthropic'],
    ['google.generative-ai', 'google'],
    ['google.vertex.chat', 'google'],
    ['vertex.anthropic.messages', 'anthropic'],
    ['amazon-bedrock', 'bedrock'],
    ['azure.chat', 'azure-openai'],
    ['azure-openai.responses', 'azure-openai'],
    ['mistral.chat', 'mistral'],
    ['xai.chat', 'xai'],
    ['groq.chat', 'groq'],
    ['deepseek.chat', 'deepseek'],
    ['aws.bedrock', 'bedrock'],
    ['gcp.vertex_ai', 'google'],
    ['my-gateway.chat', 'my-gateway.chat'],
  ])('provider %s → %s', (name, expected) => {
    expect(toTokentrailProvider(name)).toBe(expected);
  });
});

describe('OpenInference embedding spans', () => {
  it('are priced on their prompt tokens, with the texts but not the vectors', () => {
    const interaction = mapOne({
      'openinference.span.kind': 'EMBEDDING',
      'embedding.model_name': 'text-embedding-3-small',
      'llm.system': 'openai',
      'llm.token_count.prompt': 12,
      'llm.token_count.total': 12,
      'embedding.embeddings.0.embedding.text': 'refund policy',
      'embedding.embeddings.0.embedding.vector': [0.1, 0.2],
    });
    expect(interaction).toMatchObject({
      provider: 'openai',
      model: 'text-embedding-3-small',
      usage: { inputTokens: 12, outputTokens: 0 },
      request: { messages: [{ text: 'refund policy' }] },
    });
  });
});

describe('OpenLLMetry / Traceloop association properties', () => {
  it('reads session_id and user_id, other keys become tags; workflow spans are not model calls', () => {
    const { interactions, ignoredSpans } = mapAll([
      {
        'traceloop.span.kind': 'workflow',
        'traceloop.entity.name': 'answer',
        'gen_ai.request.model': 'gpt-4o',
      },
      {
        'gen_ai.system': 'OpenAI',
        'llm.request.type': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.prompt_tokens': 30,
        'gen_ai.usage.completion_tokens': 5,
        'gen_ai.usage.cache_read_input_tokens': 10,
        'traceloop.association.properties.session_id': 'sess-1',
        'traceloop.association.properties.user_id': 'alice',
        'traceloop.association.properties.plan': 'pro',
      },
    ]);
    expect(ignoredSpans).toBe(1);
    expect(interactions[0]).toMatchObject({
      provider: 'openai',
      usage: { inputTokens: 30, cachedInputTokens: 10, outputTokens: 5 },
      sessionId: 'sess-1',
      userId: 'alice',
      tags: { plan: 'pro' },
    });
  });
});

describe('LangSmith in OTel mode', () => {
  const inputs = { messages: [{ role: 'user', content: 'Summarize the ticket' }], model: 'gpt-4o-mini' };
  const outputs = { choices: [{ message: { role: 'assistant', content: 'Done' }, finish_reason: 'stop' }] };

  it('Python SDK: cache from the str() of input_token_details, ls_provider, thread as session, prompt and completion blobs', () => {
    const { interactions, ignoredSpans } = mapAll([
      { 'langsmith.span.kind': 'chain', 'gen_ai.operation.name': 'chain', 'gen_ai.system': 'langchain' },
      {
        'langsmith.span.kind': 'llm',
        'langsmith.trace.session_id': '0b4c-project-uuid',
        'gen_ai.operation.name': 'chat',
        'gen_ai.system': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 1_200,
        'gen_ai.usage.output_tokens': 40,
        'gen_ai.usage.total_tokens': 1_240,
        'gen_ai.usage.input_token_details': "{'audio': 0, 'cache_read': 1024}",
        'gen_ai.usage.output_token_details': "{'audio': 0, 'reasoning': 0}",
        'langsmith.metadata.ls_provider': 'openai',
        'langsmith.metadata.ls_model_name': 'gpt-4o-mini',
        'langsmith.metadata.thread_id': 'ticket-88',
        'langsmith.metadata.team': 'support',
        'gen_ai.prompt': JSON.stringify(inputs),
        'gen_ai.completion': JSON.stringify(outputs),
      },
    ]);
    expect(ignoredSpans).toBe(1);
    expect(interactions[0]).toMatchObject({
      provider: 'openai',
      model: 'gpt-4o-mini',
      usage: { inputTokens: 1_200, cachedInputTokens: 1_024, outputTokens: 40, reasoningTokens: 0 },
      sessionId: 'ticket-88',
      tags: { team: 'support' },
      request: { messages: inputs },
      response: { messages: outputs },
    });
  });

  it('JS SDK: usage from langsmith.usage_metadata JSON; a LangChain default system gives way to ls_provider', () => {
    const interaction = mapOne({
      'langsmith.span.kind': 'llm',
      'gen_ai.system': 'langchain',
      'langsmith.metadata.ls_provider': 'anthropic',
      'gen_ai.request.model': 'claude-3-5-haiku-20241022',
      'langsmith.usage_metadata': JSON.stringify({
        input_tokens: 900,
        output_tokens: 30,
        total_tokens: 930,
        input_token_details: { cache_read: 600, cache_creation: 200 },
      }),
      'langsmith.metadata.session_id': 'conv-5',
    });
    expect(interaction).toMatchObject({
      provider: 'anthropic',
      usage: { inputTokens: 900, outputTokens: 30, cachedInputTokens: 600, cacheWriteInputTokens: 200 },
      sessionId: 'conv-5',
    });
  });
});

describe('spans of one export read as a tree', () => {
  it('a model call inherits session and tags from its ancestors; a model-call span around another is a wrapper', () => {
    const parent = '00000000000000a1';
    const result = mapOtlpTraces(
      exportRequest([
        span({
          spanId: parent,
          attributes: {
            'gen_ai.operation.name': 'embeddings',
            'gen_ai.request.model': 'text-embedding-3-small',
            'ai.settings.context.sessionId': 's-7',
            'ai.settings.context.tenant': 'acme',
          },
        }),
        span({
          spanId: '00000000000000b2',
          parentSpanId: parent,
          attributes: {
            'gen_ai.operation.name': 'embeddings',
            'gen_ai.provider.name': 'openai',
            'gen_ai.request.model': 'text-embedding-3-small',
            'gen_ai.usage.input_tokens': 8,
          },
        }),
      ]),
    );
    expect(result.ignoredSpans).toBe(1);
    expect(result.interactions).toHaveLength(1);
    expect(result.interactions[0]).toMatchObject({
      sessionId: 's-7',
      tags: { tenant: 'acme' },
      usage: { inputTokens: 8 },
    });
  });
});
