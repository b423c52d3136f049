/**
 * The HTTP shell of the provider-report emulator: OpenAI's organization Usage API (completions, embeddings)
 * and Costs API under `/openai/v1/organization/…` (bearer admin key), Anthropic's messages usage
 * report and cost report under `/anthropic/v1/organizations/…` (`x-api-key` admin key,
 * `anthropic-version`), with their documented query parameters, bucket widths, grouping,
 * filters, pagination (`page` / `next_page` / `has_more`) and error shapes, plus 429 with
 * `retry-after` on demand. Control routes under `/_emulator/` (loopback only, no auth).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  BUCKET_LIMITS,
  type BucketQuery,
  type BucketWidth,
  decodePage,
  type EmulatorSettings,
  emulatorSettingsSchema,
  encodePage,
  LOCAL_IDS,
  nanosAsDecimal,
  pageBuckets,
  type ReportProvider,
  recordsIn,
  type SeedRecord,
  seedSchema,
  splitCost,
} from './state';

export interface EmulatorState {
  records: Record<ReportProvider, SeedRecord[]>;
  settings: EmulatorSettings;
  adminKeys: Record<ReportProvider, string>;
  log: { method: string; path: string; status: number }[];
}

type Answer = { status: number; body: unknown; headers?: Record<string, string> };

class ApiError extends Error {
  public constructor(
    public readonly provider: ReportProvider,
    public readonly status: number,
    public readonly type: string,
    message: string,
    public readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  /** The provider's own error body. */
  public body(): unknown {
    return this.provider === 'openai'
      ? {
          error: {
            message: this.message,
            type: this.type,
            param: null,
            code: this.type === 'invalid_request_error' ? null : this.type,
          },
        }
      : { type: 'error', error: { type: this.type, message: this.message } };
  }
}

/** Values of an array parameter sent as `name[]=a&name[]=b` (SDKs) or `name=a&name=b`. */
const list = (params: URLSearchParams, name: string) => [
  ...params.getAll(name),
  ...params.getAll(`${name}[]`),
];

function bucketQuery(
  provider: ReportProvider,
  params: URLSearchParams,
  startMs: number,
  endMs: number | undefined,
  widths: readonly BucketWidth[],
  maxLimit?: number,
): BucketQuery {
  const width = (params.get('bucket_width') ?? '1d') as BucketWidth;
  if (!widths.includes(width)) {
    throw new ApiError(
      provider,
      400,
      'invalid_request_error',
      `bucket_width must be one of ${widths.join(', ')}`,
    );
  }
  const limits = BUCKET_LIMITS[width];
  const max = maxLimit ?? limits.max;
  const limit = params.has('limit') ? Number(params.get('limit')) : limits.default;
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new ApiError(
      provider,
      400,
      'invalid_request_error',
      `limit must be an integer from 1 to ${max} for bucket_width ${width}`,
    );
  }
  const page = params.get('page');
  const offset = page ? decodePage(page) : 0;
  if (offset === undefined) throw new ApiError(provider, 400, 'invalid_request_error', 'invalid page token');
  return { startMs, ...(endMs === undefined ? {} : { endMs }), width, limit, offset };
}

/** Sums records per group; the group key lists the grouped fields' values. */
function grouped<T extends Record<string, unknown>>(
  records: readonly SeedRecord[],
  keyOf: (record: SeedRecord) => T,
): { key: T; records: SeedRecord[] }[] {
  const groups = new Map<string, { key: T; records: SeedRecord[] }>();
  for (const record of records) {
    const key = keyOf(record);
    const id = JSON.stringify(key);
    const group = groups.get(id) ?? { key, records: [] };
    group.records.push(record);
    groups.set(id, group);
  }
  return [...groups.values()];
}

const sum = (
  records: readonly SeedRecord[],
  field: 'requests' | 'inputTokens' | 'cachedInputTokens' | 'cacheWriteInputTokens' | 'outputTokens',
) => records.reduce((total, record) => total + record[field], 0);

const projectOf = (record: SeedRecord) => record.projectId ?? LOCAL_IDS.openaiProject;
const workspaceOf = (record: SeedRecord) => record.workspaceId ?? LOCAL_IDS.anthropicWorkspace;
const apiKeyOf = (record: SeedRecord) => record.apiKeyId ?? LOCAL_IDS.apiKey;

function page(query: BucketQuery, state: EmulatorState, bucket: (startMs: number, endMs: number) => unknown) {
  const { starts, hasMore, nextOffset } = pageBuckets(query, state.settings.maxBucketsPerPage);
  const widthMs = { '1d': 86_400_000, '1h': 3_600_000, '1m': 60_000 }[query.width];
  return {
    data: starts.map((start) => bucket(start, start + widthMs)),
    has_more: hasMore,
    next_page: hasMore ? encodePage(nextOffset) : null,
  };
}

// ---------------------------------------------------------------------------------------------
// OpenAI

function openAiWindow(params: URLSearchParams): { startMs: number; endMs?: number } {
  const start = Number(params.get('start_time'));
  if (!params.has('start_time') || !Number.isInteger(start)) {
    throw new ApiError('openai', 400, 'invalid_request_error', "Missing required parameter: 'start_time'.");
  }
  const end = params.has('end_time') ? Number(params.get('end_time')) : undefined;
  return { startMs: start * 1000, ...(end === undefined ? {} : { endMs: end * 1000 }) };
}

function openAiFilter(records: readonly SeedRecord[], params: URLSearchParams): SeedRecord[] {
  const projects = list(params, 'project_ids');
  const keys = list(params, 'api_key_ids');
  const models = list(params, 'models');
  const batch = params.get('batch');
  return records.filter(
    (record) =>
      (projects.length === 0 || projects.includes(projectOf(record))) &&
      (keys.length === 0 || keys.includes(apiKeyOf(record))) &&
      (models.length === 0 || models.includes(record.model)) &&
      (batch === null || String(record.batch) === batch),
  );
}

/** Embedding models are reported by the embeddings endpoint, every other model by completions. */
const isEmbeddingModel = (record: SeedRecord) => record.model.includes('embedding');

function openAiEmbeddings(state: EmulatorState, params: URLSearchParams): Answer {
  const window = openAiWindow(params);
  const query = bucketQuery('openai', params, window.startMs, window.endMs, ['1d', '1h', '1m']);
  const groupBy = new Set(list(params, 'group_by'));
  const records = openAiFilter(state.records.openai, params).filter(isEmbeddingModel);
  const body = page(query, state, (startMs, endMs) => ({
    object: 'bucket',
    start_time: startMs / 1000,
    end_time: endMs / 1000,
    results: grouped(recordsIn(records, startMs, query.width), (record) => ({
      project_id: groupBy.has('project_id') ? projectOf(record) : null,
      api_key_id: groupBy.has('api_key_id') ? apiKeyOf(record) : null,
      model: groupBy.has('model') ? record.model : null,
    })).map(({ key, records: group }) => ({
      object: 'organization.usage.embeddings.result',
      input_tokens: sum(group, 'inputTokens'),
      num_model_requests: sum(group, 'requests'),
      user_id: null,
      ...key,
    })),
  }));
  return { status: 200, body: { object: 'page', ...body } };
}

function openAiCompletions(state: EmulatorState, params: URLSearchParams): Answer {
  const window = openAiWindow(params);
  const query = bucketQuery('openai', params, window.startMs, window.endMs, ['1d', '1h', '1m']);
  const groupBy = new Set(list(params, 'group_by'));
  const records = openAiFilter(state.records.openai, params).filter((record) => !isEmbeddingModel(record));
  const body = page(query, state, (startMs, endMs) => ({
    object: 'bucket',
    start_time: startMs / 1000,
    end_time: endMs / 1000,
    results: grouped(recordsIn(records, startMs, query.width), (record) => ({
      project_id: groupBy.has('project_id') ? projectOf(record) : null,
      api_key_id: groupBy.has('api_key_id') ? apiKeyOf(record) : null,
      model: groupBy.has('model') ? record.model : null,
      batch: groupBy.has('batch') ? record.batch : null,
    })).map(({ key, records: group }) => ({
      object: 'organization.usage.completions.result',
      input_tokens: sum(group, 'inputTokens'),
      output_tokens: sum(group, 'outputTokens'),
      input_cached_tokens: sum(group, 'cachedInputTokens'),
      input_audio_tokens: 0,
      output_audio_tokens: 0,
      num_model_requests: sum(group, 'requests'),
      user_id: null,
      service_tier: null,
      ...key,
    })),
  }));
  return { status: 200, body: { object: 'page', ...body } };
}

function openAiCosts(state: EmulatorState, params: URLSearchParams): Answer {
  const window = openAiWindow(params);
  const query = bucketQuery('openai', params, window.startMs, window.endMs, ['1d'], 180);
  const groupBy = new Set(list(params, 'group_by'));
  const records = openAiFilter(state.records.openai, params);
  const body = page(query, state, (startMs, endMs) => {
    // One line item per model and usage type; costs split so the items sum to the seeded cost.
    const lines = recordsIn(records, startMs, query.width).flatMap((record) => {
      const { inputNanos, outputNanos } = splitCost(record);
      const prefix = record.batch ? 'batch ' : '';
      return [
        { record, lineItem: `${record.model}, ${prefix}input`, nanos: inputNanos },
        { record, lineItem: `${record.model}, ${prefix}output`, nanos: outputNanos },
      ];
    });
    const groups = new Map<string, { key: Record<string, string | null>; nanos: bigint }>();
    for (const line of lines) {
      const key = {
        project_id: groupBy.has('project_id') ? projectOf(line.record) : null,
        api_key_id: groupBy.has('api_key_id') ? apiKeyOf(line.record) : null,
        line_item: groupBy.has('line_item') ? line.lineItem : null,
      };
      const id = JSON.stringify(key);
      const group = groups.get(id) ?? { key, nanos: 0n };
      group.nanos += line.nanos;
      groups.set(id, group);
    }
    return {
      object: 'bucket',
      start_time: startMs / 1000,
      end_time: endMs / 1000,
      results: [...groups.values()].map(({ key, nanos }) => ({
        object: 'organization.costs.result',
        // A JSON number of USD, as OpenAI sends it.
        amount: { value: Number(nanosAsDecimal(nanos, 'usd')), currency: 'usd' },
        ...key,
      })),
    };
  });
  return { status: 200, body: { object: 'page', ...body } };
}

// ---------------------------------------------------------------------------------------------
// Anthropic

function anthropicWindow(params: URLSearchParams): { startMs: number; endMs?: number } {
  const startMs = Date.parse(params.get('starting_at') ?? '');
  if (Number.isNaN(startMs)) {
    throw new ApiError(
      'anthropic',
      400,
      'invalid_request_error',
      'starting_at: Field required (RFC 3339 timestamp)',
    );
  }
  const endText = params.get('ending_at');
  const endMs = endText === null ? undefined : Date.parse(endText);
  if (endMs !== undefined && Number.isNaN(endMs)) {
    throw new ApiError('anthropic', 400, 'invalid_request_error', 'ending_at: invalid RFC 3339 timestamp');
  }
  return { startMs, ...(endMs === undefined ? {} : { endMs }) };
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

function anthropicUsage(state: EmulatorState, params: URLSearchParams): Answer {
  const window = anthropicWindow(params);
  const query = bucketQuery('anthropic', params, window.startMs, window.endMs, ['1d', '1h', '1m']);
  const groupBy = new Set(list(params, 'group_by'));
  const workspaces = list(params, 'workspace_ids');
  const keys = list(params, 'api_key_ids');
  const models = list(params, 'models');
  const records = state.records.anthropic.filter(
    (record) =>
      (workspaces.length === 0 || workspaces.includes(workspaceOf(record))) &&
      (keys.length === 0 || keys.includes(apiKeyOf(record))) &&
      (models.length === 0 || models.includes(record.model)),
  );
  const body = page(query, state, (startMs, endMs) => ({
    starting_at: iso(startMs),
    ending_at: iso(endMs),
    results: grouped(recordsIn(records, startMs, query.width), (record) => ({
      api_key_id: groupBy.has('api_key_id') ? apiKeyOf(record) : null,
      workspace_id: groupBy.has('workspace_id') ? workspaceOf(record) : null,
      model: groupBy.has('model') ? record.model : null,
      service_tier: groupBy.has('service_tier') ? (record.batch ? 'batch' : 'standard') : null,
    })).map(({ key, records: group }) => {
      const cached = sum(group, 'cachedInputTokens');
      const written = sum(group, 'cacheWriteInputTokens');
      return {
        uncached_input_tokens: sum(group, 'inputTokens') - cached - written,
        cache_creation: { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: written },
        cache_read_input_tokens: cached,
        output_tokens: sum(group, 'outputTokens'),
        server_tool_use: { web_search_requests: 0 },
        context_window: null,
        ...key,
      };
    }),
  }));
  return { status: 200, body };
}

function anthropicCostReport(state: EmulatorState, params: URLSearchParams): Answer {
  const window = anthropicWindow(params);
  const query = bucketQuery('anthropic', params, window.startMs, window.endMs, ['1d']);
  const groupBy = new Set(list(params, 'group_by'));
  const byDescription = groupBy.has('description');
  const body = page(query, state, (startMs, endMs) => {
    const rows = recordsIn(state.records.anthropic, startMs, query.width).flatMap((record) => {
      const { inputNanos, outputNanos } = splitCost(record);
      const tier = record.batch ? 'batch' : 'standard';
      return [
        { record, tokenType: 'uncached_input_tokens', label: 'Input Tokens', tier, nanos: inputNanos },
        { record, tokenType: 'output_tokens', label: 'Output Tokens', tier, nanos: outputNanos },
      ];
    });
    const groups = new Map<string, { key: Record<string, string | null>; nanos: bigint }>();
    for (const row of rows) {
      const key = {
        workspace_id: groupBy.has('workspace_id') ? workspaceOf(row.record) : null,
        description: byDescription
          ? `${row.record.model} Usage - ${row.label}${row.tier === 'batch' ? ' (Batch)' : ''}`
          : null,
        cost_type: byDescription ? 'tokens' : null,
        context_window: byDescription ? '0-200k' : null,
        model: byDescription ? row.record.model : null,
        service_tier: byDescription ? row.tier : null,
        token_type: byDescription ? row.tokenType : null,
      };
      const id = JSON.stringify(key);
      const group = groups.get(id) ?? { key, nanos: 0n };
      group.nanos += row.nanos;
      groups.set(id, group);
    }
    return {
      starting_at: iso(startMs),
      ending_at: iso(endMs),
      // Cents as a decimal string, as Anthropic sends it ("123.45" is $1.2345).
      results: [...groups.values()].map(({ key, nanos }) => ({
        currency: 'USD',
        amount: nanosAsDecimal(nanos, 'cents'),
        ...key,
      })),
    };
  });
  return { status: 200, body };
}

// ---------------------------------------------------------------------------------------------

const ROUTES: {
  provider: ReportProvider;
  path: string;
  answer: (state: EmulatorState, params: URLSearchParams) => Answer;
}[] = [
  { provider: 'openai', path: '/openai/v1/organization/usage/completions', answer: openAiCompletions },
  { provider: 'openai', path: '/openai/v1/organization/usage/embeddings', answer: openAiEmbeddings },
  { provider: 'openai', path: '/openai/v1/organization/costs', answer: openAiCosts },
  {
    provider: 'anthropic',
    path: '/anthropic/v1/organizations/usage_report/messages',
    answer: anthropicUsage,
  },
  { provider: 'anthropic', path: '/anthropic/v1/organizations/cost_report', answer: anthropicCostReport },
];

function authorize(provider: ReportProvider, request: IncomingMessage, state: EmulatorState): void {
  if (provider === 'openai') {
    const key = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (key !== state.adminKeys.openai) {
      // Like OpenAI, never the key itself in the answer.
      throw new ApiError(
        'openai',
        401,
        'invalid_api_key',
        'Incorrect API key provided. Admin API keys are required for this endpoint.',
      );
    }
    return;
  }
  if (request.headers['x-api-key'] !== state.adminKeys.anthropic) {
    throw new ApiError('anthropic', 401, 'authentication_error', 'invalid x-api-key');
  }
  if (!request.headers['anthropic-version']) {
    throw new ApiError('anthropic', 400, 'invalid_request_error', 'anthropic-version: header is required');
  }
}

function takeRateLimit(provider: ReportProvider, state: EmulatorState): void {
  const fault = state.settings.http429;
  if (!fault || fault.count <= 0) return;
  fault.count -= 1;
  throw new ApiError(
    provider,
    429,
    provider === 'openai' ? 'rate_limit_exceeded' : 'rate_limit_error',
    'Rate limit reached for admin usage reports. Please try again later.',
    { 'retry-after': String(fault.retryAfterSeconds) },
  );
}

/**
 * Seeds records (the body of `POST /_local/provider-usage`); validated, answers what was stored.
 *
 * @throws {Error} with the validation issues when the body does not match
 */
export function seed(state: EmulatorState, body: unknown): { provider: ReportProvider; records: number } {
  const parsed = seedSchema.safeParse(body);
  if (!parsed.success) {
    const error = new Error('invalid provider usage') as Error & {
      issues: { path: string; message: string }[];
    };
    error.issues = parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    }));
    throw error;
  }
  const { provider, records, mode } = parsed.data;
  state.records[provider] = mode === 'append' ? [...state.records[provider], ...records] : records;
  return { provider, records: state.records[provider].length };
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).byteLength;
    if (size > 16 * 1024 * 1024) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

function send(response: ServerResponse, answer: Answer): void {
  const text = JSON.stringify(answer.body);
  response.writeHead(answer.status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...answer.headers,
  });
  response.end(text);
}

async function control(
  state: EmulatorState,
  method: string,
  path: string,
  request: IncomingMessage,
): Promise<Answer> {
  if (method === 'POST' && path === '/_emulator/usage') {
    try {
      return { status: 200, body: seed(state, await readJson(request)) };
    } catch (error) {
      return {
        status: 400,
        body: {
          error: { message: 'invalid provider usage', issues: (error as { issues?: unknown }).issues ?? [] },
        },
      };
    }
  }
  if (method === 'POST' && path === '/_emulator/settings') {
    const parsed = emulatorSettingsSchema.safeParse(await readJson(request).catch(() => undefined));
    if (!parsed.success) return { status: 400, body: { error: { message: 'invalid settings' } } };
    state.settings = parsed.data;
    return { status: 200, body: { settings: state.settings } };
  }
  if (method === 'POST' && path === '/_emulator/reset') {
    state.records = { openai: [], anthropic: [] };
    state.settings = {};
    state.log.length = 0;
    return { status: 200, body: { reset: true } };
  }
  if (method === 'GET' && path === '/_emulator/health') return { status: 200, body: { ok: true } };
  return { status: 404, body: { error: { message: `unknown control route ${method} ${path}` } } };
}

/**
 * Builds the node:http request listener over an emulator state.
 *
 * @example
 * http.createServer(createReportHandler(state));
 */
export function createReportHandler(
  state: EmulatorState,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = request.method ?? 'GET';
    const done = (answer: Answer) => {
      state.log.push({ method, path: url.pathname, status: answer.status });
      send(response, answer);
    };
    if (url.pathname.startsWith('/_emulator/')) {
      void control(state, method, url.pathname, request).then(done, () =>
        done({ status: 400, body: { error: { message: 'bad request' } } }),
      );
      return;
    }
    const route = ROUTES.find((candidate) => candidate.path === url.pathname);
    if (!route || method !== 'GET') {
      done({ status: 404, body: { error: { message: `Invalid URL (${method} ${url.pathname})` } } });
      return;
    }
    try {
      authorize(route.provider, request, state);
      takeRateLimit(route.provider, state);
      done(route.answer(state, url.searchParams));
    } catch (error) {
      const apiError =
        error instanceof ApiError
          ? error
          : new ApiError(route.provider, 500, 'api_error', 'Internal server error');
      done({ status: apiError.status, body: apiError.body(), headers: apiError.headers });
    }
  };
}
