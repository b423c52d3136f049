/**
 * The HTTP shell of the emulator: OpenAI's wire protocol for files and batches under `/v1`,
 * bearer auth, HTTP faults, and a small unauthenticated control API under `/_emulator`.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidFaultsError, OpenAiApiError } from './errors';
import { parseFaults } from './faults';
import type { EmulatorState } from './state';

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
}

export interface HandlerOptions {
  /** When set, only these keys are accepted; otherwise any non-empty bearer key is. */
  apiKeys?: readonly string[];
  maxBodyBytes: number;
  log: RequestLogEntry[];
}

type Route = {
  method: string;
  pattern: RegExp;
  handle: (state: EmulatorState, match: RegExpExecArray, request: ParsedRequest) => Promise<Answer> | Answer;
};

interface ParsedRequest {
  url: URL;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

type Answer = { status?: number; json?: unknown; raw?: Buffer; headers?: Record<string, string> };

const ID = '([A-Za-z0-9_-]+)';

const ROUTES: Route[] = [
  { method: 'POST', pattern: /^\/v1\/files$/, handle: uploadFile },
  {
    method: 'GET',
    pattern: /^\/v1\/files$/,
    handle: (state, _m, request) => ({ json: state.listFiles(listQuery(request.url)) }),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/v1/files/${ID}$`),
    handle: (state, match) => ({ json: state.getFile(match[1]!) }),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/v1/files/${ID}/content$`),
    handle: (state, match) => ({
      raw: state.fileContent(match[1]!),
      headers: { 'content-type': 'application/octet-stream' },
    }),
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`^/v1/files/${ID}$`),
    handle: (state, match) => ({ json: state.deleteFile(match[1]!) }),
  },
  {
    method: 'POST',
    pattern: /^\/v1\/batches$/,
    handle: (state, _m, request) => ({ json: state.createBatch(jsonBody(request.body)) }),
  },
  {
    method: 'GET',
    pattern: /^\/v1\/batches$/,
    handle: (state, _m, request) => ({ json: state.listBatches(listQuery(request.url)) }),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/v1/batches/${ID}$`),
    handle: (state, match) => ({ json: state.retrieveBatch(match[1]!) }),
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/v1/batches/${ID}/cancel$`),
    handle: (state, match) => ({ json: state.cancelBatch(match[1]!) }),
  },
];

/**
 * Builds the node:http request listener over an emulator state.
 *
 * @example
 * http.createServer(createRequestHandler(state, { maxBodyBytes: 1 << 20, log: [] }));
 */
export function createRequestHandler(
  state: EmulatorState,
  options: HandlerOptions,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    void handle(state, options, request, response).catch((error: unknown) => {
      // Last resort: never leave a socket hanging.
      if (!response.headersSent)
        send(response, 500, { error: { message: String(error), type: 'server_error' } });
      else response.destroy();
    });
  };
}

async function handle(
  state: EmulatorState,
  options: HandlerOptions,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const method = request.method ?? 'GET';
  const record = (status: number) => options.log.push({ method, path: url.pathname, status });

  if (url.pathname.startsWith('/_emulator/')) {
    const status = await control(state, method, url.pathname, request, response);
    record(status);
    return;
  }

  const requestId = `req_${randomBytes(16).toString('hex')}`;
  try {
    // The body is read first so that an early error never leaves it unread on a kept-alive socket.
    const body = await readBody(request, options.maxBodyBytes);
    authorize(request.headers.authorization, options.apiKeys);
    const fault = state.takeHttpFault();
    if (fault && !fault.afterCommit) throw fault.error;
    const route = ROUTES.find(
      (candidate) => candidate.method === method && candidate.pattern.test(url.pathname),
    );
    if (!route) throw new OpenAiApiError(404, `Invalid URL (${method} ${url.pathname})`);
    const answer = await route.handle(state, route.pattern.exec(url.pathname)!, {
      url,
      headers: request.headers,
      body,
    });
    if (fault) throw fault.error;
    const status = answer.status ?? 200;
    const headers = { 'x-request-id': requestId, ...answer.headers };
    if (answer.raw) {
      response.writeHead(status, { 'content-length': String(answer.raw.byteLength), ...headers });
      response.end(answer.raw);
    } else {
      send(response, status, answer.json, headers);
    }
    record(status);
  } catch (error) {
    const apiError =
      error instanceof OpenAiApiError
        ? error
        : new OpenAiApiError(500, 'The server had an error while processing your request. Sorry about that!');
    send(response, apiError.status, apiError.toBody(), { 'x-request-id': requestId, ...apiError.headers });
    record(apiError.status);
  }
}

async function control(
  state: EmulatorState,
  method: string,
  path: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<number> {
  const answer = (status: number, body: unknown) => {
    send(response, status, body);
    return status;
  };
  if (path === '/_emulator/faults' && method === 'GET') return answer(200, { faults: state.faults });
  if (path === '/_emulator/faults' && method === 'POST') {
    try {
      const body = await readBody(request, 1 << 20);
      state.faults = parseFaults(body.byteLength === 0 ? {} : JSON.parse(body.toString('utf8')));
      return answer(200, { faults: state.faults });
    } catch (error) {
      const issues =
        error instanceof InvalidFaultsError ? error.issues : [{ path: '', message: 'body is not JSON' }];
      return answer(400, { error: { message: 'invalid faults', issues } });
    }
  }
  if (path === '/_emulator/reset' && method === 'POST') {
    state.reset();
    return answer(200, { reset: true });
  }
  if (path === '/_emulator/health' && method === 'GET') return answer(200, { ok: true });
  return answer(404, { error: { message: `unknown control route ${method} ${path}` } });
}

function authorize(header: string | undefined, apiKeys: readonly string[] | undefined): void {
  const key = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  if (!key) {
    throw new OpenAiApiError(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    );
  }
  if (apiKeys && !apiKeys.includes(key)) {
    // Like OpenAI, the message quotes part of the key: clients must not log it verbatim.
    const masked = key.length > 8 ? `${key.slice(0, 6)}${'*'.repeat(8)}${key.slice(-4)}` : '********';
    throw new OpenAiApiError(
      401,
      `Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      { code: 'invalid_api_key' },
    );
  }
}

async function uploadFile(
  state: EmulatorState,
  _match: RegExpExecArray,
  request: ParsedRequest,
): Promise<Answer> {
  const contentType = request.headers['content-type'] ?? '';
  if (!contentType.startsWith('multipart/form-data')) {
    throw new OpenAiApiError(400, 'Expected a multipart/form-data body.', { param: 'file' });
  }
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(request.body), {
      headers: { 'content-type': contentType },
    }).formData();
  } catch {
    throw new OpenAiApiError(400, 'Could not parse the multipart/form-data body.', { param: 'file' });
  }
  const file = form.get('file');
  const purpose = form.get('purpose');
  if (!file || typeof file === 'string') {
    throw new OpenAiApiError(400, "Missing required parameter: 'file'.", {
      code: 'missing_required_parameter',
      param: 'file',
    });
  }
  if (typeof purpose !== 'string' || purpose === '') {
    throw new OpenAiApiError(400, "Missing required parameter: 'purpose'.", {
      code: 'missing_required_parameter',
      param: 'purpose',
    });
  }
  const content = Buffer.from(await file.arrayBuffer());
  return { json: state.createFile({ filename: file.name || 'upload', purpose, content }) };
}

function listQuery(url: URL): { after?: string; limit?: number; purpose?: string; order?: string } {
  const limit = url.searchParams.get('limit');
  return {
    ...(url.searchParams.get('after') ? { after: url.searchParams.get('after')! } : {}),
    ...(limit !== null ? { limit: Number(limit) } : {}),
    ...(url.searchParams.get('purpose') ? { purpose: url.searchParams.get('purpose')! } : {}),
    ...(url.searchParams.get('order') ? { order: url.searchParams.get('order')! } : {}),
  };
}

function jsonBody(body: Buffer): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // Answered below.
  }
  throw new OpenAiApiError(400, 'We could not parse the JSON body of your request.');
}

async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).byteLength;
    if (size > maxBytes) throw new OpenAiApiError(413, `Request body exceeds ${maxBytes} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  response.end(text);
}
