/**
 * A tiny OpenAI-compatible responder on loopback for the instrumentation libraries under test:
 * `POST /v1/chat/completions` (plain and streamed, with `stream_options.include_usage`) and
 * `POST /v1/embeddings`. Every chat answer reports the same usage, cache reads included, so each
 * library's spans can be checked against one known bill.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What every chat completion reports: 1,200 prompt tokens of which 1,024 cached, 40 completion tokens. */
export const CHAT_USAGE = { prompt: 1_200, cached: 1_024, completion: 40 } as const;
/** What every embeddings call reports. */
export const EMBEDDING_TOKENS = 8;
export const ANSWER = 'Your order ships Tuesday.';

export interface LlmServer {
  /** Base URL including `/v1`, as OpenAI clients take it. */
  baseUrl: string;
  close(): Promise<void>;
}

const usage = {
  prompt_tokens: CHAT_USAGE.prompt,
  completion_tokens: CHAT_USAGE.completion,
  total_tokens: CHAT_USAGE.prompt + CHAT_USAGE.completion,
  prompt_tokens_details: { cached_tokens: CHAT_USAGE.cached },
  completion_tokens_details: { reasoning_tokens: 0 },
};

/** Starts the responder on 127.0.0.1 (a free port). */
export async function startLlmServer(): Promise<LlmServer> {
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    const model = String(body.model ?? 'gpt-4o-mini');
    const created = Math.floor(Date.now() / 1000);
    if (request.url?.endsWith('/embeddings')) {
      const inputs = Array.isArray(body.input) ? body.input : [body.input];
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          object: 'list',
          model,
          data: inputs.map((_, index) => ({ object: 'embedding', index, embedding: [0.125, -0.5, 0.25] })),
          usage: { prompt_tokens: EMBEDDING_TOKENS, total_tokens: EMBEDDING_TOKENS },
        }),
      );
      return;
    }
    if (!request.url?.endsWith('/chat/completions')) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: `no route ${request.url}` } }));
      return;
    }
    const id = `chatcmpl-${created}`;
    if (body.stream === true) {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const base = { id, object: 'chat.completion.chunk', created, model };
      const events: Record<string, unknown>[] = [
        { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
        { ...base, choices: [{ index: 0, delta: { content: ANSWER }, finish_reason: null }] },
        { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
        { ...base, choices: [], usage },
      ];
      for (const event of events) response.write(`data: ${JSON.stringify(event)}\n\n`);
      response.end('data: [DONE]\n\n');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [
          { index: 0, message: { role: 'assistant', content: ANSWER, refusal: null }, finish_reason: 'stop' },
        ],
        usage,
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
