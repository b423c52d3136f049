/**
 * `tokentrail` CLI. Each command lives in `shared/cli/commands/<name>.ts` and exports
 * `run(args, io)`; the dispatcher finds commands by file name, so adding one touches no
 * shared file.
 *
 * @example
 * npm run -s tokentrail -- redact < chat.json
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CliCommand } from './io';
import { processIo } from './io';

/** The command list, fixed at build time in the bundle (shared/cli/build.mjs); read from the folder otherwise. */
declare const __TOKENTRAIL_COMMANDS__: readonly string[] | undefined;

function availableCommands(): readonly string[] {
  if (typeof __TOKENTRAIL_COMMANDS__ !== 'undefined') return __TOKENTRAIL_COMMANDS__;
  return readdirSync(join(__dirname, 'commands'))
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => file.slice(0, -3))
    .sort();
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const io = processIo();
  if (!name || name === '--help' || name === 'help') {
    io.stdout(`usage: tokentrail <command> [options]\ncommands: ${availableCommands().join(', ')}\n`);
    return name ? 0 : 2;
  }
  if (!/^[a-z][a-z-]*$/.test(name) || !availableCommands().includes(name)) {
    io.stderr(`tokentrail: unknown command "${name}"; commands: ${availableCommands().join(', ')}\n`);
    return 2;
  }
  // A template literal the bundler expands to every file of the folder.
  const command = (await import(`./commands/${name}.ts`)) as CliCommand;
  try {
    return await command.run(args, io);
  } catch (error) {
    // An unknown or malformed option is a usage error (exit 2) whichever command parsed it.
    if (isUsageError(error)) {
      io.stderr(`tokentrail ${name}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

/** Node's `parseArgs` errors, by code (not `instanceof`: they may come from another realm). */
function isUsageError(error: unknown): error is Error {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_') && typeof message === 'string';
}

/** Runs the CLI with `args` and sets the process exit code (the installed bin and `npm run tokentrail`). */
export function runCli(args: string[]): void {
  main(args).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`tokentrail: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

// Run directly through tsx (`npm run tokentrail`); the bundle starts through bin.cjs instead.
if (require.main === module && typeof __TOKENTRAIL_COMMANDS__ === 'undefined') runCli(process.argv.slice(2));
