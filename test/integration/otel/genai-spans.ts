/** The spans both OTLP exporter tests (JSON and protobuf) send: one current GenAI, one legacy, one plain. */
import { type Attributes, type Span, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';

export interface GenAiSpans {
  /** Current semantic conventions: OpenAI gpt-4o, 1,200 input tokens (200 cached) and 80 output. */
  current: Span;
  /** Legacy names (`gen_ai.system`, `gen_ai.prompt.N.*`): Anthropic claude-3-5-haiku, 1,000 in and 100 out. */
  legacy: Span;
  /** An HTTP span without GenAI attributes, which must be ignored. */
  plain: Span;
}

/**
 * Starts and ends the three spans on `day` (10:00:00 to 10:00:02 UTC) in session `sessionId`; the
 * caller flushes its provider.
 *
 * @example
 * const { current, legacy } = emitGenAiSpans(tracer, { sessionId: 'otel-session', day: '2026-11-20' });
 */
export function emitGenAiSpans(
  tracer: Tracer,
  options: { sessionId: string; day: string; currentAttributes?: Attributes },
): GenAiSpans {
  const startTime = new Date(`${options.day}T10:00:00.000Z`);
  const endTime = new Date(`${options.day}T10:00:02.000Z`);
  const current = tracer.startSpan('chat gpt-4o', {
    kind: SpanKind.CLIENT,
    startTime,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.conversation.id': options.sessionId,
      // input includes the 200 cached tokens
      'gen_ai.usage.input_tokens': 1200,
      'gen_ai.usage.cache_read.input_tokens': 200,
      'gen_ai.usage.output_tokens': 80,
      'gen_ai.input.messages': JSON.stringify([
        { role: 'user', parts: [{ type: 'text', content: 'write to ops@example.org' }] },
      ]),
      ...options.currentAttributes,
    },
  });
  current.setStatus({ code: SpanStatusCode.OK });
  current.end(endTime);

  const legacy = tracer.startSpan('anthropic.chat', {
    kind: SpanKind.CLIENT,
    startTime,
    attributes: {
      'gen_ai.system': 'Anthropic',
      'gen_ai.request.model': 'claude-3-5-haiku-20241022',
      'gen_ai.conversation.id': options.sessionId,
      'gen_ai.usage.prompt_tokens': 1000,
      'gen_ai.usage.completion_tokens': 100,
      'gen_ai.prompt.0.role': 'user',
      'gen_ai.prompt.0.content': 'hello',
      'gen_ai.completion.0.role': 'assistant',
      'gen_ai.completion.0.content': 'hi',
    },
  });
  legacy.end(endTime);

  const plain = tracer.startSpan('GET /index.html', { attributes: { 'http.request.method': 'GET' } });
  plain.end();
  return { current, legacy, plain };
}
