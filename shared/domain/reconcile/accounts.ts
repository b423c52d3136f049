/**
 * Which provider accounts belong to which tokentrail project, and the admin keys that read their
 * reports. Stored in AWS as the Secrets Manager secret `tokentrail/provider-admin` (JSON):
 *
 * ```json
 * {
 *   "adminKeys": { "openai": "sk-admin-…", "anthropic": "sk-ant-admin01-…" },
 *   "projects": {
 *     "default": {
 *       "openai": { "projectIds": ["proj_abc"], "apiKeyIds": [] },
 *       "anthropic": { "workspaceIds": ["wrkspc_def"] }
 *     }
 *   }
 * }
 * ```
 *
 * A project's provider entry may carry its own `adminKey` (another organization) and `baseURL`.
 * An entry without ids reconciles the whole organization (one tokentrail project per org).
 * Errors name paths, never values: the secret holds keys.
 */
import * as z from 'zod';
import type { ProviderScope } from './port';

const ids = z.array(z.string().min(1).max(256)).max(1000).optional();

const providerAccountSchema = z.strictObject({
  adminKey: z.string().min(1).optional(),
  baseURL: z.url().optional(),
  projectIds: ids,
  workspaceIds: ids,
  apiKeyIds: ids,
});

export const providerAccountsSchema = z.strictObject({
  adminKeys: z.record(z.string().min(1).max(64), z.string().min(1)).optional(),
  baseURLs: z.record(z.string().min(1).max(64), z.url()).optional(),
  projects: z.record(z.string().min(1).max(128), z.record(z.string().min(1).max(64), providerAccountSchema)),
});

export type ProviderAccountsConfig = z.output<typeof providerAccountsSchema>;

/** One provider account of one project, ready for a report client. */
export interface ProviderAccount {
  provider: string;
  adminKey: string;
  baseURL?: string;
  scope: ProviderScope;
}

/** The accounts configuration does not parse; issues name paths only. */
export class InvalidProviderAccountsError extends Error {
  public readonly issues: { path: string; message: string }[];

  public constructor(issues: { path: string; message: string }[]) {
    super(
      `invalid provider accounts: ${issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; ')}`,
    );
    this.name = 'InvalidProviderAccountsError';
    this.issues = issues;
  }
}

/**
 * Parses the accounts JSON text.
 *
 * @throws {InvalidProviderAccountsError} naming each wrong path (never a value)
 * @example
 * parseProviderAccounts('{"adminKeys":{"openai":"sk-admin-x"},"projects":{"default":{"openai":{}}}}');
 */
export function parseProviderAccounts(text: string): ProviderAccountsConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InvalidProviderAccountsError([{ path: '', message: 'not JSON' }]);
  }
  const parsed = providerAccountsSchema.safeParse(json);
  if (!parsed.success) {
    throw new InvalidProviderAccountsError(
      // zod's messages name the expected type, never the received value.
      parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        message: issue.message,
      })),
    );
  }
  for (const [project, providers] of Object.entries(parsed.data.projects)) {
    for (const [provider, account] of Object.entries(providers)) {
      if (!account.adminKey && !parsed.data.adminKeys?.[provider]) {
        throw new InvalidProviderAccountsError([
          {
            path: `projects.${project}.${provider}.adminKey`,
            message: `no admin key (nor adminKeys.${provider})`,
          },
        ]);
      }
    }
  }
  return parsed.data;
}

/**
 * A project's provider accounts (none when the project has no entry).
 *
 * @example
 * accountsOf(config, 'default'); // [{ provider: 'openai', adminKey: 'sk-admin-…', scope: { projectIds: ['proj_abc'] } }]
 */
export function accountsOf(config: ProviderAccountsConfig, project: string): ProviderAccount[] {
  const providers = config.projects[project] ?? {};
  return Object.entries(providers)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([provider, account]) => {
      const baseURL = account.baseURL ?? config.baseURLs?.[provider];
      return {
        provider,
        adminKey: (account.adminKey ?? config.adminKeys?.[provider])!,
        ...(baseURL ? { baseURL } : {}),
        scope: {
          ...(account.projectIds?.length ? { projectIds: account.projectIds } : {}),
          ...(account.workspaceIds?.length ? { workspaceIds: account.workspaceIds } : {}),
          ...(account.apiKeyIds?.length ? { apiKeyIds: account.apiKeyIds } : {}),
        },
      };
    });
}
