/**
 * The provider accounts and admin keys the reconcile job reads reports with:
 * - `TOKENTRAIL_PROVIDER_ACCOUNTS` (the JSON itself) when set: the local twin points it at the
 *   provider-report emulator;
 * - else the Secrets Manager secret named by `PROVIDER_ADMIN_SECRET_NAME` (stack context
 *   `tokentrail:providerAdminSecretName`, default `tokentrail/provider-admin`), created by you.
 *
 * The parsed value is cached for five minutes in the warm container. Keys are never logged or
 * put in an error: parse errors name paths, read errors name the AWS error class.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PROVIDER_ACCOUNTS_ENV } from '../../domain/env-names';
import {
  accountsOf,
  type ProviderAccount,
  type ProviderAccountsConfig,
  parseProviderAccounts,
} from '../../domain/reconcile/accounts';

export { PROVIDER_ACCOUNTS_ENV };

export const DEFAULT_PROVIDER_ADMIN_SECRET_NAME = 'tokentrail/provider-admin';

const TTL_MS = 5 * 60_000;
let client: SecretsManagerClient | undefined;
let cached: { source: string; config: ProviderAccountsConfig; expiresAt: number } | undefined;

/** The secret could not be read; names the secret and the AWS error class, never a value. */
export class ProviderAccountsUnavailableError extends Error {
  public constructor(secretName: string, reason: string) {
    super(`provider accounts secret ${secretName} ${reason}`);
    this.name = 'ProviderAccountsUnavailableError';
  }
}

async function loadConfig(now: number): Promise<ProviderAccountsConfig | undefined> {
  const inline = process.env[PROVIDER_ACCOUNTS_ENV.json];
  const secretName = process.env[PROVIDER_ACCOUNTS_ENV.secretName];
  const source = inline ? `env:${inline.length}:${inline}` : secretName ? `secret:${secretName}` : '';
  if (!source) return undefined;
  if (cached && cached.source === source && cached.expiresAt > now) return cached.config;
  let text: string;
  if (inline) {
    text = inline;
  } else {
    client ??= new SecretsManagerClient({});
    try {
      const result = await client.send(new GetSecretValueCommand({ SecretId: secretName }));
      if (!result.SecretString)
        throw new ProviderAccountsUnavailableError(secretName!, 'has no string value');
      text = result.SecretString;
    } catch (error) {
      if (error instanceof ProviderAccountsUnavailableError) throw error;
      throw new ProviderAccountsUnavailableError(
        secretName!,
        `could not be read (${error instanceof Error ? error.name : 'error'})`,
      );
    }
  }
  const config = parseProviderAccounts(text);
  cached = { source, config, expiresAt: now + TTL_MS };
  return config;
}

/**
 * The projects that have provider accounts (none when nothing is configured).
 *
 * @example
 * await projectsWithAccounts(); // ['default']
 */
export async function projectsWithAccounts(now = Date.now()): Promise<string[]> {
  const config = await loadConfig(now);
  return config ? Object.keys(config.projects).sort() : [];
}

/**
 * A project's provider accounts.
 *
 * @example
 * await providerAccounts('default'); // [{ provider: 'openai', adminKey: '…', scope: { projectIds: ['proj_abc'] } }]
 */
export async function providerAccounts(project: string, now = Date.now()): Promise<ProviderAccount[]> {
  const config = await loadConfig(now);
  return config ? accountsOf(config, project) : [];
}

/** Forgets the cached accounts (tests). */
export function clearProviderAccountsCache(): void {
  cached = undefined;
}
