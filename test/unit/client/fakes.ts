/** Deterministic time and a scripted `POST /v1/interactions` for client unit tests. */
import type { Timers } from '../../../shared/client';

/** Lets pending promise callbacks (fake fetch answers, client bookkeeping) run. */
export async function settle(): Promise<void> {
  for (let round = 0; round < 10; round += 1) await new Promise((resolve) => setImmediate(resolve));
}

/** Virtual time: timers fire only when the test advances the clock. */
export class ManualTimers implements Timers {
  public now = 0;
  #nextHandle = 1;
  readonly #pending = new Map<number, { at: number; callback: () => void }>();
  /** Delays asked for, in order (to check backoff). */
  public readonly requested: number[] = [];

  public setTimeout = (callback: () => void, ms: number): unknown => {
    const handle = this.#nextHandle++;
    this.#pending.set(handle, { at: this.now + ms, callback });
    this.requested.push(ms);
    return handle;
  };

  public clearTimeout = (handle: unknown): void => {
    this.#pending.delete(handle as number);
  };

  public get pendingCount(): number {
    return this.#pending.size;
  }

  /** Moves the clock forward, firing due timers in order and letting promises settle after each. */
  public async advance(ms: number): Promise<void> {
    const target = this.now + ms;
    await settle();
    for (;;) {
      const due = [...this.#pending.entries()]
        .filter(([, timer]) => timer.at <= target)
        .sort(([a, x], [b, y]) => x.at - y.at || a - b)[0];
      if (!due) break;
      const [handle, timer] = due;
      this.#pending.delete(handle);
      this.now = Math.max(this.now, timer.at);
      timer.callback();
      await settle();
    }
    this.now = target;
    await settle();
  }

  /** Advances until no timer is pending (or `limitMs` passes). */
  public async runAll(limitMs = 10 * 60_000): Promise<void> {
    const stop = this.now + limitMs;
    while (this.#pending.size > 0 && this.now < stop) {
      const next = Math.min(...[...this.#pending.values()].map((timer) => timer.at));
      await this.advance(Math.max(0, next - this.now));
    }
  }
}

export interface SentRequest {
  url: string;
  headers: Record<string, string>;
  ids: string[];
  interactions: Record<string, unknown>[];
}

export type Reply =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | 'network-error'
  | 'hang';

/**
 * A fake `fetch` for the ingest endpoint. `reply` decides each answer; the default accepts every
 * item. `stored` holds each id the "server" stored (duplicates are ignored, as in the ledger).
 */
export class FakeIngest {
  public readonly requests: SentRequest[] = [];
  public readonly stored = new Set<string>();
  public reply: (request: SentRequest, attempt: number) => Reply = (request) => FakeIngest.accept(request);

  public fetch = (async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const body = JSON.parse(String(init?.body)) as { interactions: Record<string, unknown>[] };
    const request: SentRequest = {
      url: String(input),
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      ids: body.interactions.map((item) => String(item.id)),
      interactions: body.interactions,
    };
    this.requests.push(request);
    const reply = this.reply(request, this.requests.length);
    if (reply === 'network-error') throw new TypeError('fetch failed');
    if (reply === 'hang') {
      return new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });
    }
    if (reply.status >= 200 && reply.status < 300) {
      const results = (reply.body as { results?: { id?: string; status: string }[] } | undefined)?.results;
      request.ids.forEach((id, index) => {
        if (!results || results[index]?.status === 'accepted') this.stored.add(id);
      });
    }
    return new Response(reply.body === undefined ? '' : JSON.stringify(reply.body), {
      status: reply.status,
      headers: { 'content-type': 'application/json', ...reply.headers },
    });
  }) as typeof fetch;

  /** The 202 answer accepting every item. */
  public static accept(request: SentRequest): Reply {
    return {
      status: 202,
      body: {
        ids: request.ids,
        results: request.ids.map((id, index) => ({ index, id, status: 'accepted' })),
      },
    };
  }
}

let counter = 0;
export function interaction(overrides: Record<string, unknown> = {}) {
  counter += 1;
  return {
    provider: 'openai',
    model: 'gpt-4o',
    usage: { inputTokens: 10, outputTokens: 2 },
    metadata: { n: counter },
    ...overrides,
  };
}
