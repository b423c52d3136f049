/**
 * `npm run bench`: runs every `test/bench/*.bench.ts` (or those named on the command line),
 * each printing its figures next to a baseline measured in the same process.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface BenchSuite {
  /** Runs the suite and prints its figures. */
  run(): Promise<void>;
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const files = readdirSync(__dirname)
    .filter((file) => file.endsWith('.bench.ts'))
    .filter((file) => only.length === 0 || only.some((name) => file.startsWith(name)))
    .sort();
  for (const file of files) {
    process.stdout.write(`\n## ${file.replace('.bench.ts', '')}\n`);
    const suite = (await import(join(__dirname, file))) as BenchSuite;
    await suite.run();
  }
}

void main();
