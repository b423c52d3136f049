/**
 * Cold start: each function's bundle, built with the deploy's esbuild options (infra/bundling.ts),
 * `require()`d in a fresh Node process (with `--enable-source-maps` where the function turns it
 * on), beside a reference bundle that holds only the DynamoDB document client, SQS and S3,
 * constructed. Rounds interleave all bundles so machine noise hits them alike; medians are shown.
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

/** Times one `require()` of the bundle in a new process: milliseconds. */
const PROBE = `const t=process.hrtime.bigint();require(process.argv[1]);process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;

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
  entry: string | { contents: string },
): Promise<Bundle> {
  const file = join(dir, name, 'index.js');
  await build({
    ...(typeof entry === 'string'
      ? { entryPoints: [join(ROOT, entry)] }
      : { stdin: { contents: entry.contents, resolveDir: ROOT, loader: 'js' } }),
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

function requireMs(target: Bundle): number {
  const flags = target.options.sourceMap ? ['--enable-source-maps'] : [];
  const out = execFileSync(process.execPath, [...flags, '-e', PROBE, target.file], {
    env: { PATH: process.env.PATH, ...LAMBDA_ENV },
    encoding: 'utf8',
  });
  return Number(out);
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
    const all = [reference, ...functions];
    const samples = new Map<string, number[]>(all.map((b) => [b.name, []]));
    for (const target of all) requireMs(target); // warm the file cache
    for (let round = 0; round < ROUNDS; round++) {
      for (const target of all) samples.get(target.name)!.push(requireMs(target));
    }
    const referenceMs = median(samples.get(reference.name)!);
    const rows: (string | number)[][] = [
      ['bundle', 'KB', 'source maps', 'require ms (median)', 'x reference'],
    ];
    for (const target of all) {
      const ms = median(samples.get(target.name)!);
      rows.push([
        target.name,
        Math.round(target.bytes / 1024).toString(),
        target.options.sourceMap ? 'on' : 'off',
        ms,
        ms / referenceMs,
      ]);
    }
    process.stdout.write(`cold require() in a fresh node ${process.version} process, ${ROUNDS} rounds\n`);
    process.stdout.write(table(rows));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
