/**
 * Which API key a command that calls the HTTP API uses: `--key`, else `TOKENTRAIL_API_KEY`,
 * else, for the local stack, the development key `npm start` keeps in its data directory.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { localTargetFile, type Target } from './target';

/** What the local twin saves next to `local.json` (infra/local/twin.ts, `ensureDevelopmentKeys`). */
export interface DevelopmentKeys {
  /** Scopes `ingest` and `read`. */
  apiKey: string;
  /** Scopes `ingest`, `read` and `admin`. */
  adminKey: string;
}

/**
 * The development keys of the local stack, when it saved them (it does unless it runs in memory).
 *
 * @example
 * const keys = readDevelopmentKeys(process.env); // { apiKey: 'tt_…', adminKey: 'tt_…' } or undefined
 */
export function readDevelopmentKeys(env: NodeJS.ProcessEnv): DevelopmentKeys | undefined {
  // Same directory as local.json, so TOKENTRAIL_DATA_DIR moves both together.
  const file = join(dirname(localTargetFile(env)), 'dev-keys.json');
  if (!existsSync(file)) return undefined;
  const keys = JSON.parse(readFileSync(file, 'utf8')) as Partial<DevelopmentKeys>;
  return typeof keys.apiKey === 'string' && typeof keys.adminKey === 'string'
    ? { apiKey: keys.apiKey, adminKey: keys.adminKey }
    : undefined;
}

/**
 * The key for `ingest` or `read` calls. Locally the development API key has both scopes, so it
 * serves either; the admin key is never chosen, so a command cannot do more than it needs.
 *
 * @throws {Error} when no key is given and none is saved (a deployed stack has no default key).
 * @example
 * const key = resolveApiKey(values.key, target, io.env);
 */
export function resolveApiKey(flag: string | undefined, target: Target, env: NodeJS.ProcessEnv): string {
  const key = flag ?? env.TOKENTRAIL_API_KEY;
  if (key) return key;
  if (target.kind === 'local') {
    const saved = readDevelopmentKeys(env)?.apiKey;
    if (saved) return saved;
    throw new Error(
      'no API key: pass --key or set TOKENTRAIL_API_KEY (the local stack saved none; is it running in memory?)',
    );
  }
  throw new Error(
    'no API key: pass --key or set TOKENTRAIL_API_KEY (create one with "tokentrail keys create --stack …")',
  );
}

/**
 * The admin key `jobs run` sends to the local stack's `/_local/jobs/*`: `TOKENTRAIL_ADMIN_KEY`,
 * else the admin key the local stack saved.
 *
 * @throws {Error} when neither is there.
 */
export function resolveLocalAdminKey(env: NodeJS.ProcessEnv): string {
  const key = env.TOKENTRAIL_ADMIN_KEY ?? readDevelopmentKeys(env)?.adminKey;
  if (key) return key;
  throw new Error(
    'no admin key: set TOKENTRAIL_ADMIN_KEY (the local stack saved none; is it running in memory?)',
  );
}
