/**
 * Integration test harness: a local twin per test file, on the emulators the global setup
 * started, with its own resource prefix so files never see each other's data.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../infra/local/twin';
import { ENV } from '../../shared/adapters/aws/config';
import { writeLocalTarget } from '../../shared/cli/target';

export async function startTestStack(options: Partial<LocalStackOptions> = {}): Promise<LocalStack> {
  // Quiet by default; a test that inspects logs or metrics sets these before starting its stack.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  // A record deferred by a slow or busy emulator (shared/adapters/aws/deferral.ts) comes back within a
  // second here, so drain() does not wait out a backoff meant for AWS outages.
  process.env.PROCESS_DEFER_MAX_SECONDS ??= '1';
  const dynamodbEndpoint = process.env.TOKENTRAIL_TEST_DYNAMODB_ENDPOINT;
  const awsEndpoint = process.env.TOKENTRAIL_TEST_AWS_ENDPOINT;
  if (!dynamodbEndpoint || !awsEndpoint)
    throw new Error('emulators are not running: run through jest (global setup)');
  return startLocalStack({
    port: 0,
    prefix: `t${randomBytes(4).toString('hex')}`,
    emulators: { dynamodbEndpoint, awsEndpoint },
    retryDelaySeconds: 0,
    onError: () => undefined,
    ...options,
  });
}

export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** Calls the stack's HTTP API with a bearer key and a JSON body. */
export async function api<T = Record<string, unknown>>(
  stack: LocalStack,
  method: string,
  path: string,
  options: { key?: string | null; body?: unknown; rawBody?: string } = {},
): Promise<ApiAnswer<T>> {
  const key = options.key === undefined ? stack.adminKey : options.key;
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(options.body !== undefined || options.rawBody !== undefined
        ? { 'content-type': 'application/json' }
        : {}),
    },
    body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T, headers: response.headers };
}

/** A realistic OpenAI Chat Completions interaction. */
export function openAiChat(
  overrides: Record<string, unknown> = {},
  content = 'Hello!',
): Record<string, unknown> {
  return {
    provider: 'openai',
    model: 'gpt-4o',
    request: { model: 'gpt-4o', messages: [{ role: 'user', content }] },
    response: {
      id: 'chatcmpl-test',
      object: 'chat.completion',
      model: 'gpt-4o-2024-08-06',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hi there.' }, finish_reason: 'stop' }],
      usage: {
        prompt_tokens: 1200,
        completion_tokens: 80,
        total_tokens: 1280,
        prompt_tokens_details: { cached_tokens: 200 },
      },
    },
    ...overrides,
  };
}

/**
 * A twin the CLI commands can target as they target `npm start`'s: saves its development keys in
 * a fresh data dir and writes the local target file there, with the environment the twin gives
 * its functions. Pass `env` to the command's io; `stop` removes the data dir too.
 */
export async function startCliTestStack(): Promise<{
  stack: LocalStack;
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tokentrail-cli-'));
  const stack = await startTestStack({ dataDir });
  const env = { TOKENTRAIL_DATA_DIR: dataDir };
  const environment: Record<string, string> = {};
  for (const name of Object.values(ENV)) if (process.env[name]) environment[name] = process.env[name];
  writeLocalTarget(env, {
    url: stack.url,
    dynamodbEndpoint: stack.emulators.dynamodbEndpoint,
    awsEndpoint: stack.emulators.awsEndpoint,
    environment,
  });
  return {
    stack,
    env,
    stop: async () => {
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
