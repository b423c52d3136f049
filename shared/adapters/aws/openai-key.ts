/**
 * The OpenAI credentials of a project and one batch client per key.
 *
 * - Locally (and wherever `OPENAI_API_KEY` is set): that key and `OPENAI_BASE_URL` (the local
 *   Batch API emulator's URL in the twin) for every project.
 * - In AWS: the Secrets Manager secret named by `OPENAI_SECRET_NAME` (stack context
 *   `tokentrail:openAiSecretName`, default `tokentrail/openai`). Its value is either the key
 *   itself, or JSON: `{"apiKey": "sk-…"}`, or keys by project with a fallback,
 *   `{"projects": {"acme": "sk-…"}, "default": "sk-…", "baseURL": "…"}`.
 *
 * The secret is cached in the warm container for five minutes (rotation is picked up after that)
 * and the key is never logged or put in an error.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { OPENAI_ENV } from '../../domain/env-names';
import { CircuitBreakerRegistry, createOpenAiBatchClient, type OpenAiBatchClient } from '../openai';
import { MissingOpenAiKeyError, OpenAiSecretError } from './analysis-errors';

export { OPENAI_ENV };

export const DEFAULT_OPENAI_SECRET_NAME = 'tokentrail/openai';

const SECRET_TTL_MS = 5 * 60_000;

export interface OpenAiCredentials {
  apiKey: string;
  baseURL?: string;
}

interface ParsedSecret {
  byProject: Record<string, string>;
  fallback?: string;
  baseURL?: string;
}

let secretsClient: SecretsManagerClient | undefined;
let cachedSecret: { name: string; value: ParsedSecret; expiresAt: number } | undefined;
/** One per process: every project's breaker lives here, across warm invocations. */
const breakers = new CircuitBreakerRegistry();
const clients = new Map<string, { fingerprint: string; client: OpenAiBatchClient }>();

/**
 * The key (and base URL) for a project.
 *
 * @throws {MissingOpenAiKeyError} when no key is configured for it
 * @throws {OpenAiSecretError} when the secret cannot be read or parsed
 * @example
 * const { apiKey, baseURL } = await openAiCredentials('default');
 */
export async function openAiCredentials(project: string, now = Date.now()): Promise<OpenAiCredentials> {
  const envKey = process.env[OPENAI_ENV.apiKey];
  const envBaseUrl = process.env[OPENAI_ENV.baseUrl] || undefined;
  if (envKey) return { apiKey: envKey, ...(envBaseUrl ? { baseURL: envBaseUrl } : {}) };
  const secretName = process.env[OPENAI_ENV.secretName];
  if (!secretName) throw new MissingOpenAiKeyError(project, 'environment');
  const secret = await readSecret(secretName, now);
  const apiKey = secret.byProject[project] ?? secret.fallback;
  if (!apiKey) throw new MissingOpenAiKeyError(project, 'secret');
  const baseURL = secret.baseURL ?? envBaseUrl;
  return { apiKey, ...(baseURL ? { baseURL } : {}) };
}

/**
 * The batch client of a project: one per key, reused while the key is unchanged, all sharing one
 * circuit breaker registry (a breaker per project).
 *
 * @example
 * const client = await openAiClientFor('default');
 * await client.retrieveBatch('batch_abc');
 */
export async function openAiClientFor(project: string): Promise<OpenAiBatchClient> {
  const credentials = await openAiCredentials(project);
  const fingerprint = `${credentials.baseURL ?? ''}\n${credentials.apiKey}`;
  const cached = clients.get(project);
  if (cached?.fingerprint === fingerprint) return cached.client;
  const client = createOpenAiBatchClient({ ...credentials, project, breakers });
  clients.set(project, { fingerprint, client });
  return client;
}

/** Forgets cached secrets and clients (tests). */
export function clearOpenAiCache(): void {
  cachedSecret = undefined;
  clients.clear();
}

async function readSecret(name: string, now: number): Promise<ParsedSecret> {
  if (cachedSecret && cachedSecret.name === name && cachedSecret.expiresAt > now) return cachedSecret.value;
  secretsClient ??= new SecretsManagerClient({});
  let text: string | undefined;
  try {
    const result = await secretsClient.send(new GetSecretValueCommand({ SecretId: name }));
    text = result.SecretString;
  } catch (error) {
    // The SDK error names the failure (AccessDenied, ResourceNotFound); its message never holds the value.
    throw new OpenAiSecretError(name, `could not be read (${error instanceof Error ? error.name : 'error'})`);
  }
  if (!text) throw new OpenAiSecretError(name, 'has no string value');
  const value = parseSecret(name, text);
  cachedSecret = { name, value, expiresAt: now + SECRET_TTL_MS };
  return value;
}

/**
 * Reads a secret value: a bare key, or JSON with `apiKey`/`default`, `projects` and `baseURL`.
 *
 * @throws {OpenAiSecretError} on JSON of another shape (the value is never quoted)
 * @example
 * parseSecret('tokentrail/openai', '{"projects":{"acme":"sk-a"},"default":"sk-d"}').byProject.acme; // 'sk-a'
 */
export function parseSecret(name: string, text: string): ParsedSecret {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return { byProject: {}, fallback: trimmed };
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    throw new OpenAiSecretError(name, 'looks like JSON but does not parse');
  }
  const record = json as Record<string, unknown>;
  const byProject: Record<string, string> = {};
  if (record.projects !== undefined) {
    if (typeof record.projects !== 'object' || record.projects === null)
      throw new OpenAiSecretError(name, '"projects" must be an object of keys');
    for (const [project, key] of Object.entries(record.projects as Record<string, unknown>)) {
      if (typeof key !== 'string' || key === '')
        throw new OpenAiSecretError(name, `key of a project is not a string`);
      byProject[project] = key;
    }
  }
  const fallback = [record.apiKey, record.default].find(
    (value) => typeof value === 'string' && value !== '',
  ) as string | undefined;
  const baseURL = typeof record.baseURL === 'string' && record.baseURL !== '' ? record.baseURL : undefined;
  if (!fallback && Object.keys(byProject).length === 0)
    throw new OpenAiSecretError(name, 'has no "apiKey", "default" or "projects"');
  return { byProject, ...(fallback ? { fallback } : {}), ...(baseURL ? { baseURL } : {}) };
}
