/**
 * `npm run scale-model -- --per-day N`: whether every job fits at N interactions a day for one
 * project. Synthesizes the stack in process (bundling skipped) for the deployed settings (shards,
 * concurrency, memory, timeouts), measures the per-record costs on the real code, and prints each
 * job's time, memory, reads and hottest partition against AWS's limits, with the headroom.
 *
 * Flags: `--per-day N` (repeatable; default 1M, 10M and 100M), `--peak F` (busiest hour over the
 * average, default 4), `--context key=value` (CDK context, repeatable), `--json`.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  PAGE_SIZE,
  SLICE_STOP_MARGIN_MS,
  SLICE_WRITE_CONCURRENCY,
} from '../../shared/domain/pricing/reprice-job';
import { measureInteractionItem, SAMPLE_TEXT_FILE } from '../cost-model/interaction-item';
import { synthesizedTemplate } from '../cost-model/main';
import { type TemplateJson, templateFacts } from '../cost-model/template-facts';
import { measure } from './measure';
import { DEFAULT_SCALE_ASSUMPTIONS, type DeployedScale, type JobRow, scaleRows } from './model';

const USAGE = `usage: npm run scale-model -- [--per-day N]... [--peak F] [--context key=value]... [--json]

Prints, for one project at N interactions a day, each job's time, memory, reads and hottest
partition against AWS's limits, and whether it fits (headroom ≥ 1.5×).
  --per-day N           interactions a day (repeatable; default 1000000, 10000000, 100000000)
  --peak F              busiest hour's rate over the day's average (default ${DEFAULT_SCALE_ASSUMPTIONS.peakFactor})
  --context key=value   CDK context for the synth, e.g. tokentrail:dayIndexShards=32
  --json                the rows as JSON
`;

/** The deployed scale settings, read from a synthesized template. */
export function deployedScale(template: TemplateJson): Omit<DeployedScale, 'dayEntryBytes' | 'itemBytes'> {
  const functions: DeployedScale['functions'] = {};
  let dayIndexShards = 8;
  let workIndexShards = 1;
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const variables = (resource.Properties?.Environment?.Variables ?? {}) as Record<string, string>;
    const name = variables.POWERTOOLS_SERVICE_NAME;
    if (!name) continue;
    functions[name] = {
      memoryMb: Number(resource.Properties?.MemorySize ?? 128),
      timeoutSeconds: Number(resource.Properties?.Timeout ?? 3),
    };
    dayIndexShards = Number(variables.TOKENTRAIL_DAY_INDEX_SHARDS ?? dayIndexShards);
    workIndexShards = Number(variables.TOKENTRAIL_WORK_INDEX_SHARDS ?? workIndexShards);
  }
  const mapping = Object.values(template.Resources).find(
    (resource) => resource.Type === 'AWS::Lambda::EventSourceMapping',
  );
  const machines = Object.entries(template.Resources).filter(
    ([, resource]) => resource.Type === 'AWS::StepFunctions::StateMachine',
  );
  const definitionOf = (name: RegExp) =>
    JSON.stringify(
      machines.find(([logicalId]) => name.test(logicalId))?.[1].Properties?.DefinitionString ?? '',
    );
  const maxConcurrency = (definition: string) =>
    Number(/MaxConcurrency\\?":(\d+)/.exec(definition)?.[1] ?? 1);
  const repriceDefinition = definitionOf(/RepriceDay/);
  const reprice = {
    mapConcurrency: maxConcurrency(repriceDefinition),
    runTimeoutSeconds: Number(/TimeoutSeconds\\?":(\d+)/.exec(repriceDefinition)?.[1] ?? 3600),
    pageSize: PAGE_SIZE,
    sliceWriteConcurrency: SLICE_WRITE_CONCURRENCY,
    sliceWorkSeconds: (functions.reprice?.timeoutSeconds ?? 900) - SLICE_STOP_MARGIN_MS / 1000,
  };
  return {
    dayIndexShards,
    workIndexShards,
    processMaxConcurrency: Number(mapping?.Properties?.ScalingConfig?.MaximumConcurrency ?? 1000),
    processBatchSize: Number(mapping?.Properties?.BatchSize ?? 10),
    mapConcurrency: maxConcurrency(definitionOf(/Rollup/)),
    functions,
    reprice,
  };
}

const compact = (n: number) =>
  n >= 1e9
    ? `${(n / 1e9).toFixed(1)}G`
    : n >= 1e6
      ? `${(n / 1e6).toFixed(1)}M`
      : n >= 1e3
        ? `${(n / 1e3).toFixed(1)}k`
        : n.toFixed(0);
const duration = (seconds: number) =>
  seconds >= 3 * 3600
    ? `${(seconds / 3600).toFixed(1)} h`
    : seconds >= 60
      ? `${(seconds / 60).toFixed(1)} min`
      : seconds >= 1
        ? `${seconds.toFixed(1)} s`
        : `${Math.round(seconds * 1000)} ms`;

function table(perDay: number, rows: JobRow[]): string {
  const header = [
    'job',
    'one run',
    'time / limit',
    'memory / MB',
    'reads (RU)',
    'hottest partition (units/s of limit)',
    'verdict',
  ];
  const lines = rows.map((job) => [
    job.job,
    job.run,
    `${duration(job.seconds)} / ${duration(job.limitSeconds)}`,
    `${Math.round(job.memoryMb)} / ${job.memoryLimitMb}`,
    compact(job.readUnits),
    `${job.hottest.what}: ${compact(job.hottest.load)} of ${compact(job.hottest.limit)}${job.other ? `; ${job.other.what}: ${compact(job.other.load)} of ${compact(job.other.limit)}` : ''}`,
    `${job.fits ? 'fits' : 'DOES NOT FIT'} (${job.headroom >= 100 ? '≥100' : job.headroom.toFixed(1)}×)`,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column]!.length)),
  );
  const format = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  return [`${perDay.toLocaleString('en-US')} interactions a day`, format(header), ...lines.map(format)].join(
    '\n',
  );
}

function main(argv: string[]): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  let values: { 'per-day': string[]; peak: string; context: string[]; json: boolean };
  try {
    values = parseArgs({
      args: argv,
      options: {
        'per-day': { type: 'string', multiple: true, default: ['1000000', '10000000', '100000000'] },
        peak: { type: 'string', default: String(DEFAULT_SCALE_ASSUMPTIONS.peakFactor) },
        context: { type: 'string', multiple: true, default: [] },
        json: { type: 'boolean', default: false },
      },
    }).values as typeof values;
  } catch (error) {
    process.stderr.write(`scale-model: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const volumes = values['per-day'].map(Number);
  const peak = Number(values.peak);
  if (volumes.some((n) => !Number.isFinite(n) || n <= 0) || !(peak >= 1)) {
    process.stderr.write(`scale-model: --per-day must be positive and --peak at least 1\n${USAGE}`);
    return 2;
  }
  const context = Object.fromEntries(
    values.context.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
  );
  const template = synthesizedTemplate(context);
  const facts = templateFacts(template);
  const item = measureInteractionItem({
    payloadBytes: 2048,
    text: readFileSync(SAMPLE_TEXT_FILE, 'utf8'),
    indexes: facts.ledger.indexes,
    tablePartitionKey: facts.ledger.partitionKey,
    tableSortKey: facts.ledger.sortKey,
    withSession: true,
  });
  const deployed: DeployedScale = {
    ...deployedScale(template),
    dayEntryBytes: item.indexEntryBytes.byDay ?? 400,
    itemBytes: item.itemBytes,
  };
  const measured = measure();
  const assumptions = { ...DEFAULT_SCALE_ASSUMPTIONS, peakFactor: peak };
  const reports = volumes.map((perDay) => ({
    perDay,
    rows: scaleRows(perDay, deployed, measured, assumptions),
  }));
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ deployed, measured, assumptions, reports }, null, 2)}\n`);
    return 0;
  }
  const out = [
    'tokentrail scale model — one project; limits from the synthesized template and AWS quotas (infra/scale-model/model.ts)',
    `deployed: ${deployed.dayIndexShards} day shards, ${deployed.workIndexShards} work shards, processor MaximumConcurrency ${deployed.processMaxConcurrency} (batch ${deployed.processBatchSize}), rollup map MaxConcurrency ${deployed.mapConcurrency}, reprice map MaxConcurrency ${deployed.reprice.mapConcurrency} (${deployed.reprice.sliceWriteConcurrency} writes in flight a slice), item ${deployed.itemBytes} B, byDay entry ${deployed.dayEntryBytes} B`,
    `measured on the real code: rollup ${measured.rollupMicrosPerRecord.toFixed(2)} µs/record; a ${measured.sliceRecords.toLocaleString('en-US')}-record partial ${compact(measured.partialBytes)}B gzip in ${measured.partialMs.toFixed(0)} ms, merged in ${measured.mergeMsPerPartial.toFixed(1)} ms; reprice ${measured.repriceMicrosPerRecord.toFixed(2)} µs/record; process ${measured.processMsPerRecord.toFixed(2)} ms/record`,
    `assumed: peak ${assumptions.peakFactor}× the average, Query page ${assumptions.queryPageMs} ms, write ${assumptions.writeMs} ms, object ${assumptions.objectMs} ms, ${assumptions.twoPhaseShare * 100}% two-phase calls, ${assumptions.unpricedShare * 100}% unpriced`,
    '',
    ...reports.map(({ perDay, rows }) => `${table(perDay, rows)}\n`),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
