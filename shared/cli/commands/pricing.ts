/**
 * `tokentrail pricing import <file>…`: stores rule files as the next version of the global catalog
 * layer of the local or a deployed stack (`PUT /admin/catalog`), priced after each project's
 * overrides and before the shipped catalog, then reprices unpriced interactions. No deployment
 * needed. `tokentrail pricing show` prints the current layer. Files are our rule format: a
 * generated catalog file (`shared/domain/pricing/catalog/generated/*.json`), `{"rules": [...]}` or a bare
 * array; several files are imported together as one layer (the layer replaces the previous one).
 *
 * @example
 * npm run -s tokentrail -- pricing import shared/domain/pricing/catalog/generated/*.rules.ts --label "genai-prices 0.1.9"
 * npm run -s tokentrail -- pricing import my-new-models.json
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { rulesOfCatalogFile } from '../../domain/pricing/catalog-file';
import { resolveLocalAdminKey } from '../api-key';
import { type ApiErrorBody, describeError, fetchJson } from '../http';
import { type CliIo, parseCommandOptions } from '../io';
import { resolveTarget } from '../target';

const USAGE = `usage: tokentrail pricing import <file>... [--label L] [--key K] [--stack S]
       tokentrail pricing show [--key K] [--stack S]

  import   store the rules of the files as the next global catalog layer, then reprice what
           was unpriced (the answer says how many interactions were newly priced)
  show     the current layer's version, import time, label and rule count
Key (admin scope): --key, else TOKENTRAIL_ADMIN_KEY, else the local stack's development admin key.
`;

function parseOptions(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      label: { type: 'string' },
      key: { type: 'string' },
      stack: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandOptions('pricing', USAGE, io, () => parseOptions(args));
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [action, ...files] = positionals;
  if ((action !== 'import' || files.length === 0) && (action !== 'show' || files.length > 0)) {
    io.stderr(USAGE);
    return 2;
  }
  const rules: unknown[] = [];
  for (const file of files) {
    try {
      rules.push(...rulesOfCatalogFile(readFileSync(file, 'utf8')));
    } catch (error) {
      io.stderr(`pricing: ${file}: ${(error as Error).message}\n`);
      return 2;
    }
  }
  const target = await resolveTarget(values.stack, io.env);
  // The catalog layer is admin scope: --key, else TOKENTRAIL_ADMIN_KEY, else the local stack's admin key.
  const key =
    values.key ??
    (target.kind === 'local' ? safely(() => resolveLocalAdminKey(io.env)) : io.env.TOKENTRAIL_ADMIN_KEY);
  if (!key) {
    io.stderr('pricing: no admin key: pass --key or set TOKENTRAIL_ADMIN_KEY\n');
    return 2;
  }
  const headers = {
    authorization: `Bearer ${key}`,
    'user-agent': 'tokentrail-cli',
    'content-type': 'application/json',
  };
  const label = values.label ?? files.map((file) => basename(file)).join(', ');
  const answer =
    action === 'show'
      ? await fetchJson(`${target.url}/admin/catalog`, { headers })
      : await fetchJson(`${target.url}/admin/catalog`, {
          method: 'PUT',
          headers,
          body: JSON.stringify({ rules, label: label.slice(0, 200) }),
        });
  if (answer.status !== 200) {
    const issues = (answer.body as ApiErrorBody | undefined)?.error?.issues ?? [];
    io.stderr(
      `pricing: ${describeError(answer)}${issues
        .slice(0, 20)
        .map((issue) => `\n  ${issue.path}: ${issue.message}`)
        .join('')}\n`,
    );
    return 1;
  }
  const body = answer.body as {
    layer: { version: number; importedAt: string; ruleCount: number; label?: string } | null;
    repriced?: { count: number; newlyPricedCount: number };
  };
  if (!body.layer) io.stdout('no catalog layer imported; the shipped catalog prices everything\n');
  else
    io.stdout(
      `catalog layer v${body.layer.version}: ${body.layer.ruleCount} rules (${body.layer.label ?? 'no label'}), imported ${body.layer.importedAt}\n`,
    );
  if (body.repriced)
    io.stdout(
      `repriced ${body.repriced.count} unpriced interactions, ${body.repriced.newlyPricedCount} now priced\n`,
    );
  return 0;
}

function safely(read: () => string): string | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
