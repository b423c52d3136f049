/**
 * What the real OpenTelemetry JS exporter sends (OTLP/HTTP JSON), captured on loopback and fed
 * to `mapOtlpTraces`: proves the encoding assumptions (hex ids, unix-nano strings, AnyValue
 * shapes, integer status codes) against the SDK rather than against our own fixtures.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { parseInteraction } from '../../../shared/domain/interaction/schema';
import { mapOtlpTraces, otelInteractionId, otlpPartialSuccess } from '../../../shared/domain/otel';

interface Captured {
  contentType: string | undefined;
  body: unknown;
}

async function startCollector(captured: Captured[]): Promise<{ server: Server; url: string }> {
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    let raw = Buffer.concat(chunks);
    if (request.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
    const body = JSON.parse(raw.toString('utf8'));
    captured.push({ contentType: request.headers['content-type'], body });
    const { rejected } = mapOtlpTraces(body);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify(otlpPartialSuccess(rejected.length, rejected.map((r) => r.reason).join('; '))),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces` };
}

describe('mapOtlpTraces on what @opentelemetry/exporter-trace-otlp-http really sends', () => {
  const captured: Captured[] = [];
  let server: Server;
  let provider: TracerProvider;

  beforeAll(async () => {
    const collector = await startCollector(captured);
    server = collector.server;
    provider = new TracerProvider({
      spanProcessors: [new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: collector.url }) })],
    });
  });

  afterAll(async () => {
    await provider.shutdown();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('maps GenAI spans (current and legacy names), ignores the others, and links parents', async () => {
    const tracer = provider.getTracer('tokentrail-test', '1.2.3');
    const startTime = new Date('2025-06-01T10:00:00.250Z');
    const endTime = new Date('2025-06-01T10:00:01.750Z');

    const agent = tracer.startSpan('invoke_agent planner', {
      attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.request.model': 'gpt-4o' },
    });
    const inAgent = trace.setSpan(context.active(), agent);

    const chat = tracer.startSpan(
      'chat gpt-4o',
      {
        kind: SpanKind.CLIENT,
        startTime,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.request.temperature': 0.7,
          'gen_ai.request.stop_sequences': ['END'],
          'gen_ai.response.model': 'gpt-4o-2024-08-06',
          'gen_ai.response.finish_reasons': ['stop'],
          'gen_ai.usage.input_tokens': 2048,
          'gen_ai.usage.output_tokens': 512,
          'gen_ai.usage.cache_read.input_tokens': 1024,
          'gen_ai.usage.reasoning.output_tokens': 128,
          'gen_ai.conversation.id': 'conv-123',
          'gen_ai.input.messages': JSON.stringify([
            { role: 'user', parts: [{ type: 'text', content: 'Hi' }] },
          ]),
          'gen_ai.output.messages': JSON.stringify([
            { role: 'assistant', parts: [{ type: 'text', content: 'Hello' }], finish_reason: 'stop' },
          ]),
        },
      },
      inAgent,
    );
    chat.end(endTime);

    const legacy = tracer.startSpan(
      'anthropic.chat',
      {
        attributes: {
          'gen_ai.system': 'Anthropic',
          'gen_ai.request.model': 'claude-3-5-haiku-20241022',
          'gen_ai.usage.prompt_tokens': 40,
          'gen_ai.usage.completion_tokens': 7,
          'gen_ai.prompt.0.role': 'user',
          'gen_ai.prompt.0.content': 'Ping',
          'gen_ai.completion.0.role': 'assistant',
          'gen_ai.completion.0.content': 'Pong',
        },
      },
      inAgent,
    );
    legacy.end();

    const failed = tracer.startSpan(
      'chat claude',
      {
        attributes: {
          'gen_ai.provider.name': 'aws.bedrock',
          'gen_ai.request.model': 'anthropic.claude-3-haiku',
        },
      },
      inAgent,
    );
    failed.recordException(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    failed.setAttribute('error.type', 'ThrottlingException');
    failed.setStatus({ code: SpanStatusCode.ERROR, message: 'Rate exceeded' });
    failed.end();

    const http = tracer.startSpan('GET /health', { attributes: { 'http.request.method': 'GET' } }, inAgent);
    http.end();
    agent.end();

    await provider.forceFlush();

    expect(captured.length).toBeGreaterThan(0);
    for (const request of captured) expect(request.contentType).toMatch(/^application\/json/);
    // The encoding the mapper relies on: hex ids, unix nanos as decimal strings, integer status codes.
    type RawSpan = {
      traceId: string;
      spanId: string;
      startTimeUnixNano: unknown;
      status?: { code?: unknown };
    };
    const rawSpans = captured.flatMap((request) =>
      (request.body as { resourceSpans: { scopeSpans: { spans: RawSpan[] }[] }[] }).resourceSpans.flatMap(
        (resourceSpans) => resourceSpans.scopeSpans.flatMap((scopeSpans) => scopeSpans.spans),
      ),
    );
    expect(rawSpans).toHaveLength(5);
    for (const raw of rawSpans) {
      expect(raw.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(raw.spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(raw.startTimeUnixNano).toMatch(/^\d+$/);
    }
    expect(rawSpans.find((raw) => raw.spanId === failed.spanContext().spanId)!.status).toMatchObject({
      code: 2,
    });

    const mapped = captured.map((request) => mapOtlpTraces(request.body));
    const interactions = mapped.flatMap((result) => result.interactions);
    expect(mapped.flatMap((result) => result.rejected)).toEqual([]);
    // The agent span (would double count its children) and the HTTP span.
    expect(mapped.reduce((sum, result) => sum + result.ignoredSpans, 0)).toBe(2);
    expect(interactions).toHaveLength(3);
    for (const interaction of interactions) expect(() => parseInteraction(interaction)).not.toThrow();

    const traceId = chat.spanContext().traceId;
    const byId = new Map(interactions.map((interaction) => [interaction.id, interaction]));
    const chatInteraction = byId.get(otelInteractionId(traceId, chat.spanContext().spanId));
    expect(chatInteraction).toMatchObject({
      provider: 'openai',
      model: 'gpt-4o-2024-08-06',
      traceId,
      parentId: otelInteractionId(traceId, agent.spanContext().spanId),
      sessionId: 'conv-123',
      startedAt: '2025-06-01T10:00:00.250Z',
      endedAt: '2025-06-01T10:00:01.750Z',
      latencyMs: 1500,
      status: 'success',
      usage: { inputTokens: 2048, outputTokens: 512, cachedInputTokens: 1024, reasoningTokens: 128 },
      request: {
        model: 'gpt-4o',
        messages: [{ role: 'user', parts: [{ type: 'text', content: 'Hi' }] }],
        parameters: { temperature: 0.7, stop_sequences: ['END'] },
      },
      response: { finishReasons: ['stop'] },
      metadata: { otel: { scope: 'tokentrail-test', scopeVersion: '1.2.3' } },
    });
    expect(chatInteraction!.tags!.service).toMatch(/^unknown_service/);

    expect(byId.get(otelInteractionId(traceId, legacy.spanContext().spanId))).toMatchObject({
      provider: 'anthropic',
      usage: { inputTokens: 40, outputTokens: 7 },
      request: { messages: [{ role: 'user', content: 'Ping' }] },
      response: { messages: [{ role: 'assistant', content: 'Pong' }] },
    });
    expect(byId.get(otelInteractionId(traceId, failed.spanContext().spanId))).toMatchObject({
      provider: 'bedrock',
      status: 'error',
      errorClass: 'ThrottlingException',
      errorMessage: 'Rate exceeded',
    });
  });
});
