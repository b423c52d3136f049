/**
 * The local twin: the same handler modules as in Lambda, wired to real emulators on loopback.
 * HTTP → API Gateway v2 events; SQS → event source mapping; schedules → timers (and on demand).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { saveApiKey } from '../../shared/adapters/aws/api-key-store';
import { ENV } from '../../shared/adapters/aws/config';
import { PROVIDER_ACCOUNTS_ENV } from '../../shared/adapters/aws/provider-accounts';
import { generateApiKey, recordForKey, type Scope } from '../../shared/domain/auth/api-keys';
import { authenticate } from '../../shared/http/auth';
import { HttpError } from '../../shared/http/errors';
import type { HttpEvent } from '../../shared/http/response';
import { FUNCTIONS, type FunctionSpec } from '../catalog';
import { type BoundRoute, bindRoute, type HttpHandler, lambdaContext, serveRequest } from './api-gateway';
import { type Emulators, spawnEmulators } from './emulators';
import { LocalEventSource, type SqsHandler } from './event-source';
import { type OpenAiEmulator, startOpenAiEmulator } from './openai-emulator';
import {
  LOCAL_IDS,
  type ProviderReportsEmulator,
  startProviderReportsEmulator,
} from './provider-reports-emulator';
import { ensureLocalResources, type LocalResources } from './resources';

export interface LocalStackOptions {
  /** HTTP port on 127.0.0.1; 0 picks a free one. Default 4000. */
  port?: number;
  /** Where state persists (DynamoDB, fauxqs, dev keys); in memory when absent. */
  dataDir?: string;
  /** Use already running emulators instead of starting them (tests). */
  emulators?: { dynamodbEndpoint: string; awsEndpoint: string };
  /** Resource name prefix; tests use a unique one per file. */
  prefix?: string;
  /** Fixed keys (`TOKENTRAIL_API_KEY`, `TOKENTRAIL_ADMIN_KEY`). */
  apiKey?: string;
  adminKey?: string;
  /** Project the development keys belong to. */
  project?: string;
  /**
   * Seconds before a failed queue message is retried locally (AWS waits the visibility timeout).
   * 0 only with in-memory emulators: fauxqs persisting to disk loses a message set to 0.
   */
  retryDelaySeconds?: number;
  /** Start the queue pollers (default true); tests of the queue itself may drive them by hand. */
  startConsumers?: boolean;
  /** Where handler errors that escape go; default stderr. */
  onError?: (error: unknown) => void;
  /**
   * OpenAI Batch API for the analysis jobs. Default: `OPENAI_API_KEY`/`OPENAI_BASE_URL` when the
   * key is set, else a local Batch API emulator started (and stopped) with the stack.
   */
  openAi?: { baseURL: string; apiKey: string };
}

export interface LocalStack {
  url: string;
  apiKey: string;
  adminKey: string;
  project: string;
  resources: LocalResources;
  emulators: { dynamodbEndpoint: string; awsEndpoint: string };
  /** Waits until every queue is empty and no handler is running. */
  drain(timeoutMs?: number): Promise<void>;
  /** Invokes a scheduled function now, as the scheduler would. */
  runJob(name: string, input?: Record<string, unknown>): Promise<unknown>;
  /** Where the analysis jobs send batches: the emulator's URL, or `OPENAI_BASE_URL`/OpenAI's. */
  openAiUrl: string;
  /** The providers' admin usage and cost reports the reconcile job reads (an emulator). */
  providerReports: ProviderReportsEmulator;
  stop(): Promise<void>;
}

const ROOT = join(__dirname, '..', '..');

/** Points the AWS SDK and the handlers at the emulators and the local resources. */
function configureEnvironment(endpoints: { dynamodbEndpoint: string; awsEndpoint: string }): void {
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoints.dynamodbEndpoint;
  process.env.AWS_ENDPOINT_URL_SQS = endpoints.awsEndpoint;
  process.env.AWS_ENDPOINT_URL_S3 = endpoints.awsEndpoint;
  process.env[ENV.s3ForcePathStyle] = 'true';
  process.env.POWERTOOLS_METRICS_NAMESPACE ??= 'Tokentrail';
  // Rollups run in process here: 6-hour slices (64 per project day) instead of AWS's hourly ones.
  process.env.TOKENTRAIL_ROLLUP_HOURS_PER_SLICE ??= '6';
}

function exportResourceNames(resources: LocalResources): void {
  process.env[ENV.ledgerTable] = resources.names.ledgerTable;
  process.env[ENV.keysTable] = resources.names.keysTable;
  process.env[ENV.ingestQueueUrl] = resources.ingestQueueUrl;
  process.env[ENV.deadLetterQueueUrl] = resources.deadLetterQueueUrl;
  process.env[ENV.payloadBucket] = resources.names.payloadBucket;
}

async function loadHandler<T>(spec: FunctionSpec): Promise<T> {
  const module = (await import(join(ROOT, spec.entry))) as { handler: T };
  return module.handler;
}

/** Development keys: fixed ones from the options, else the ones saved in the data dir, else new ones. */
async function ensureDevelopmentKeys(
  options: LocalStackOptions,
  project: string,
): Promise<{ apiKey: string; adminKey: string }> {
  const saved = options.dataDir ? join(options.dataDir, 'dev-keys.json') : undefined;
  const previous =
    saved && existsSync(saved)
      ? (JSON.parse(readFileSync(saved, 'utf8')) as { apiKey: string; adminKey: string })
      : undefined;
  const make = (fixed: string | undefined, kept: string | undefined, scopes: Scope[], name: string) => {
    const key = fixed ?? kept ?? generateApiKey({ project, scopes, name }).key;
    return { key, record: recordForKey(key, { project, scopes, name }) };
  };
  const ingest = make(options.apiKey, previous?.apiKey, ['ingest', 'read'], 'local development key');
  const admin = make(options.adminKey, previous?.adminKey, ['ingest', 'read', 'admin'], 'local admin key');
  await saveApiKey(ingest.record);
  await saveApiKey(admin.record);
  if (saved)
    writeFileSync(saved, JSON.stringify({ apiKey: ingest.key, adminKey: admin.key }), { mode: 0o600 });
  return { apiKey: ingest.key, adminKey: admin.key };
}

/**
 * Starts the whole pipeline locally and answers once it is ready.
 *
 * @example
 * const stack = await startLocalStack({ port: 4000, dataDir: '.tokentrail' });
 * console.log(stack.url, stack.apiKey);
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const onError = options.onError ?? ((error: unknown) => process.stderr.write(`local: ${String(error)}\n`));
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const ownEmulators: Emulators | undefined = options.emulators
    ? undefined
    : await spawnEmulators(options.dataDir ? { dataDir: options.dataDir } : {});
  // Every failure from here on stops what was started, so no emulator outlives a failed start.
  let openAiEmulator: OpenAiEmulator | undefined;
  let providerReports: ProviderReportsEmulator | undefined;
  try {
    const endpoints = options.emulators ?? ownEmulators!;
    configureEnvironment(endpoints);
    openAiEmulator = await configureOpenAi(options);
    const project = options.project ?? 'default';
    const reports = await startProviderReports(project);
    providerReports = reports;
    const resources = await ensureLocalResources(options.prefix ?? 'tokentrail-local');
    exportResourceNames(resources);
    const keys = await ensureDevelopmentKeys(options, project);

    const routes: BoundRoute[] = [];
    const sources: LocalEventSource[] = [];
    const jobs = new Map<
      string,
      { spec: FunctionSpec; handler: (event: unknown, context: Context) => Promise<unknown> }
    >();
    const timers: NodeJS.Timeout[] = [];
    const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
    const queueArn = (
      await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: resources.ingestQueueUrl, AttributeNames: ['QueueArn'] }),
      )
    ).Attributes!.QueueArn!;
    sqs.destroy();

    for (const spec of FUNCTIONS) {
      if (spec.routes) {
        const handler = await loadHandler<HttpHandler>(spec);
        for (const route of spec.routes) routes.push(bindRoute(route, spec.name, handler));
      }
      if (spec.queue) {
        sources.push(
          new LocalEventSource({
            functionName: spec.name,
            queueUrl: resources.ingestQueueUrl,
            queueArn,
            trigger: spec.queue,
            handler: await loadHandler<SqsHandler>(spec),
            timeoutSeconds: spec.timeoutSeconds,
            retryDelaySeconds: options.retryDelaySeconds ?? 1,
            onError,
          }),
        );
      }
      if (spec.schedules) {
        const handler = await loadHandler<(event: unknown, context: Context) => Promise<unknown>>(spec);
        jobs.set(spec.name, { spec, handler });
        for (const schedule of spec.schedules) {
          const everyMs = rateToMs(schedule.expression);
          if (everyMs) {
            timers.push(
              setInterval(() => {
                handler(schedule.input ?? {}, lambdaContext(spec.name, spec.timeoutSeconds)).catch(onError);
              }, everyMs),
            );
          }
        }
      }
    }
    routes.sort((a, b) => specificity(b) - specificity(a));

    const runJob = async (name: string, input: Record<string, unknown> = {}) => {
      const job = jobs.get(name);
      if (!job)
        throw new Error(
          `no scheduled function named "${name}"; known: ${[...jobs.keys()].join(', ') || 'none'}`,
        );
      return job.handler(input, lambdaContext(name, job.spec.timeoutSeconds));
    };

    const server: Server = createServer((request, response) => {
      const url = request.url ?? '';
      if (request.method === 'POST' && url.startsWith('/_local/jobs/')) {
        void runLocalJob(url.slice('/_local/jobs/'.length), request, response, runJob);
        return;
      }
      if (request.method === 'POST' && url === '/_local/provider-usage') {
        void seedProviderUsage(request, response, reports);
        return;
      }
      serveRequest(routes, request, response).catch((error: unknown) => {
        onError(error);
        if (!response.headersSent) response.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      // A port in use must fail the start (and stop what was started), not crash later.
      const failed = (error: Error) => {
        for (const timer of timers) clearInterval(timer);
        reject(error);
      };
      server.once('error', failed);
      server.listen(options.port ?? 4000, '127.0.0.1', () => {
        server.off('error', failed);
        resolve();
      });
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    if (options.startConsumers ?? true) for (const source of sources) source.start();

    let stopped = false;
    return {
      url: `http://127.0.0.1:${port}`,
      apiKey: keys.apiKey,
      adminKey: keys.adminKey,
      project,
      resources,
      emulators: endpoints,
      openAiUrl: process.env.OPENAI_BASE_URL || 'https://api.openai.com/v1',
      providerReports: reports,
      drain: async (timeoutMs) => {
        for (const source of sources) await source.drain(timeoutMs);
      },
      runJob,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        for (const timer of timers) clearInterval(timer);
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await Promise.all(sources.map((source) => source.stop()));
        await ownEmulators?.stop();
        await openAiEmulator?.stop();
        await reports.stop();
      },
    };
  } catch (error) {
    await providerReports?.stop();
    await openAiEmulator?.stop();
    await ownEmulators?.stop();
    throw error;
  }
}

/** `POST /_local/jobs/<name>` with a JSON body: the CLI's `jobs run` against the local stack. */
async function runLocalJob(
  name: string,
  request: import('node:http').IncomingMessage,
  response: import('node:http').ServerResponse,
  runJob: (name: string, input?: Record<string, unknown>) => Promise<unknown>,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  // Jobs act on every project (rollups, repricing), so they need an admin key, as the admin API does.
  try {
    await authenticate(
      { headers: { authorization: request.headers.authorization } } as unknown as HttpEvent,
      'admin',
    );
  } catch (error) {
    const status = error instanceof HttpError ? error.statusCode : 401;
    response
      .writeHead(status, { 'content-type': 'application/json' })
      .end(JSON.stringify({ ok: false, error: 'send an admin key: "Authorization: Bearer <admin key>"' }));
    return;
  }
  try {
    const input =
      chunks.length > 0
        ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>)
        : {};
    const result = await runJob(decodeURIComponent(name), input);
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ ok: true, result: result ?? null }));
  } catch (error) {
    response
      .writeHead(400, { 'content-type': 'application/json' })
      .end(JSON.stringify({ ok: false, error: error instanceof Error ? error.message : String(error) }));
  }
}

/**
 * Starts the provider-report emulator and points the reconcile job at it: the local project's
 * OpenAI project `proj_local` and Anthropic workspace `wrkspc_local`, read with the emulator's
 * admin keys (unless `TOKENTRAIL_PROVIDER_ACCOUNTS` is already set).
 */
async function startProviderReports(project: string): Promise<ProviderReportsEmulator> {
  const emulator = await startProviderReportsEmulator();
  if (!process.env[PROVIDER_ACCOUNTS_ENV.json]) {
    process.env[PROVIDER_ACCOUNTS_ENV.json] = JSON.stringify({
      adminKeys: emulator.adminKeys,
      baseURLs: { openai: emulator.openAiUrl, anthropic: emulator.anthropicUrl },
      projects: {
        [project]: {
          openai: { projectIds: [LOCAL_IDS.openaiProject] },
          anthropic: { workspaceIds: [LOCAL_IDS.anthropicWorkspace] },
        },
      },
    });
  }
  return emulator;
}

/**
 * `POST /_local/provider-usage` (admin key): seeds the provider-side usage the reconcile job
 * reads, `{"provider", "records": [{date, model, requests, inputTokens, cachedInputTokens,
 * outputTokens, costUsd}]}`. Local only: no deployed stack has this route.
 */
async function seedProviderUsage(
  request: import('node:http').IncomingMessage,
  response: import('node:http').ServerResponse,
  emulator: ProviderReportsEmulator,
): Promise<void> {
  const reply = (status: number, body: unknown) =>
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  try {
    await authenticate(
      { headers: { authorization: request.headers.authorization } } as unknown as HttpEvent,
      'admin',
    );
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      reply(400, { error: { code: 'invalid_json', message: 'body is not JSON', issues: [] } });
      return;
    }
    reply(200, { ok: true, ...emulator.seed(body as never) });
  } catch (error) {
    if (error instanceof HttpError) {
      reply(error.statusCode, { error: { code: error.code, message: error.message, issues: error.issues } });
    } else {
      const issues = (error as { issues?: unknown }).issues;
      reply(400, {
        error: { code: 'invalid_request', message: 'invalid provider usage', issues: issues ?? [] },
      });
    }
  }
}

/** Literal path segments first, so `/v1/x/summary` wins over `/v1/x/{id}`. */
function specificity(route: BoundRoute): number {
  return route.route.path.split('/').filter((segment) => segment && !segment.startsWith('{')).length;
}

/**
 * Points the analysis jobs at OpenAI: the given endpoint, else a real key from the environment,
 * else a local Batch API emulator. Locally, batches go out at once (one request is enough).
 */
async function configureOpenAi(options: LocalStackOptions): Promise<OpenAiEmulator | undefined> {
  process.env.ANALYSIS_MIN_BATCH_SIZE ??= '1';
  if (options.openAi) {
    process.env.OPENAI_BASE_URL = options.openAi.baseURL;
    process.env.OPENAI_API_KEY = options.openAi.apiKey;
    return undefined;
  }
  if (process.env.OPENAI_API_KEY) return undefined;
  const emulator = await startOpenAiEmulator();
  process.env.OPENAI_BASE_URL = emulator.url;
  process.env.OPENAI_API_KEY = 'sk-local-emulator';
  return emulator;
}

/** `rate(10 minutes)` → ms; cron expressions run on demand only in the twin. */
export function rateToMs(expression: string): number | undefined {
  const match = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!match) return undefined;
  const unit = match[2]!.startsWith('minute')
    ? 60_000
    : match[2]!.startsWith('hour')
      ? 3_600_000
      : 86_400_000;
  return Number(match[1]) * unit;
}
