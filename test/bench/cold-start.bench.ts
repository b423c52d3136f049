/**
 * Cold start: each function's bundle, built with the deploy's esbuild options (infra/bundling.ts),
 * `require()`d in a fresh Node process (with `--enable-source-maps` where the function turns it
 * on), beside a reference bundle that holds only the DynamoDB document client, SQS and S3,
 * constructed. Rounds interleave all bundles so machine noise hits them alike; medians are shown,
 * as wall time and as the process's CPU time (steadier on a busy machine). `process + first price`
 * also prices one interaction after loading, so work moved from load to first use still counts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { type BundleOptions, bundleOptionsFor } from '../../infra/bundling';
import { FUNCTIONS } from '../../infra/catalog';
import { table } from './measure';

const ROOT = join(__dirname, '..', '..');
const ROUNDS = Number(process.env.COLD_START_ROUNDS ?? 15);

const REFERENCE_SOURCE = `
const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient } = require('@aws-sdk/lib-dynamodb');
const { SQSClient } = require('@aws-sdk/client-sqs');
const { S3Client } = require('@aws-sdk/client-s3');
exports.clients = [DynamoDBDocumentClient.from(new DynamoDBClient({})), new SQSClient({}), new S3Client({})];
`;

/** The processor's bundle, then its first price: loading the catalog on first use is timed too. */
const FIRST_PRICE_SOURCE = `
export { handler } from './functions/process/handler';
import { priceUsage } from './shared/domain/pricing';
export function firstCall() {
  const usage = { inputTokens: 1000, outputTokens: 100, cachedInputTokens: 0, cacheWriteInputTokens: 0, reasoningTokens: 0 };
  if (!priceUsage({ provider: 'openai', model: 'gpt-4o-mini', at: '2025-06-01T00:00:00Z', usage }).priced)
    throw new Error('not priced');
}
`;

/**
 * Times one `require()` of the bundle in a new process (and its `firstCall()`, when it exports
 * one): wall and CPU milliseconds, space-separated.
 */
const PROBE = `const t=process.hrtime.bigint(),c=process.cpuUsage();const m=require(process.argv[1]);if(m.firstCall)m.firstCall();const u=process.cpuUsage(c);process.stdout.write(Number(process.hrtime.bigint()-t)/1e6+' '+(u.user+u.system)/1e3)`;

/** What Lambda sets and handlers may read at load; values are placeholders. */
const LAMBDA_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_LAMBDA_FUNCTION_NAME: 'cold-start-bench',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
  POWERTOOLS_SERVICE_NAME: 'bench',
  POWERTOOLS_METRICS_NAMESPACE: 'Bench',
};

interface Bundle {
  name: string;
  file: string;
  bytes: number;
  options: BundleOptions;
}

async function bundle(
  dir: string,
  name: string,
  options: BundleOptions,
  entry: string | { contents: string; loader?: 'js' | 'ts' },
): Promise<Bundle> {
  const file = join(dir, name, 'index.js');
  await build({
    ...(typeof entry === 'string'
      ? { entryPoints: [join(ROOT, entry)] }
      : { stdin: { contents: entry.contents, resolveDir: ROOT, loader: entry.loader ?? 'js' } }),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: options.target,
    minify: options.minify,
    sourcemap: options.sourceMap,
    sourcesContent: false,
    outfile: file,
    logLevel: 'error',
  });
  return { name, file, bytes: statSync(file).size, options };
}

function requireMs(target: Bundle): { wall: number; cpu: number } {
  const flags = target.options.sourceMap ? ['--enable-source-maps'] : [];
  const out = execFileSync(process.execPath, [...flags, '-e', PROBE, target.file], {
    env: { PATH: process.env.PATH, ...LAMBDA_ENV },
    encoding: 'utf8',
  });
  const [wall, cpu] = out.split(' ').map(Number);
  return { wall: wall!, cpu: cpu! };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tokentrail-cold-start-'));
  try {
    const reference = await bundle(
      dir,
      'sdk-only reference',
      { target: 'node22', minify: true, sourceMap: false },
      {
        contents: REFERENCE_SOURCE,
      },
    );
    const functions = await Promise.all(
      FUNCTIONS.map((spec) => bundle(dir, spec.name, bundleOptionsFor(spec), spec.entry)),
    );
    const processSpec = FUNCTIONS.find((spec) => spec.name === 'process')!;
    const firstPrice = await bundle(dir, 'process + first price', bundleOptionsFor(processSpec), {
      contents: FIRST_PRICE_SOURCE,
      loader: 'ts',
    });
    const all = [reference, ...functions, firstPrice];
    const samples = new Map(all.map((b) => [b.name, { wall: [] as number[], cpu: [] as number[] }]));
    for (const target of all) requireMs(target); // warm the file cache
    for (let round = 0; round < ROUNDS; round++) {
      for (const target of all) {
        const { wall, cpu } = requireMs(target);
        samples.get(target.name)!.wall.push(wall);
        samples.get(target.name)!.cpu.push(cpu);
      }
    }
    const referenceWall = median(samples.get(reference.name)!.wall);
    const referenceCpu = median(samples.get(reference.name)!.cpu);
    const rows: (string | number)[][] = [
      [
        'bundle',
        'KB',
        'source maps',
        'require ms (median)',
        'x reference',
        'CPU ms (median)',
        'CPU x reference',
      ],
    ];
    for (const target of all) {
      const wall = median(samples.get(target.name)!.wall);
      const cpu = median(samples.get(target.name)!.cpu);
      rows.push([
        target.name,
        Math.round(target.bytes / 1024).toString(),
        target.options.sourceMap ? 'on' : 'off',
        wall,
        wall / referenceWall,
        cpu,
        cpu / referenceCpu,
      ]);
    }
    process.stdout.write(`cold require() in a fresh node ${process.version} process, ${ROUNDS} rounds\n`);
    process.stdout.write(table(rows));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
