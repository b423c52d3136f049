/**
 * A loopback stand-in for `POST /v1/interactions`: bearer auth, `{"interactions": [...]}`,
 * per-item validation with the real schema, storage deduplicated by id (like the ledger's
 * conditional write), and switchable misbehaviour. It can be stopped and restarted on the same port.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidInteractionError } from '../../../shared/domain/interaction/errors';
import { parseInteraction } from '../../../shared/domain/interaction/schema';

export type Misbehaviour = 'none' | 'error-503' | 'lose-answer' | 'partial-failed' | 'retry-after';

export const API_KEY = 'tt_loopback_test_key';

export class IngestEmulator {
  /** Stored interactions by id; a second delivery of an id is a duplicate, not a second row. */
  public readonly stored = new Map<string, Record<string, unknown>>();
  public duplicates = 0;
  public requests = 0;
  /** Decides how the next request is treated. */
  public misbehave: (request: number) => Misbehaviour = () => 'none';
  #server?: Server;
  #port = 0;

  public get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  public async start(): Promise<void> {
    const server = createServer((request, response) => {
      void this.#handle(request, response);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', () => resolve());
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Stops listening and cuts open connections (clients see refused or reset connections). */
  public async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.requests += 1;
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.method !== 'POST' || request.url !== '/v1/interactions') {
      return reply(response, 404, { error: { code: 'not_found', message: 'not found', issues: [] } });
    }
    if (request.headers.authorization !== `Bearer ${API_KEY}`) {
      return reply(response, 401, {
        error: { code: 'unauthorized', message: 'invalid API key', issues: [] },
      });
    }
    const behaviour = this.misbehave(this.requests);
    if (behaviour === 'error-503') {
      return reply(response, 503, { error: { code: 'unavailable', message: 'try later', issues: [] } });
    }
    if (behaviour === 'retry-after') {
      return reply(
        response,
        429,
        { error: { code: 'throttled', message: 'slow down', issues: [] } },
        { 'retry-after': '0' },
      );
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { interactions: unknown[] };
    const results = body.interactions.map((item, index) => {
      if (behaviour === 'partial-failed' && index % 2 === 1) {
        return {
          index,
          id: (item as { id: string }).id,
          status: 'failed',
          retryable: true,
          code: 'queue_unavailable',
        };
      }
      try {
        const interaction = parseInteraction(item, ['interactions', index]);
        const id = interaction.id!;
        if (this.stored.has(id)) this.duplicates += 1;
        else this.stored.set(id, interaction as Record<string, unknown>);
        return { index, id, status: 'accepted' };
      } catch (error) {
        if (!(error instanceof InvalidInteractionError)) throw error;
        return { index, status: 'rejected', issues: error.issues };
      }
    });
    if (behaviour === 'lose-answer') {
      // Stored, but the client never hears back: its retry must not create a second record.
      request.socket.destroy();
      return;
    }
    const ids = results.flatMap((result) => (result.status === 'accepted' ? [result.id!] : []));
    return reply(response, 202, { ids, results });
  }
}

function reply(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}
