/**
 * Records OpenAI SDK calls without changing them: `wrapOpenAI` returns a proxy of the client
 * whose `chat.completions.create` and `responses.create` report each call to tokentrail. Return
 * values (including the SDK's `APIPromise` helpers and `Stream` objects) and thrown errors are the
 * ones the SDK produces. Nothing here imports the `openai` package, so any compatible client works.
 */
import type { InteractionInput, TokentrailClient } from './client';

/** The SDK methods that are recorded, by path from the client. */
export type RecordedApi = 'chat.completions' | 'responses';

export interface WrapOpenAIOptions {
  /** Provider name stored with each call. Default `openai` (use `azure-openai` for `AzureOpenAI`). */
  provider?: string;
  /** Tags added to every recorded call. */
  tags?: Record<string, string>;
  /** Metadata added to every recorded call. */
  metadata?: Record<string, unknown>;
  /** Per-call fields (e.g. `sessionId`, `userId`, `tags`) derived from the request body. */
  enrich?: (call: { api: RecordedApi; body: unknown }) => Partial<InteractionInput> | undefined;
  /**
   * Adds `stream_options: {include_usage: true}` to streamed chat completions that lack it, so
   * they can be priced. Off by default because it changes what the caller sees: the SDK then
   * yields one more chunk (empty `choices`, with `usage`) and every chunk carries `usage: null`.
   * Responses API streams always report usage in `response.completed`.
   */
  includeStreamUsage?: boolean;
  /** Wall clock in epoch milliseconds. Default `Date.now`. */
  now?: () => number;
}

type Recorder = Pick<TokentrailClient, 'record'>;

const RECORDED: Record<string, unknown> = {
  chat: { completions: { create: 'chat.completions' } },
  responses: { create: 'responses' },
};

const MAX_ERROR_MESSAGE = 16_384;

/**
 * Wraps an OpenAI client so that `chat.completions.create` and `responses.create` calls
 * (streaming or not) are recorded with provider, model, request, response (or the list of
 * stream chunks), latency, status and error. Everything else passes through untouched.
 *
 * Recording happens when the caller consumes the result (awaits it, iterates the stream); calls
 * used only through `.asResponse()` are recorded only if they fail.
 *
 * @example
 * const openai = wrapOpenAI(new OpenAI(), tokentrail, { tags: { feature: 'search' } });
 * const completion = await openai.chat.completions.create({ model: 'gpt-4o', messages });
 */
export function wrapOpenAI<T extends object>(
  openai: T,
  tokentrail: Recorder,
  options: WrapOpenAIOptions = {},
): T {
  return proxyResource(openai, RECORDED, { openai, tokentrail, options, now: options.now ?? Date.now });
}

interface WrapContext {
  openai: object;
  tokentrail: Recorder;
  options: WrapOpenAIOptions;
  now: () => number;
}

function proxyResource<T extends object>(target: T, tree: Record<string, unknown>, context: WrapContext): T {
  const cache = new Map<PropertyKey, { source: unknown; value: unknown }>();
  return new Proxy(target, {
    get(resource, property) {
      const source = Reflect.get(resource, property, resource);
      const cached = cache.get(property);
      if (cached && cached.source === source) return cached.value;
      const branch = typeof property === 'string' ? tree[property] : undefined;
      let value: unknown = source;
      if (typeof branch === 'string' && typeof source === 'function') {
        value = recordedMethod(branch as RecordedApi, source.bind(resource), context);
      } else if (branch && typeof branch === 'object' && source && typeof source === 'object') {
        value = proxyResource(source, branch as Record<string, unknown>, context);
      } else if (typeof source === 'function') {
        // Bound to the real object: SDK classes keep state in #private fields a proxy cannot reach.
        value = source.bind(resource);
      }
      cache.set(property, { source, value });
      return value;
    },
  });
}

function recordedMethod(
  api: RecordedApi,
  create: (body: unknown, ...rest: unknown[]) => unknown,
  context: WrapContext,
): (body: unknown, ...rest: unknown[]) => unknown {
  return (body: unknown, ...rest: unknown[]) => {
    const sent = withStreamUsage(api, body, context.options);
    const call = new CallRecord(api, sent, context);
    let result: unknown;
    try {
      result = create(sent, ...rest);
    } catch (error) {
      call.fail(error);
      throw error;
    }
    return observe(result, call, context);
  };
}

function withStreamUsage(api: RecordedApi, body: unknown, options: WrapOpenAIOptions): unknown {
  if (!options.includeStreamUsage || api !== 'chat.completions' || !isRecord(body) || body.stream !== true) {
    return body;
  }
  const streamOptions = isRecord(body.stream_options) ? body.stream_options : {};
  if (streamOptions.include_usage !== undefined) return body;
  return { ...body, stream_options: { ...streamOptions, include_usage: true } };
}

/**
 * The SDK's `APIPromise` (or any promise) with the same behaviour, observed: the first
 * `then`/`catch`/`finally`/`withResponse` parses once (the SDK memoizes it) and records.
 */
function observe(result: unknown, call: CallRecord, context: WrapContext): unknown {
  if (!isThenable(result)) {
    call.succeed(result);
    return result;
  }
  const target = result as PromiseLike<unknown> & Record<string, unknown>;
  if (typeof target.asResponse === 'function') {
    // Seeing HTTP failures early does not consume the body, unlike parsing it would.
    (target.asResponse as () => Promise<unknown>).call(target).then(
      () => call.markHeaders(),
      (error: unknown) => call.fail(error),
    );
  }
  let observed: Promise<unknown> | undefined;
  const parsed = () => {
    observed ??= Promise.resolve(
      target.then(
        (value) => {
          if (isStream(value, call.body)) return recordedStream(value, call, context);
          call.succeed(value);
          return value;
        },
        (error: unknown) => {
          call.fail(error);
          throw error;
        },
      ),
    );
    return observed;
  };
  return new Proxy(target, {
    get(promise, property) {
      switch (property) {
        case 'then':
          return (onFulfilled?: (value: unknown) => unknown, onRejected?: (reason: unknown) => unknown) =>
            parsed().then(onFulfilled, onRejected);
        case 'catch':
          return (onRejected?: (reason: unknown) => unknown) => parsed().catch(onRejected);
        case 'finally':
          return (onFinally?: () => void) => parsed().finally(onFinally);
        case 'withResponse':
          if (typeof promise.withResponse !== 'function') return promise.withResponse;
          return async () => {
            const withResponse = (await (promise.withResponse as () => Promise<Record<string, unknown>>).call(
              promise,
            )) as Record<string, unknown>;
            return { ...withResponse, data: await parsed() };
          };
        default: {
          const value = Reflect.get(promise, property, promise);
          return typeof value === 'function' ? value.bind(promise) : value;
        }
      }
    },
  });
}

/**
 * A stream yielding exactly the SDK's chunks, recording them when it ends (completed, broken
 * off or failed). For the SDK's `Stream` it is a new `Stream` over the same controller, so
 * `tee()`, `toReadableStream()` and `controller` behave as before.
 */
function recordedStream(stream: AsyncIterable<unknown>, call: CallRecord, context: WrapContext): unknown {
  const chunks: unknown[] = [];
  async function* iterate(): AsyncGenerator<unknown> {
    let completed = false;
    try {
      for await (const chunk of stream) {
        if (chunks.length === 0) call.markFirstChunk();
        chunks.push(chunk);
        yield chunk;
      }
      completed = true;
    } catch (error) {
      call.fail(error, chunks);
      throw error;
    } finally {
      call.succeed(chunks, { streamCompleted: completed });
    }
  }
  const StreamClass = (stream as { constructor?: unknown }).constructor;
  const controller = (stream as { controller?: unknown }).controller;
  if (typeof StreamClass === 'function' && controller !== undefined) {
    try {
      const Ctor = StreamClass as new (
        iterator: () => AsyncIterator<unknown>,
        controller: unknown,
        client: unknown,
      ) => object;
      const wrapped = new Ctor(iterate, controller, context.openai);
      if (typeof (wrapped as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') return wrapped;
    } catch {
      // Not the SDK's Stream: fall through to a minimal wrapper.
    }
  }
  return new Proxy(stream as object, {
    get(target, property) {
      if (property === Symbol.asyncIterator) return () => iterate();
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** One SDK call being recorded; records at most once. */
class CallRecord {
  public readonly body: unknown;
  readonly #api: RecordedApi;
  readonly #context: WrapContext;
  readonly #startedAt: number;
  #headersAt?: number;
  #firstChunkAt?: number;
  #done = false;

  public constructor(api: RecordedApi, body: unknown, context: WrapContext) {
    this.#api = api;
    this.body = body;
    this.#context = context;
    this.#startedAt = context.now();
  }

  public markHeaders(): void {
    this.#headersAt ??= this.#context.now();
  }

  public markFirstChunk(): void {
    this.#firstChunkAt ??= this.#context.now();
  }

  public succeed(response: unknown, extra: Record<string, unknown> = {}): void {
    this.#record({ status: 'success', response }, extra);
  }

  public fail(error: unknown, chunks?: unknown[]): void {
    const errorRecord = error as {
      name?: unknown;
      message?: unknown;
      status?: unknown;
      constructor?: { name?: unknown };
    };
    const className =
      typeof errorRecord?.constructor?.name === 'string' ? errorRecord.constructor.name : undefined;
    const errorClass = className && className !== 'Object' ? className : String(errorRecord?.name ?? 'Error');
    const message = typeof errorRecord?.message === 'string' ? errorRecord.message : String(error);
    this.#record(
      {
        status: 'error',
        errorClass: errorClass.slice(0, 256) || 'Error',
        errorMessage: message.slice(0, MAX_ERROR_MESSAGE),
        ...(chunks && chunks.length > 0 ? { response: chunks } : {}),
      },
      typeof errorRecord?.status === 'number' ? { httpStatus: errorRecord.status } : {},
    );
  }

  #record(outcome: Partial<InteractionInput>, extra: Record<string, unknown>): void {
    if (this.#done) return;
    this.#done = true;
    const { options, tokentrail, now } = this.#context;
    try {
      const endedAt = now();
      const enriched = options.enrich?.({ api: this.#api, body: this.body }) ?? {};
      const timings: Record<string, number> = {};
      if (this.#firstChunkAt !== undefined) timings.timeToFirstChunkMs = this.#firstChunkAt - this.#startedAt;
      else if (this.#headersAt !== undefined) timings.timeToHeadersMs = this.#headersAt - this.#startedAt;
      tokentrail.record({
        provider: options.provider ?? 'openai',
        model: modelOf(outcome.response) ?? modelOf(this.body) ?? 'unknown',
        request: this.body,
        latencyMs: Math.max(0, endedAt - this.#startedAt),
        startedAt: new Date(this.#startedAt).toISOString(),
        endedAt: new Date(Math.max(endedAt, this.#startedAt)).toISOString(),
        ...outcome,
        ...enriched,
        tags: { ...options.tags, ...enriched.tags },
        metadata: {
          ...options.metadata,
          ...enriched.metadata,
          openai: { api: this.#api, ...timings, ...extra },
        },
      });
    } catch {
      // Recording must never break the caller's call.
    }
  }
}

/** The model named by a response, a request body, a chunk list or a Responses API event list. */
function modelOf(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const model = modelOf(item) ?? (isRecord(item) ? modelOf(item.response) : undefined);
      if (model !== undefined) return model;
    }
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  return typeof value.model === 'string' && value.model.length > 0 ? value.model.slice(0, 256) : undefined;
}

function isStream(value: unknown, body: unknown): value is AsyncIterable<unknown> {
  return (
    isRecord(body) &&
    body.stream === true &&
    !!value &&
    typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
  );
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return !!value && typeof (value as PromiseLike<unknown>).then === 'function';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}
