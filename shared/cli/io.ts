/** What a CLI command reads and writes; tests pass their own. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Reads all of standard input as UTF-8. */
  readStdin(): Promise<string>;
  env: NodeJS.ProcessEnv;
}

/**
 * Parses a command's options: an unknown or malformed option prints its message and the usage
 * (exit 2), `--help` prints the usage (exit 0); otherwise the parsed options.
 *
 * @example
 * const parsed = parseCommandOptions('send', USAGE, io, () => parseOptions(args));
 * if (typeof parsed === 'number') return parsed;
 */
export function parseCommandOptions<T extends { values: { help?: boolean } }>(
  name: string,
  usage: string,
  io: CliIo,
  parse: () => T,
): T | number {
  let parsed: T;
  try {
    parsed = parse();
  } catch (error) {
    io.stderr(`${name}: ${(error as { message?: unknown })?.message ?? String(error)}\n${usage}`);
    return 2;
  }
  if (parsed.values.help) {
    io.stdout(usage);
    return 0;
  }
  return parsed;
}

/** A command module: `shared/cli/commands/<name>.ts` exports `run`. Returns the exit code. */
export interface CliCommand {
  run(args: string[], io: CliIo): Promise<number>;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    env: process.env,
  };
}
