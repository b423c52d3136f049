/**
 * Dependency checks for `GET /health?check=dependencies`: one cheap read of each store the API
 * needs (an item that does not exist, an object that does not exist). A store that answers, even
 * "not found" or "access denied", is up; throttling, a 5xx, a timeout or a refused connection
 * means it is down for now. Results are cached briefly, so the unauthenticated route cannot turn
 * into load on the stores.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { PAYLOAD_PREFIX } from '../../domain/ledger/objects';
import { apiKeyItemKey, interactionKey } from '../../domain/table/keys';
import { dynamo } from './clients';
import { ENV, requireEnv } from './config';
import { isTransientDependencyError } from './errors';
import { getPayloadObject } from './payload-store';

export type DependencyName = 'ledgerTable' | 'keysTable' | 'payloadBucket';

export interface DependencyStatus {
  ok: boolean;
  /** The error's class when down (never its message). */
  error?: string;
}

export interface DependencyReport {
  ok: boolean;
  dependencies: Record<DependencyName, DependencyStatus>;
  checkedAt: string;
}

/** How long one container reuses a report. */
export const HEALTH_CACHE_MS = 5_000;
const HEALTH_KEY = 'health-check';

let cached: { report: DependencyReport; expiresAt: number } | undefined;

async function probe(read: () => Promise<unknown>): Promise<DependencyStatus> {
  try {
    await read();
    return { ok: true };
  } catch (error) {
    if (!isTransientDependencyError(error)) return { ok: true };
    return { ok: false, error: error instanceof Error ? error.name : 'unknown' };
  }
}

/**
 * Checks the ledger table, the keys table and the payload bucket, in parallel.
 *
 * @example
 * const report = await checkDependencies();
 * // { ok: false, dependencies: { ledgerTable: { ok: false, error: 'TimeoutError' }, keysTable: { ok: true }, … } }
 */
export async function checkDependencies(now = Date.now()): Promise<DependencyReport> {
  if (cached && cached.expiresAt > now) return cached.report;
  const [ledgerTable, keysTable, payloadBucket] = await Promise.all([
    probe(() =>
      dynamo().send(
        new GetCommand({
          TableName: requireEnv(ENV.ledgerTable),
          Key: interactionKey(HEALTH_KEY, HEALTH_KEY),
        }),
      ),
    ),
    probe(() =>
      dynamo().send(new GetCommand({ TableName: requireEnv(ENV.keysTable), Key: apiKeyItemKey(HEALTH_KEY) })),
    ),
    probe(() => getPayloadObject(`${PAYLOAD_PREFIX}${HEALTH_KEY}`)),
  ]);
  const dependencies = { ledgerTable, keysTable, payloadBucket };
  const report = {
    ok: Object.values(dependencies).every((status) => status.ok),
    dependencies,
    checkedAt: new Date(now).toISOString(),
  };
  cached = { report, expiresAt: now + HEALTH_CACHE_MS };
  return report;
}
