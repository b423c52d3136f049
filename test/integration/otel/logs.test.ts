/**
 * `POST /v1/logs` with the real OTLP log exporters: the GenAI events OpenTelemetry's GenAI
 * instrumentations emit (message content as log events, `event.name` and `gen_ai.system`
 * attributes, the span's context) attach to the span's interaction, redacted, whether the span or
 * the events arrive first.
 */
import { context, trace } from '@opentelemetry/api';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { LocalStack } from '../../../infra/local/twin';
import { otelInteractionId } from '../../../shared/domain/otel';
import { api, startTestStack } from '../../support/stack';

const SECRET_MAIL = 'jane.doe@example.com';

describe('POST /v1/logs: GenAI events join their span’s interaction', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  const headers = () => ({ Authorization: `Bearer ${stack.apiKey}` });
  const tracing = () =>
    new TracerProvider({
      spanProcessors: [
        new SimpleSpanProcessor({
          exporter: new OTLPTraceExporter({ url: `${stack.url}/v1/traces`, headers: headers() }),
        }),
      ],
    });
  const logging = (encoding: 'json' | 'proto') => {
    const Exporter = encoding === 'json' ? JsonLogExporter : ProtoLogExporter;
    const exporter = new Exporter({
      url: `${stack.url}/v1/logs`,
      headers: headers(),
      compression: 'gzip' as never,
    });
    return new LoggerProvider({ processors: [new BatchLogRecordProcessor({ exporter })] });
  };

  /** A chat call as the OpenTelemetry openai instrumentation records it with content off the span. */
  function call(tracerProvider: TracerProvider, loggerProvider: LoggerProvider, sessionId: string) {
    const span = tracerProvider
      .getTracer('@opentelemetry/instrumentation-openai')
      .startSpan('chat gpt-4o-mini', {
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.system': 'openai',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.response.model': 'gpt-4o-mini',
          'gen_ai.usage.input_tokens': 1_000,
          'gen_ai.usage.output_tokens': 100,
          'gen_ai.conversation.id': sessionId,
        },
      });
    const ctx = trace.setSpan(context.active(), span);
    const logger = loggerProvider.getLogger('@opentelemetry/instrumentation-openai');
    const emit = (name: string, body: Record<string, unknown>) =>
      logger.emit({
        context: ctx,
        attributes: { 'event.name': name, 'gen_ai.system': 'openai' },
        body: body as never,
      });
    return {
      span,
      emitEvents: () => {
        emit('gen_ai.system.message', { content: 'You answer orders.' });
        emit('gen_ai.user.message', { content: `Where is my order? Mail ${SECRET_MAIL}` });
        emit('gen_ai.choice', {
          index: 0,
          finish_reason: 'stop',
          message: { content: 'It ships Tuesday.' },
        });
      },
    };
  }

  async function stored(id: string) {
    return (await api<Record<string, unknown>>(stack, 'GET', `/v1/interactions/${id}`)).body;
  }

  const expected = (sessionId: string) => ({
    provider: 'openai',
    model: 'gpt-4o-mini',
    sessionId,
    status: 'success',
    // gpt-4o-mini: 1,000 × $0.15/M + 100 × $0.60/M
    cost: { priced: true, totalNanoUsd: 210_000 },
    redactions: { EMAIL: 1 },
    request: {
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You answer orders.' },
        { role: 'user', content: 'Where is my order? Mail [REDACTED:EMAIL]' },
      ],
    },
    response: { messages: [{ index: 0, finish_reason: 'stop', message: { content: 'It ships Tuesday.' } }] },
  });

  it('span first, then its events (JSON)', async () => {
    const [tracerProvider, loggerProvider] = [tracing(), logging('json')];
    const { span, emitEvents } = call(tracerProvider, loggerProvider, 'logs-span-first');
    span.end();
    await tracerProvider.forceFlush();
    await stack.drain();
    const id = otelInteractionId(span.spanContext().traceId, span.spanContext().spanId);
    expect(await stored(id)).toMatchObject({ cost: { priced: true } });

    emitEvents();
    await loggerProvider.forceFlush();
    await stack.drain();
    const record = await stored(id);
    expect(record).toMatchObject(expected('logs-span-first'));
    expect(JSON.stringify(record)).not.toContain(SECRET_MAIL);
    await Promise.all([tracerProvider.shutdown(), loggerProvider.shutdown()]);
  });

  it('events first (protobuf), then the span: the same record', async () => {
    const [tracerProvider, loggerProvider] = [tracing(), logging('proto')];
    const { span, emitEvents } = call(tracerProvider, loggerProvider, 'logs-events-first');
    emitEvents();
    await loggerProvider.forceFlush();
    await stack.drain();
    const id = otelInteractionId(span.spanContext().traceId, span.spanContext().spanId);
    // The content waits for its call; not priced, not counted as a completed call.
    expect(await stored(id)).toMatchObject({ status: 'in_progress', cost: { priced: false } });

    span.end();
    await tracerProvider.forceFlush();
    await stack.drain();
    const record = await stored(id);
    expect(record).toMatchObject(expected('logs-events-first'));
    expect(JSON.stringify(record)).not.toContain(SECRET_MAIL);
    await Promise.all([tracerProvider.shutdown(), loggerProvider.shutdown()]);
  });

  it('answers OTLP partial success for GenAI events without a span, and ignores other logs', async () => {
    const response = await fetch(`${stack.url}/v1/logs`, {
      method: 'POST',
      headers: { ...headers(), 'content-type': 'application/json' },
      body: JSON.stringify({
        resourceLogs: [
          {
            scopeLogs: [
              {
                logRecords: [
                  { body: { stringValue: 'plain application log' } },
                  {
                    attributes: [{ key: 'event.name', value: { stringValue: 'gen_ai.user.message' } }],
                    body: { kvlistValue: { values: [{ key: 'content', value: { stringValue: 'hi' } }] } },
                  },
                ],
              },
            ],
          },
        ],
      }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      partialSuccess: {
        rejectedLogRecords: 1,
        errorMessage: expect.stringContaining('gen_ai.user.message event without'),
      },
    });
  });
});
