/**
 * `wrapOpenAI` with the real `openai` SDK against a deterministic OpenAI-compatible server on
 * loopback: the wrapped client must hand the caller exactly what the plain client does (values,
 * streams, errors, SDK helpers), while the calls reach a tokentrail ingest endpoint.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { TokentrailClient, wrapOpenAI } from '../../../shared/client';
import { API_KEY, IngestEmulator } from './ingest-emulator';

const CREATED = 1_735_689_600;

function completion(model: string) {
  return {
    id: 'chatcmpl-fixed',
    object: 'chat.completion',
    created: CREATED,
    model: `${model}-2024-08-06`,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Hello there', refusal: null },
        finish_reason: 'stop',
      },
    ],
    usage: {
      prompt_tokens: 1200,
      completion_tokens: 20,
      total_tokens: 1220,
      prompt_tokens_details: { cached_tokens: 1024 },
      completion_tokens_details: { reasoning_tokens: 0 },
    },
  };
}

function chunks(model: string, includeUsage: boolean) {
  const base = { id: 'chatcmpl-stream', object: 'chat.completion.chunk', created: CREATED, model };
  const list: Record<string, unknown>[] = [
    { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
    { ...base, choices: [{ index: 0, delta: { content: 'Hel' }, finish_reason: null }] },
    { ...base, choices: [{ index: 0, delta: { content: 'lo' }, finish_reason: 'stop' }] },
  ];
  if (includeUsage) {
    for (const chunk of list) chunk.usage = null;
    list.push({ ...base, choices: [], usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 } });
  }
  return list;
}

function response(model: string) {
  return {
    id: 'resp_fixed',
    object: 'response',
    created_at: CREATED,
    status: 'completed',
    model,
    output: [
      {
        type: 'message',
        id: 'msg_1',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'Hi!', annotations: [] }],
      },
    ],
    usage: {
      input_tokens: 30,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 5,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 35,
    },
  };
}

function responseEvents(model: string) {
  const final = response(model);
  return [
    {
      type: 'response.created',
      sequence_number: 0,
      response: { ...final, status: 'in_progress', output: [], usage: null },
    },
    {
      type: 'response.output_text.delta',
      sequence_number: 1,
      item_id: 'msg_1',
      output_index: 0,
      content_index: 0,
      delta: 'Hi!',
    },
    { type: 'response.completed', sequence_number: 2, response: final },
  ];
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'req_fixed' });
  res.end(JSON.stringify(body));
}

function sendSse(res: ServerResponse, events: { event?: string; data: unknown }[]): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'req_fixed' });
  for (const { event, data } of events) {
    res.write(
      `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`,
    );
  }
  res.end();
}

async function startFakeOpenAI(): Promise<{ server: Server; baseURL: string }> {
  const server = createServer(async (req, res) => {
    const parts: Buffer[] = [];
    for await (const part of req) parts.push(part as Buffer);
    const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as {
      model: string;
      stream?: boolean;
      stream_options?: { include_usage?: boolean };
    };
    if (body.model === 'rate-limited') {
      return sendJson(res, 429, {
        error: {
          message: 'Rate limit reached for requests',
          type: 'requests',
          code: 'rate_limit_exceeded',
          param: null,
        },
      });
    }
    if (req.url === '/v1/chat/completions') {
      if (!body.stream) return sendJson(res, 200, completion(body.model));
      const data = chunks(body.model, body.stream_options?.include_usage === true).map((chunk) => ({
        data: chunk,
      }));
      return sendSse(res, [...data, { data: '[DONE]' }]);
    }
    if (req.url === '/v1/responses') {
      if (!body.stream) return sendJson(res, 200, response(body.model));
      return sendSse(
        res,
        responseEvents(body.model).map((event) => ({ event: event.type, data: event })),
      );
    }
    sendJson(res, 404, { error: { message: 'not found' } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` };
}

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

describe('wrapOpenAI with the real openai SDK', () => {
  let fake: { server: Server; baseURL: string };
  let ingest: IngestEmulator;
  let tokentrail: TokentrailClient;
  let plain: OpenAI;
  let wrapped: OpenAI;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    ingest = new IngestEmulator();
    await ingest.start();
    tokentrail = new TokentrailClient({ endpoint: ingest.url, apiKey: API_KEY, flushIntervalMs: 10 });
    const options = { apiKey: 'sk-test', baseURL: fake.baseURL, maxRetries: 0 };
    plain = new OpenAI(options);
    wrapped = wrapOpenAI(new OpenAI(options), tokentrail, { tags: { suite: 'wrap-openai' } });
  });

  afterAll(async () => {
    await tokentrail.shutdown();
    await ingest.stop();
    await new Promise<void>((resolve) => fake.server.close(() => resolve()));
  });

  const chatBody = { model: 'gpt-4o', messages: [{ role: 'user' as const, content: 'Hello' }] };

  it('non-streaming chat: identical result, request id and withResponse()', async () => {
    const expected = await plain.chat.completions.create(chatBody);
    const actual = await wrapped.chat.completions.create(chatBody);
    expect(actual).toEqual(expected);
    expect(actual._request_id).toBe(expected._request_id);

    const { data, response, request_id } = await wrapped.chat.completions.create(chatBody).withResponse();
    expect(data).toEqual(expected);
    expect(response.status).toBe(200);
    expect(request_id).toBe('req_fixed');
  });

  it('streaming chat: identical chunks, same Stream class, tee() still works', async () => {
    const body = { ...chatBody, stream: true as const, stream_options: { include_usage: true } };
    const expected = await collect(await plain.chat.completions.create(body));
    const stream = await wrapped.chat.completions.create(body);
    expect(stream.constructor).toBe((await plain.chat.completions.create(body)).constructor);
    expect(await collect(stream)).toEqual(expected);

    const [left, right] = (await wrapped.chat.completions.create(body)).tee();
    expect(await collect(left)).toEqual(expected);
    expect(await collect(right)).toEqual(expected);
  });

  it('streaming chat without include_usage: the caller sees no extra chunk', async () => {
    const body = { ...chatBody, stream: true as const };
    const expected = await collect(await plain.chat.completions.create(body));
    expect(await collect(await wrapped.chat.completions.create(body))).toEqual(expected);
    expect(expected).toHaveLength(3);
  });

  it('responses.create, streaming and not: identical results (output_text helper included)', async () => {
    const body = { model: 'gpt-4.1', input: 'Say hi' };
    const expected = await plain.responses.create(body);
    const actual = await wrapped.responses.create(body);
    expect(actual).toEqual(expected);
    expect(actual.output_text).toBe('Hi!');

    const expectedEvents = await collect(await plain.responses.create({ ...body, stream: true }));
    expect(await collect(await wrapped.responses.create({ ...body, stream: true }))).toEqual(expectedEvents);
  });

  it('errors: the same error class, status and message', async () => {
    const body = { model: 'rate-limited', messages: chatBody.messages };
    const expected = await plain.chat.completions.create(body).catch((error: unknown) => error);
    const actual = await wrapped.chat.completions.create(body).catch((error: unknown) => error);
    expect(expected).toBeInstanceOf(OpenAI.RateLimitError);
    expect(actual).toBeInstanceOf(OpenAI.RateLimitError);
    expect((actual as InstanceType<typeof OpenAI.RateLimitError>).status).toBe(429);
    expect((actual as Error).message).toBe((expected as Error).message);
  });

  it('every wrapped call reached tokentrail exactly once, with usage-bearing responses', async () => {
    await tokentrail.flush();
    const stored = [...ingest.stored.values()] as {
      model: string;
      status: string;
      response?: unknown;
      errorClass?: string;
      tags?: Record<string, string>;
      metadata?: { openai?: { api?: string } };
    }[];
    // 2 chat (create, withResponse) + 2 chat streams (one tee'd: still one call) + 1 stream without usage
    // + 2 responses (plain, stream) + 1 error.
    expect(stored).toHaveLength(8);
    expect(stored.every((interaction) => interaction.tags?.suite === 'wrap-openai')).toBe(true);
    expect(stored.filter((interaction) => interaction.metadata?.openai?.api === 'responses')).toHaveLength(2);
    const failed = stored.filter((interaction) => interaction.status === 'error');
    expect(failed).toEqual([
      expect.objectContaining({ model: 'rate-limited', errorClass: 'RateLimitError' }),
    ]);
    const streamed = stored.filter((interaction) => Array.isArray(interaction.response));
    expect(streamed).toHaveLength(4);
    expect(stored.find((interaction) => interaction.model === 'gpt-4o-2024-08-06')?.response).toMatchObject({
      usage: { prompt_tokens: 1200, prompt_tokens_details: { cached_tokens: 1024 } },
    });
    expect(tokentrail.stats()).toMatchObject({ accepted: 8, rejected: 0, failed: 0, dropped: 0 });
  });
});
