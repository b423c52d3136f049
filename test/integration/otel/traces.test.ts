import { gzipSync } from 'node:zlib';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { LocalStack } from '../../../infra/local/twin';
import { otelInteractionId } from '../../../shared/domain/otel';
import { api, startTestStack } from '../../support/stack';
import { emitGenAiSpans } from './genai-spans';

describe('POST /v1/traces with the real OpenTelemetry exporter', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  const providerFor = (compression: 'none' | 'gzip') =>
    new TracerProvider({
      spanProcessors: [
        new SimpleSpanProcessor({
          exporter: new OTLPTraceExporter({
            url: `${stack.url}/v1/traces`,
            headers: { Authorization: `Bearer ${stack.apiKey}` },
            compression: compression as never,
          }),
        }),
      ],
    });

  it('turns GenAI spans with current and legacy attribute names into priced interactions findable by session', async () => {
    const provider = providerFor('gzip');
    const tracer = provider.getTracer('tokentrail-it');
    const { current, legacy } = emitGenAiSpans(tracer, { sessionId: 'otel-session', day: '2026-11-20' });
    await provider.forceFlush();
    await provider.shutdown();
    await stack.drain();

    const session = await api<{ interactions: { id: string }[] }>(
      stack,
      'GET',
      '/v1/interactions?sessionId=otel-session',
    );
    const traceId = current.spanContext().traceId;
    const ids = [
      otelInteractionId(traceId, current.spanContext().spanId),
      otelInteractionId(legacy.spanContext().traceId, legacy.spanContext().spanId),
    ];
    expect(session.body.interactions.map((item) => item.id).sort()).toEqual([...ids].sort());

    const stored = await api(stack, 'GET', `/v1/interactions/${ids[0]}`);
    expect(stored.body).toMatchObject({
      provider: 'openai',
      latencyMs: 2000,
      tokens: { input: 1200, cachedInput: 200, output: 80 },
      // 1000 × $2.50/M + 200 × $1.25/M + 80 × $10/M
      cost: { priced: true, totalNanoUsd: 3_550_000 },
      redactions: { EMAIL: 1 },
    });
    expect(JSON.stringify(stored.body)).not.toContain('ops@example.org');
    const legacyStored = await api(stack, 'GET', `/v1/interactions/${ids[1]}`);
    // claude-3-5-haiku: 1000 × $0.80/M + 100 × $4/M
    expect(legacyStored.body).toMatchObject({
      provider: 'anthropic',
      cost: { priced: true, totalNanoUsd: 1_200_000 },
    });
  });

  it('answers with OTLP partial success when some spans are rejected, and re-exporting a span is idempotent', async () => {
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [] },
          scopeSpans: [
            {
              scope: { name: 'manual' },
              spans: [
                {
                  traceId: '0af7651916cd43dd8448eb211c80319c',
                  spanId: 'b7ad6b7169203331',
                  name: 'chat',
                  kind: 3,
                  startTimeUnixNano: '1763632800000000000',
                  endTimeUnixNano: '1763632801000000000',
                  attributes: [
                    { key: 'gen_ai.provider.name', value: { stringValue: 'openai' } },
                    { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o-mini' } },
                    { key: 'gen_ai.usage.input_tokens', value: { intValue: '100' } },
                    { key: 'gen_ai.usage.output_tokens', value: { intValue: '10' } },
                  ],
                  status: { code: 1 },
                },
                {
                  traceId: '0af7651916cd43dd8448eb211c80319c',
                  spanId: 'b7ad6b7169203332',
                  name: 'chat',
                  kind: 3,
                  startTimeUnixNano: '1763632801000000000',
                  endTimeUnixNano: '1763632800000000000',
                  attributes: [
                    { key: 'gen_ai.provider.name', value: { stringValue: 'openai' } },
                    { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o-mini' } },
                    { key: 'gen_ai.usage.input_tokens', value: { intValue: '-5' } },
                  ],
                },
              ],
            },
          ],
        },
      ],
    };
    const first = await api(stack, 'POST', '/v1/traces', { key: stack.apiKey, body });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ partialSuccess: { rejectedSpans: 1 } });
    await api(stack, 'POST', '/v1/traces', { key: stack.apiKey, body });
    await stack.drain();
    const id = otelInteractionId('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331');
    expect((await api(stack, 'GET', `/v1/interactions/${id}`)).body).toMatchObject({
      tokens: { input: 100, output: 10 },
    });

    const gzipped = await fetch(`${stack.url}/v1/traces`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${stack.apiKey}`,
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      },
      body: gzipSync(JSON.stringify(body)),
    });
    expect(gzipped.status).toBe(200);
    expect(
      (await api(stack, 'POST', '/v1/traces', { key: stack.apiKey, rawBody: '{"resourceSpans": 5}' })).status,
    ).toBe(400);
    expect((await api(stack, 'POST', '/v1/traces', { key: null, body })).status).toBe(401);
  });
});
