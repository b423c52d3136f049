/**
 * `tokentrail redact [--config file.json] [--hash-secret S]`: redacts standard input.
 * JSON in → redacted JSON out (same shape, 2-space indent); anything else is redacted as text.
 * A summary of counts goes to stderr (`redacted: EMAIL=2 PHONE=1`).
 *
 * @example
 * echo '{"messages":[{"role":"user","content":"mail ada@example.com"}]}' | npm run -s tokentrail -- redact
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  createRedactor,
  InvalidRedactionConfigError,
  parseRedactionConfig,
  type RedactionConfig,
  type RedactionCounts,
} from '../../domain/redaction';
import type { CliIo } from '../io';

const USAGE =
  'usage: tokentrail redact [--config file.json] [--hash-secret S] < input\n' +
  '  --hash-secret S  replace findings with keyed hashes ([EMAIL:3f9a1c]) instead of placeholders;\n' +
  '                   S is 16 to 1024 characters (also TOKENTRAIL_REDACTION_HASH_SECRET)\n';

export async function run(args: string[], io: CliIo): Promise<number> {
  let values: { config?: string; 'hash-secret'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        config: { type: 'string' },
        'hash-secret': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    io.stderr(`tokentrail redact: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }

  let config: RedactionConfig;
  try {
    const raw: Record<string, unknown> = values.config
      ? (JSON.parse(await readFile(values.config, 'utf8')) as Record<string, unknown>)
      : {};
    const hashSecret = values['hash-secret'] ?? io.env.TOKENTRAIL_REDACTION_HASH_SECRET;
    config = parseRedactionConfig(hashSecret ? { ...raw, style: 'hash', hashSecret } : raw);
  } catch (error) {
    if (error instanceof InvalidRedactionConfigError) {
      io.stderr(
        `tokentrail redact: ${error.issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('\n  ')}\n`,
      );
    } else {
      io.stderr(
        `tokentrail redact: cannot read config: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    }
    return 2;
  }

  const redactor = createRedactor(config);
  const input = await io.readStdin();
  const json = parseJson(input);
  let counts: RedactionCounts;
  if (json.ok) {
    const result = redactor.redactValue(json.value);
    counts = result.counts;
    io.stdout(`${JSON.stringify(result.value, null, 2)}\n`);
  } else {
    const result = redactor.redactText(input);
    counts = result.counts;
    io.stdout(result.text);
  }
  io.stderr(`${summary(counts)}\n`);
  return 0;
}

function parseJson(input: string): { ok: true; value: unknown } | { ok: false } {
  const trimmed = input.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[') && !trimmed.startsWith('"')) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(input) };
  } catch {
    return { ok: false };
  }
}

/** `redacted: EMAIL=2 PHONE=1`, types in alphabetical order; `redacted: nothing` when empty. */
export function summary(counts: RedactionCounts): string {
  const entries = Object.entries(counts).sort(([a], [b]) => a.localeCompare(b));
  return `redacted: ${entries.length === 0 ? 'nothing' : entries.map(([type, n]) => `${type}=${n}`).join(' ')}`;
}
