/**
 * `tokentrail` CLI. Each command lives in `shared/cli/commands/<name>.ts` and exports
 * `run(args, io)`; the dispatcher finds commands by file name, so adding one touches no
 * shared file.
 *
 * @example
 * npm run -s tokentrail -- redact < chat.json
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CliCommand } from './io';
import { processIo } from './io';

const commandsDir = join(__dirname, 'commands');

function availableCommands(): string[] {
  return readdirSync(commandsDir)
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
  const file = join(commandsDir, `${name}.ts`);
  if (!/^[a-z][a-z-]*$/.test(name) || !existsSync(file)) {
    io.stderr(`tokentrail: unknown command "${name}"; commands: ${availableCommands().join(', ')}\n`);
    return 2;
  }
  const command = (await import(file)) as CliCommand;
  return command.run(args, io);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`tokentrail: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
