/**
 * CLI start time: the installed `tokentrail` (the bundle `npm install` builds) beside `node -e 0`
 * measured in the same run, and the TypeScript sources through tsx (`npm run tokentrail`) for scale.
 * Medians of interleaved runs, so a busy machine slows every column alike.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { table } from './measure';

const ROOT = join(__dirname, '..', '..');
const BUNDLE = join(ROOT, 'dist', 'tokentrail.cjs');
const RUNS = 15;
const USAGE = '{"inputTokens":1000,"outputTokens":100}';

function timeMs(args: string[], input?: string): number {
  const start = process.hrtime.bigint();
  execFileSync(process.execPath, args, {
    cwd: ROOT,
    input: input ?? '',
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function run(): Promise<void> {
  if (!existsSync(BUNDLE))
    execFileSync(process.execPath, [join(ROOT, 'shared/cli/build.mjs')], { cwd: ROOT });
  const cases: [string, string[], string?][] = [
    ['node -e 0 (baseline)', ['-e', '0']],
    ['tokentrail --help', [BUNDLE, '--help']],
    ['tokentrail price', [BUNDLE, 'price', '--provider', 'openai', '--model', 'gpt-4o', '--usage', USAGE]],
    ['tokentrail redact (stdin)', [BUNDLE, 'redact'], '{"content":"mail jane.doe@example.com"}'],
    [
      'tsx shared/cli/main.ts price',
      [
        '--conditions=import',
        '--import',
        'tsx',
        join(ROOT, 'shared/cli/main.ts'),
        'price',
        '--provider',
        'openai',
        '--model',
        'gpt-4o',
        '--usage',
        USAGE,
      ],
    ],
  ];
  const samples = cases.map(() => [] as number[]);
  for (let run = 0; run < RUNS; run += 1) {
    // The tsx column is slow; a third of the runs is enough for its median.
    cases.forEach(([name, args, input], index) => {
      if (name.startsWith('tsx') && run % 3 !== 0) return;
      samples[index]!.push(timeMs(args, input));
    });
  }
  const baseline = median(samples[0]!);
  process.stdout.write(
    table([
      ['command', 'median ms', 'min ms', 'over node -e 0 (ms)'],
      ...cases.map(([name], index) => [
        name,
        median(samples[index]!),
        Math.min(...samples[index]!),
        median(samples[index]!) - baseline,
      ]),
    ]),
  );
}
