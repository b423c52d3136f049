import { DeleteCommand, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ApiKeyRecord, Principal } from '../../domain/auth/api-keys';
import { apiKeyItemKey } from '../../domain/table/keys';
import { dynamo } from './clients';
import { ENV, requireEnv } from './config';
import { isTransientDependencyError } from './errors';

/** How long a warm container trusts a key lookup: a revoked key stops working within this. */
export const KEY_CACHE_TTL_MS = 10_000;
/** Lookups kept per container; the least recently used goes first, so a flood of bogus keys cannot grow memory. */
export const KEY_CACHE_MAX_ENTRIES = 1000;
/** How long past its expiry a cached lookup still serves while the keys table is unavailable. */
export const KEY_CACHE_STALE_IF_ERROR_MS = 15 * 60_000;
/** A Map iterates in insertion order, so re-inserting on every hit makes its first key the least recently used. */
const cache = new Map<string, { principal: Principal | undefined; expiresAt: number }>();

/**
 * Looks up the principal for a key hash, cached in the warm container for
 * {@link KEY_CACHE_TTL_MS} (known and unknown keys alike), at most {@link KEY_CACHE_MAX_ENTRIES}; up to
 * {@link KEY_CACHE_STALE_IF_ERROR_MS} longer while the table is unavailable.
 */
export async function findPrincipal(keyHash: string, now = Date.now()): Promise<Principal | undefined> {
  const cached = cache.get(keyHash);
  if (cached) {
    cache.delete(keyHash);
    cache.set(keyHash, cached);
    if (cached.expiresAt > now) return cached.principal;
  }
  let Item: Record<string, unknown> | undefined;
  try {
    ({ Item } = await dynamo().send(
      new GetCommand({ TableName: requireEnv(ENV.keysTable), Key: apiKeyItemKey(keyHash) }),
    ));
  } catch (error) {
    // While the keys table is unavailable, a key known a little while ago keeps working, so
    // ingest keeps accepting (the queue holds the work until the ledger is back).
    if (cached && isTransientDependencyError(error) && now - cached.expiresAt < KEY_CACHE_STALE_IF_ERROR_MS)
      return cached.principal;
    throw error;
  }
  const record = Item as ApiKeyRecord | undefined;
  const principal =
    record && !record.revokedAt
      ? { keyId: record.keyId, project: record.project, scopes: record.scopes }
      : undefined;
  cache.set(keyHash, { principal, expiresAt: now + KEY_CACHE_TTL_MS });
  while (cache.size > KEY_CACHE_MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  return principal;
}

/** How many lookups the container holds (tests). */
export function principalCacheSize(): number {
  return cache.size;
}

/** Stores a key record (idempotent for the same key). */
export async function saveApiKey(record: ApiKeyRecord, tableName = requireEnv(ENV.keysTable)): Promise<void> {
  await dynamo().send(
    new PutCommand({ TableName: tableName, Item: { ...apiKeyItemKey(record.keyHash), ...record } }),
  );
}

/** All key records (the keys table is small: one item per key). */
export async function listApiKeys(tableName = requireEnv(ENV.keysTable)): Promise<ApiKeyRecord[]> {
  const records: ApiKeyRecord[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey }));
    records.push(...((page.Items ?? []) as ApiKeyRecord[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** Marks a key revoked; answers false when no key has that id. */
export async function revokeApiKey(keyId: string, tableName = requireEnv(ENV.keysTable)): Promise<boolean> {
  const record = (await listApiKeys(tableName)).find((candidate) => candidate.keyId === keyId);
  if (!record) return false;
  await dynamo().send(
    new UpdateCommand({
      TableName: tableName,
      Key: apiKeyItemKey(record.keyHash),
      UpdateExpression: 'SET revokedAt = :now',
      ExpressionAttributeValues: { ':now': new Date().toISOString() },
    }),
  );
  return true;
}

/** Removes a key record entirely (tests and tooling). */
export async function deleteApiKey(keyHash: string, tableName = requireEnv(ENV.keysTable)): Promise<void> {
  await dynamo().send(new DeleteCommand({ TableName: tableName, Key: apiKeyItemKey(keyHash) }));
}

/** Forgets cached lookups (tests). */
export function clearPrincipalCache(): void {
  cache.clear();
}
