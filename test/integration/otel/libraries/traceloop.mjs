// One chat completion through the openai client instrumented by OpenLLMetry (Traceloop SDK), with
// association properties, exported by the SDK's own OTLP exporter to tokentrail.
// Environment: TOKENTRAIL_URL, TOKENTRAIL_API_KEY, LLM_BASE_URL, SESSION_ID.
import * as traceloop from '@traceloop/node-server-sdk';
import OpenAI from 'openai';

traceloop.initialize({
  appName: 'checkout',
  baseUrl: process.env.TOKENTRAIL_URL,
  apiKey: process.env.TOKENTRAIL_API_KEY,
  disableBatch: true,
  silenceInitializationMessage: true,
  instrumentModules: { openAI: OpenAI },
});

const client = new OpenAI({ baseURL: process.env.LLM_BASE_URL, apiKey: 'sk-test' });
await traceloop.withAssociationProperties(
  { session_id: process.env.SESSION_ID, user_id: 'alice', plan: 'pro' },
  () =>
    client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Where is my order? Reply to jane.doe@example.com' }],
    }),
);
await traceloop.forceFlush();
