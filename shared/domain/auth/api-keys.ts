/**
 * API keys: `tt_<key id>_<secret>`. Only a SHA-256 hash of the whole key is stored; keys carry
 * 190 bits of randomness, so a fast hash is enough (no password-style stretching needed).
 */
import { createHash, randomBytes } from 'node:crypto';

export const SCOPES = ['ingest', 'read', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** Who is calling: the project a key belongs to and what it may do. */
export interface Principal {
  keyId: string;
  project: string;
  scopes: Scope[];
}

/** A stored key record (never the key itself). */
export interface ApiKeyRecord extends Principal {
  keyHash: string;
  name: string;
  createdAt: string;
  revokedAt?: string;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * Generates a new key and its record; the caller shows the key once and stores the record.
 *
 * @example
 * const { key, record } = generateApiKey({ project: 'default', scopes: ['ingest', 'read'], name: 'ci' });
 */
export function generateApiKey(args: { project: string; scopes: Scope[]; name: string; now?: Date }): {
  key: string;
  record: ApiKeyRecord;
} {
  const keyId = randomBytes(6).toString('hex');
  const key = `tt_${keyId}_${randomBytes(24).toString('base64url')}`;
  return { key, record: recordForKey(key, args) };
}

/** The record for a key chosen by the operator (e.g. `TOKENTRAIL_API_KEY` locally). */
export function recordForKey(
  key: string,
  args: { project: string; scopes: Scope[]; name: string; now?: Date },
): ApiKeyRecord {
  const keyId = /^tt_([0-9a-f]{12})_/.exec(key)?.[1] ?? hashApiKey(key).slice(0, 12);
  return {
    keyId,
    keyHash: hashApiKey(key),
    project: args.project,
    scopes: [...args.scopes],
    name: args.name,
    createdAt: (args.now ?? new Date()).toISOString(),
  };
}

/** Reads the bearer token from an `Authorization` header value. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}
