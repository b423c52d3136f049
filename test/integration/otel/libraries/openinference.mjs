// One chat completion and one embedding through the openai client instrumented by OpenInference, traced to tokentrail.
// Environment: LLM_BASE_URL, SESSION_ID (see otel-setup.mjs).

import { setSession } from '@arizeai/openinference-core';
import { OpenAIInstrumentation } from '@arizeai/openinference-instrumentation-openai';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import OpenAI from 'openai';
import { tokentrailTracerProvider } from './otel-setup.mjs';

// setSession travels in the OpenTelemetry context, which needs a context manager.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const provider = tokentrailTracerProvider();
const instrumentation = new OpenAIInstrumentation({ tracerProvider: provider });
instrumentation.manuallyInstrument(OpenAI);

const client = new OpenAI({ baseURL: process.env.LLM_BASE_URL, apiKey: 'sk-test' });
await context.with(setSession(context.active(), { sessionId: process.env.SESSION_ID }), async () => {
  await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Where is my order? Reply to jane.doe@example.com' }],
  });
  await client.embeddings.create({ model: 'text-embedding-3-small', input: 'refund policy' });
});

await provider.forceFlush();
await provider.shutdown();
