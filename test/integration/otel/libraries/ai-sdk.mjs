// One chat call, one streamed chat call and one embedding with the Vercel AI SDK, traced to tokentrail.
// Usage: node ai-sdk.mjs <v5 | v6 | v7-legacy | v7-otel>; also LLM_BASE_URL, SESSION_ID (see otel-setup.mjs).
import { tokentrailTracerProvider } from './otel-setup.mjs';

const line = process.argv[2];
const provider = tokentrailTracerProvider();
const tracer = provider.getTracer('ai');
const sessionId = process.env.SESSION_ID;
const prompt = 'Where is my order? Reply to jane.doe@example.com';

const modules = {
  v5: ['ai-v5', 'ai-sdk-openai-v2'],
  v6: ['ai-v6', 'ai-sdk-openai-v3'],
  'v7-legacy': ['ai', '@ai-sdk/openai'],
  'v7-otel': ['ai', '@ai-sdk/openai'],
}[line];
const ai = await import(modules[0]);
const { createOpenAI } = await import(modules[1]);
const openai = createOpenAI({ baseURL: process.env.LLM_BASE_URL, apiKey: 'sk-test' });

let telemetry;
let extra = {};
if (line === 'v5' || line === 'v6') {
  telemetry = {
    experimental_telemetry: { isEnabled: true, tracer, metadata: { sessionId, tenant: 'acme' } },
  };
} else {
  const otel = await import('@ai-sdk/otel');
  const integration =
    line === 'v7-legacy'
      ? new otel.LegacyOpenTelemetry({ tracer })
      : new otel.OpenTelemetry({ tracer, runtimeContext: true });
  telemetry = {
    telemetry: { integrations: [integration], includeRuntimeContext: { sessionId: true, tenant: true } },
  };
  extra = { runtimeContext: { sessionId, tenant: 'acme' } };
}

const chat = openai.chat('gpt-4o-mini');
const generated = await ai.generateText({ model: chat, prompt, ...telemetry, ...extra });
const streamed = ai.streamText({ model: chat, prompt, ...telemetry, ...extra });
let text = '';
for await (const part of streamed.textStream) text += part;
const embedding = openai.embedding
  ? openai.embedding('text-embedding-3-small')
  : openai.textEmbeddingModel('text-embedding-3-small');
await ai.embed({ model: embedding, value: 'refund policy', ...telemetry, ...extra });

await provider.forceFlush();
await provider.shutdown();
process.stdout.write(`${JSON.stringify({ generated: generated.text, streamed: text })}\n`);
