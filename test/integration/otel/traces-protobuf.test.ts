/**
 * `POST /v1/traces` with OTLP/HTTP protobuf, sent by the real `@opentelemetry/exporter-trace-otlp-proto`
 * through a recording loopback proxy: the request bytes are the SDK's own encoding (not ours), and
 * the answers are checked as the exporter reads them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';
import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { LocalStack } from '../../../infra/local/twin';
import { OTLP_TRACE_TYPES, otelInteractionId } from '../../../shared/domain/otel';
import { api, startTestStack } from '../../support/stack';
import { emitGenAiSpans } from './genai-spans';

interface Exchange {
  requestHeaders: Record<string, string | string[] | undefined>;
  requestBody: Buffer;
  status: number;
  contentType: string | null;
  responseBody: Buffer;
}

/** Forwards every request to the stack unchanged and records both sides. */
async function startRecordingProxy(
  target: () => string,
  exchanges: Exchange[],
): Promise<{ server: Server; url: string }> {
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const requestBody = Buffer.concat(chunks);
    const forwarded: Record<string, string> = {};
    for (const name of ['authorization', 'content-type', 'content-encoding']) {
      const value = request.headers[name];
      if (typeof value === 'string') forwarded[name] = value;
    }
    const answer = await fetch(`${target()}${request.url}`, {
      method: request.method,
      headers: forwarded,
      body: requestBody,
    });
    const responseBody = Buffer.from(await answer.arrayBuffer());
    const contentType = answer.headers.get('content-type');
    exchanges.push({
      requestHeaders: request.headers,
      requestBody,
      status: answer.status,
      contentType,
      responseBody,
    });
    response.writeHead(answer.status, contentType ? { 'content-type': contentType } : {});
    response.end(responseBody);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function decodeResponse(bytes: Uint8Array): Record<string, unknown> {
  const { response } = OTLP_TRACE_TYPES;
  return response.toObject(response.decode(bytes), { longs: String });
}

describe('POST /v1/traces with the real OpenTelemetry protobuf exporter', () => {
  let stack: LocalStack;
  let proxy: { server: Server; url: string };
  const exchanges: Exchange[] = [];

  beforeAll(async () => {
    stack = await startTestStack();
    proxy = await startRecordingProxy(() => stack.url, exchanges);
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => proxy.server.close(() => resolve()));
    await stack.stop();
  });
  beforeEach(() => {
    exchanges.length = 0;
  });

  const exportingProvider = () =>
    new TracerProvider({
      spanProcessors: [
        new SimpleSpanProcessor({
          exporter: new OTLPTraceExporter({
            url: `${proxy.url}/v1/traces`,
            headers: { Authorization: `Bearer ${stack.apiKey}` },
          }),
        }),
      ],
    });

  it('turns GenAI spans with current and legacy attribute names into priced interactions findable by session', async () => {
    const provider = exportingProvider();
    const tracer = provider.getTracer('tokentrail-it-proto');
    const { current, legacy, plain } = emitGenAiSpans(tracer, {
      sessionId: 'otel-proto-session',
      day: '2026-11-21',
      currentAttributes: { 'gen_ai.request.temperature': 0.5, 'gen_ai.response.finish_reasons': ['stop'] },
    });
    await provider.forceFlush();
    await provider.shutdown();
    await stack.drain();

    // Three exports (one per span), all protobuf, all fully accepted: an empty protobuf answer.
    expect(exchanges).toHaveLength(3);
    for (const exchange of exchanges) {
      expect(exchange.requestHeaders['content-type']).toBe('application/x-protobuf');
      expect(exchange.status).toBe(200);
      expect(exchange.contentType).toBe('application/x-protobuf');
      expect(decodeResponse(exchange.responseBody)).toEqual({});
    }

    const session = await api<{ interactions: { id: string }[] }>(
      stack,
      'GET',
      '/v1/interactions?sessionId=otel-proto-session',
    );
    const ids = [
      otelInteractionId(current.spanContext().traceId, current.spanContext().spanId),
      otelInteractionId(legacy.spanContext().traceId, legacy.spanContext().spanId),
    ];
    expect(session.body.interactions.map((item) => item.id).sort()).toEqual([...ids].sort());
    // The non-GenAI span became nothing.
    const plainId = otelInteractionId(plain.spanContext().traceId, plain.spanContext().spanId);
    expect((await api(stack, 'GET', `/v1/interactions/${plainId}`)).status).toBe(404);

    const stored = await api(stack, 'GET', `/v1/interactions/${ids[0]}`);
    expect(stored.body).toMatchObject({
      provider: 'openai',
      latencyMs: 2000,
      startedAt: '2026-11-21T10:00:00.000Z',
      tokens: { input: 1200, cachedInput: 200, output: 80 },
      // 1000 × $2.50/M + 200 × $1.25/M + 80 × $10/M
      cost: { priced: true, totalNanoUsd: 3_550_000 },
      redactions: { EMAIL: 1 },
      request: { parameters: { temperature: 0.5 } },
      response: { finishReasons: ['stop'] },
    });
    expect(JSON.stringify(stored.body)).not.toContain('ops@example.org');
    const legacyStored = await api(stack, 'GET', `/v1/interactions/${ids[1]}`);
    // claude-3-5-haiku: 1000 × $0.80/M + 100 × $4/M
    expect(legacyStored.body).toMatchObject({
      provider: 'anthropic',
      cost: { priced: true, totalNanoUsd: 1_200_000 },
    });
  });

  it('answers a protobuf partial success that the exporter reads, and takes gzip-compressed protobuf from a raw fetch', async () => {
    const warnings: string[] = [];
    const logger: DiagLogger = {
      error: () => undefined,
      warn: (...args: unknown[]) => warnings.push(args.map(String).join(' ')),
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    };
    diag.setLogger(logger, DiagLogLevel.WARN);
    // Spans from a provider without processors, exported together: one request, so the answer is a partial success.
    const tracer = new TracerProvider().getTracer('tokentrail-it-proto');
    const good = tracer.startSpan('chat', {
      attributes: {
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 100,
        'gen_ai.usage.output_tokens': 10,
      },
    });
    const bad = tracer.startSpan('chat', {
      attributes: {
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': -5,
      },
    });
    good.end();
    bad.end();
    const exporter = new OTLPTraceExporter({
      url: `${proxy.url}/v1/traces`,
      headers: { Authorization: `Bearer ${stack.apiKey}` },
      compression: 'gzip' as never,
    });
    try {
      const result = await new Promise<{ code: number }>((resolve) =>
        exporter.export([good, bad] as never, resolve),
      );
      expect(result.code).toBe(0);
    } finally {
      await exporter.shutdown();
      diag.disable();
    }

    expect(exchanges).toHaveLength(1);
    const [exchange] = exchanges as [Exchange];
    expect(exchange.requestHeaders['content-encoding']).toBe('gzip');
    expect(exchange.status).toBe(200);
    expect(exchange.contentType).toBe('application/x-protobuf');
    expect(decodeResponse(exchange.responseBody)).toEqual({
      partialSuccess: {
        rejectedSpans: '1',
        errorMessage: expect.stringContaining(`span ${bad.spanContext().spanId}`),
      },
    });
    // The exporter itself decoded our answer as a partial success.
    expect(warnings.some((warning) => /Partial Success/.test(warning) && /rejectedSpans/.test(warning))).toBe(
      true,
    );

    // The exporter's own protobuf, re-sent by hand gzip-compressed (same span ids, so the same interactions).
    const protobufBytes = gunzipSync(exchange.requestBody);
    const resent = await fetch(`${stack.url}/v1/traces`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${stack.apiKey}`,
        'content-type': 'application/x-protobuf',
        'content-encoding': 'gzip',
      },
      body: gzipSync(protobufBytes),
    });
    expect(resent.status).toBe(200);
    expect(resent.headers.get('content-type')).toBe('application/x-protobuf');
    expect(decodeResponse(Buffer.from(await resent.arrayBuffer()))).toMatchObject({
      partialSuccess: { rejectedSpans: '1' },
    });
    await stack.drain();
    const goodId = otelInteractionId(good.spanContext().traceId, good.spanContext().spanId);
    expect((await api(stack, 'GET', `/v1/interactions/${goodId}`)).body).toMatchObject({
      provider: 'openai',
      tokens: { input: 100, output: 10 },
      cost: { priced: true },
    });
  });

  it('answers 400 without payload text for bytes that are not protobuf, 415 naming both encodings, 401 without key', async () => {
    const post = (headers: Record<string, string>, body: Uint8Array | string) =>
      fetch(`${stack.url}/v1/traces`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.apiKey}`, ...headers },
        body,
      });

    // A span name followed by a length running past the end.
    const malformed = Buffer.concat([Buffer.from([0x0a, 0x7f]), Buffer.from('secret-payload')]);
    const invalid = await post({ 'content-type': 'application/x-protobuf' }, malformed);
    expect(invalid.status).toBe(400);
    const invalidText = await invalid.text();
    expect(JSON.parse(invalidText)).toMatchObject({
      error: {
        code: 'invalid_request',
        message: 'invalid OTLP trace export',
        issues: [{ path: '', message: expect.stringMatching(/^invalid protobuf/) }],
      },
    });
    expect(invalidText).not.toContain('secret');

    const badGzip = await post(
      { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' },
      malformed,
    );
    expect(badGzip.status).toBe(400);

    const unsupported = await post({ 'content-type': 'text/plain' }, 'hello');
    expect(unsupported.status).toBe(415);
    expect(((await unsupported.json()) as { error: { message: string } }).error.message).toMatch(
      /application\/json.*application\/x-protobuf/,
    );

    const empty = await post({ 'content-type': 'application/x-protobuf' }, new Uint8Array(0));
    expect(empty.status).toBe(200);
    expect((await empty.arrayBuffer()).byteLength).toBe(0);

    const anonymous = await fetch(`${stack.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: new Uint8Array(0),
    });
    expect(anonymous.status).toBe(401);
  });
});
