/**
 * `tokentrail keys create|list|revoke`: manage API keys of the local stack or of a deployed
 * one (`--stack <name>`). Only a hash of each key is stored; `create` shows the key once.
 *
 * @example
 * npm run -s tokentrail -- keys create --project default --scopes ingest,read --name ci
 */
import { parseArgs } from 'node:util';
import { listApiKeys, revokeApiKey, saveApiKey } from '../../adapters/aws/api-key-store';
import { generateApiKey, SCOPES, type Scope } from '../../domain/auth/api-keys';
import type { CliIo } from '../io';
import { resolveTarget } from '../target';

const USAGE = `usage: tokentrail keys create [--project P] [--scopes ingest,read,admin] [--name N] [--stack S]
       tokentrail keys list [--stack S]
       tokentrail keys revoke <keyId> [--stack S]
`;

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      project: { type: 'string', default: 'default' },
      scopes: { type: 'string', default: 'ingest,read' },
      name: { type: 'string', default: 'created by the CLI' },
      stack: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const [action, keyId] = positionals;
  if (!action || !['create', 'list', 'revoke'].includes(action)) {
    io.stderr(USAGE);
    return 2;
  }
  await resolveTarget(values.stack, io.env);

  if (action === 'create') {
    const scopes = values.scopes.split(',').map((scope) => scope.trim());
    const unknown = scopes.filter((scope) => !(SCOPES as readonly string[]).includes(scope));
    if (unknown.length > 0) {
      io.stderr(`keys: unknown scope(s) ${unknown.join(', ')}; use ${SCOPES.join(', ')}\n`);
      return 2;
    }
    const { key, record } = generateApiKey({
      project: values.project,
      scopes: scopes as Scope[],
      name: values.name,
    });
    await saveApiKey(record);
    if (values.json)
      io.stdout(`${JSON.stringify({ key, keyId: record.keyId, project: record.project, scopes })}\n`);
    else io.stdout(`${key}\n`);
    io.stderr(
      `created key ${record.keyId} for project "${record.project}" (${scopes.join(', ')}); it is shown only once\n`,
    );
    return 0;
  }
  if (action === 'list') {
    const records = await listApiKeys();
    for (const record of records) {
      io.stdout(
        `${record.keyId}  ${record.project}  ${record.scopes.join(',')}  ${record.createdAt}  ${record.revokedAt ? `revoked ${record.revokedAt}` : 'active'}  ${record.name}\n`,
      );
    }
    return 0;
  }
  if (!keyId) {
    io.stderr(USAGE);
    return 2;
  }
  if (!(await revokeApiKey(keyId))) {
    io.stderr(`keys: no key with id ${keyId}\n`);
    return 1;
  }
  io.stderr(`revoked key ${keyId}; cached lookups expire within a minute\n`);
  return 0;
}
