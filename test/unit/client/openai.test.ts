import { type InteractionInput, wrapOpenAI } from '../../../shared/client';

/** A stand-in SDK: private state, a resource tree, promise and stream results. */
class FakeCompletions {
  readonly #answers: unknown[];
  public calls: unknown[] = [];

  public constructor(answers: unknown[]) {
    this.#answers = answers;
  }

  public create(body: { stream?: boolean; [key: string]: unknown }): Promise<unknown> {
    this.calls.push(body);
    const answer = this.#answers.shift();
    if (answer instanceof Error) return Promise.reject(answer);
    if (body.stream) {
      const chunks = answer as unknown[];
      return Promise.resolve({
        async *[Symbol.asyncIterator]() {
          for (const chunk of chunks) {
            if (chunk instanceof Error) throw chunk;
            yield chunk;
          }
        },
      });
    }
    return Promise.resolve(answer);
  }

  public list(): string {
    return `listed ${this.#answers.length}`;
  }
}

class FakeOpenAI {
  readonly #apiKey = 'sk-test';
  public chat: { completions: FakeCompletions };
  public responses: FakeCompletions;

  public constructor(chat: unknown[], responses: unknown[] = []) {
    this.chat = { completions: new FakeCompletions(chat) };
    this.responses = new FakeCompletions(responses);
  }

  public apiKeyLength(): number {
    return this.#apiKey.length;
  }
}

function recorder() {
  const recorded: InteractionInput[] = [];
  return {
    recorded,
    tokentrail: {
      record: (interaction: InteractionInput) => {
        recorded.push(interaction);
        return 'id';
      },
    },
  };
}

function clock(...times: number[]) {
  return () => times.shift() ?? 0;
}

const completion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  model: 'gpt-4o-2024-08-06',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
};

describe('wrapOpenAI (fake client)', () => {
  it('returns the same completion and records it', async () => {
    const { recorded, tokentrail } = recorder();
    const openai = wrapOpenAI(new FakeOpenAI([completion]), tokentrail, {
      now: clock(1_700_000_000_000, 1_700_000_000_250),
      tags: { feature: 'greeting' },
    });
    const body = { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hello' }] };
    const result = await openai.chat.completions.create(body);
    expect(result).toBe(completion);
    expect(recorded).toEqual([
      {
        provider: 'openai',
        model: 'gpt-4o-2024-08-06',
        request: body,
        response: completion,
        status: 'success',
        latencyMs: 250,
        startedAt: '2023-11-14T22:13:20.000Z',
        endedAt: '2023-11-14T22:13:20.250Z',
        tags: { feature: 'greeting' },
        metadata: { openai: { api: 'chat.completions' } },
      },
    ]);
  });

  it('rethrows the same error and records it', async () => {
    class RateLimitError extends Error {
      public status = 429;
    }
    const failure = new RateLimitError('Rate limit reached');
    const { recorded, tokentrail } = recorder();
    const openai = wrapOpenAI(new FakeOpenAI([failure]), tokentrail);
    await expect(openai.chat.completions.create({ model: 'gpt-4o', messages: [] })).rejects.toBe(failure);
    expect(recorded[0]).toMatchObject({
      model: 'gpt-4o',
      status: 'error',
      errorClass: 'RateLimitError',
      errorMessage: 'Rate limit reached',
      metadata: { openai: { api: 'chat.completions', httpStatus: 429 } },
    });
  });

  it('yields identical stream chunks and records them as the response', async () => {
    const chunks = [
      { id: 'c', model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content: 'Hel' } }], usage: null },
      { id: 'c', model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content: 'lo' } }], usage: null },
      { id: 'c', model: 'gpt-4o-mini', choices: [], usage: { prompt_tokens: 3, completion_tokens: 2 } },
    ];
    const { recorded, tokentrail } = recorder();
    const openai = wrapOpenAI(new FakeOpenAI([chunks]), tokentrail, { now: clock(0, 40, 90) });
    const stream = (await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [],
      stream: true,
      stream_options: { include_usage: true },
    })) as AsyncIterable<unknown>;
    const seen: unknown[] = [];
    for await (const chunk of stream) seen.push(chunk);
    expect(seen).toEqual(chunks);
    for (const [index, chunk] of seen.entries()) expect(chunk).toBe(chunks[index]);
    expect(recorded[0]).toMatchObject({
      model: 'gpt-4o-mini',
      response: chunks,
      status: 'success',
      latencyMs: 90,
      metadata: { openai: { api: 'chat.completions', timeToFirstChunkMs: 40, streamCompleted: true } },
    });
  });

  it('records a stream broken off by the caller, and one that fails midway', async () => {
    const failure = new Error('stream reset');
    const { recorded, tokentrail } = recorder();
    const openai = wrapOpenAI(
      new FakeOpenAI([
        [
          { model: 'm', n: 1 },
          { model: 'm', n: 2 },
        ],
        [{ model: 'm', n: 1 }, failure],
      ]),
      tokentrail,
    );
    for await (const _chunk of (await openai.chat.completions.create({
      model: 'm',
      stream: true,
    })) as AsyncIterable<unknown>) {
      break;
    }
    const failing = (await openai.chat.completions.create({
      model: 'm',
      stream: true,
    })) as AsyncIterable<unknown>;
    await expect(
      (async () => {
        for await (const _chunk of failing) {
          // consume
        }
      })(),
    ).rejects.toBe(failure);
    expect(recorded.map((interaction) => [interaction.status, interaction.response])).toEqual([
      ['success', [{ model: 'm', n: 1 }]],
      ['error', [{ model: 'm', n: 1 }]],
    ]);
    expect(recorded[0]!.metadata).toMatchObject({ openai: { streamCompleted: false } });
  });

  it('adds include_usage only when asked to', async () => {
    const { tokentrail } = recorder();
    const fake = new FakeOpenAI([[], [], []]);
    const plain = wrapOpenAI(fake, tokentrail);
    const withUsage = wrapOpenAI(fake, tokentrail, { includeStreamUsage: true });
    await plain.chat.completions.create({ model: 'm', stream: true });
    await withUsage.chat.completions.create({ model: 'm', stream: true, stream_options: { foo: 1 } });
    await withUsage.chat.completions.create({
      model: 'm',
      stream: true,
      stream_options: { include_usage: false },
    });
    expect(fake.chat.completions.calls).toEqual([
      { model: 'm', stream: true },
      { model: 'm', stream: true, stream_options: { foo: 1, include_usage: true } },
      { model: 'm', stream: true, stream_options: { include_usage: false } },
    ]);
  });

  it('records responses.create, applies enrich, and passes everything else through', async () => {
    const response = {
      id: 'resp_1',
      object: 'response',
      model: 'gpt-4.1',
      usage: { input_tokens: 4, output_tokens: 2 },
    };
    const { recorded, tokentrail } = recorder();
    const fake = new FakeOpenAI([], [response]);
    const openai = wrapOpenAI(fake, tokentrail, {
      provider: 'azure-openai',
      enrich: ({ body }) => ({ userId: (body as { user?: string }).user, tags: { tenant: 't1' } }),
    });
    expect(await openai.responses.create({ model: 'gpt-4.1', input: 'hi', user: 'u-7' })).toBe(response);
    expect(recorded[0]).toMatchObject({
      provider: 'azure-openai',
      model: 'gpt-4.1',
      userId: 'u-7',
      tags: { tenant: 't1' },
      metadata: { openai: { api: 'responses' } },
    });
    expect(openai.apiKeyLength()).toBe(7);
    expect(openai.chat.completions.list()).toBe('listed 0');
    expect(openai.chat.completions.list).toBe(openai.chat.completions.list);
  });

  it('never lets a failing recorder break the call', async () => {
    const openai = wrapOpenAI(new FakeOpenAI([completion]), {
      record: () => {
        throw new Error('recorder down');
      },
    });
    await expect(openai.chat.completions.create({ model: 'gpt-4o' })).resolves.toBe(completion);
  });
});
