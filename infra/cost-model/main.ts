/**
 * `npm run cost-model -- --payload-kb 2 --batch 100`: synthesizes the stack in-process (bundling
 * skipped), reads its template, measures a representative interaction's item with the real
 * processing code, and prints the AWS list-price cost per million interactions line by line,
 * then the fixed monthly costs and the effect of each lever.
 *
 * Flags: `--payload-kb N` (serialized interaction size, default 2), `--batch N` (interactions per
 * API request, default 100), `--records N` (records per processor invocation, default the
 * mapping's batch size), `--without-session` (no session id, so no bySession entry),
 * `--pairs N` (project × model pairs, default 10), `--context key=value` (CDK context, e.g.
 * `tokentrail:billing=provisioned`, repeatable), `--json`.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PAGE_SIZE, SLICE_WRITE_CONCURRENCY } from '../../shared/domain/pricing/reprice-job';
import { REPRICE_FUNCTION } from '../catalog';
import { readContext } from '../context';
import { TokentrailStack } from '../stack';
import { measureInteractionItem, SAMPLE_TEXT_FILE } from './interaction-item';
import {
  type Assumptions,
  type CostReport,
  costPerMillion,
  DEFAULT_ASSUMPTIONS,
  dayRepriceCost,
  fixedMonthlyCosts,
} from './model';
import { PRICES, PRICES_CHECKED_ON, PRICES_REGION } from './prices';
import { type TemplateJson, templateFacts } from './template-facts';

export function synthesizedTemplate(context: Record<string, string>): TemplateJson {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const { stackProps } = readContext(app.node);
  const stack = new TokentrailStack(app, 'Tokentrail-costmodel', { ...stackProps, stage: 'costmodel' });
  return Template.fromStack(stack).toJSON() as TemplateJson;
}

const USAGE = `usage: npm run cost-model -- [--payload-kb N] [--batch N] [--records N] [--without-session]
                              [--pairs N] [--context key=value]... [--json]

Prints the AWS list-price cost per million interactions of N KB each, sent N per request, line by
line, from the synthesized stack (memory, batch sizes, indexes, billing mode, log settings) and
the item the processor stores for a representative chat completion.
  --payload-kb N        serialized size of one interaction (default 2)
  --batch N             interactions per ingest request (default ${DEFAULT_ASSUMPTIONS.interactionsPerRequest})
  --records N           records per processor invocation (default: the event source's batch size)
  --without-session     interactions without a session id (no bySession index entry)
  --pairs N             project × model pairs, for the fixed metric cost (default 10)
  --context key=value   CDK context for the synth, e.g. tokentrail:billing=provisioned
  --json                the figures as JSON
`;

function parseOptions(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      'payload-kb': { type: 'string', default: '2' },
      batch: { type: 'string', default: String(DEFAULT_ASSUMPTIONS.interactionsPerRequest) },
      records: { type: 'string' },
      'without-session': { type: 'boolean', default: false },
      pairs: { type: 'string', default: '10' },
      context: { type: 'string', multiple: true, default: [] },
      json: { type: 'boolean', default: false },
    },
  });
}

function main(argv: string[]): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    process.stderr.write(`cost-model: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const { values } = parsed;

  const context = Object.fromEntries(
    values.context.map((entry) => {
      const at = entry.indexOf('=');
      return [entry.slice(0, at), entry.slice(at + 1)];
    }),
  );
  const facts = templateFacts(synthesizedTemplate(context));
  const text = readFileSync(SAMPLE_TEXT_FILE, 'utf8');
  const measure = (withSession: boolean) =>
    measureInteractionItem({
      payloadBytes: Math.round(Number(values['payload-kb']) * 1024),
      text,
      indexes: facts.ledger.indexes,
      tablePartitionKey: facts.ledger.partitionKey,
      tableSortKey: facts.ledger.sortKey,
      withSession,
    });
  const item = measure(!values['without-session']);
  const assumptions: Assumptions = {
    ...DEFAULT_ASSUMPTIONS,
    interactionsPerRequest: Number(values.batch),
    recordsPerInvocation: values.records === undefined ? undefined : Number(values.records),
  };
  const billing = facts.ledger.billingMode === 'PROVISIONED' ? 'provisioned' : 'on-demand';
  const report = costPerMillion({ facts, item, prices: PRICES, assumptions, billing });
  const fixed = fixedMonthlyCosts({
    facts,
    prices: PRICES,
    projectModelPairs: Number(values.pairs),
    storedBytesPerInteraction: report.storedBytesPerInteraction,
  });
  const lever = (label: string, variant: CostReport) => ({ label, totalUsd: variant.totalUsd });
  const levers = [
    lever('as deployed', report),
    lever(
      'DynamoDB provisioned + auto-scaling (-c tokentrail:billing=provisioned)',
      costPerMillion({ facts, item, prices: PRICES, assumptions, billing: 'provisioned' }),
    ),
    lever(
      'no session id (no bySession entry)',
      costPerMillion({ facts, item: measure(false), prices: PRICES, assumptions, billing }),
    ),
    lever(
      'provisioned and no session id',
      costPerMillion({ facts, item: measure(false), prices: PRICES, assumptions, billing: 'provisioned' }),
    ),
    lever(
      'batches of 10 instead',
      costPerMillion({
        facts,
        item,
        prices: PRICES,
        assumptions: { ...assumptions, interactionsPerRequest: 10 },
        billing,
      }),
    ),
  ];

  if (values.json) {
    process.stdout.write(`${JSON.stringify({ item, report, fixed, levers, assumptions }, null, 2)}\n`);
    return 0;
  }
  const usd = (n: number) => `$${n.toFixed(4)}`;
  const out: string[] = [];
  out.push(
    `tokentrail cost per 1,000,000 interactions — ${values['payload-kb']} KB each, ${assumptions.interactionsPerRequest} per request`,
    `AWS list prices, ${PRICES_REGION}, checked ${PRICES_CHECKED_ON} (infra/cost-model/prices.ts); durations are assumptions (infra/cost-model/model.ts)`,
    `measured item: interaction ${item.payloadBytes} B, queue message ${item.envelopeBytes} B, table item ${item.itemBytes} B, index entries ${JSON.stringify(item.indexEntryBytes)}`,
    '',
  );
  const width = Math.max(
    ...report.lines.map((line) => line.component.length),
    ...fixed.lines.map((line) => line.component.length),
  );
  for (const line of report.lines)
    out.push(`${line.component.padEnd(width)}  ${usd(line.usd).padStart(9)}  ${line.detail}`);
  out.push(
    `${'TOTAL per million'.padEnd(width)}  ${usd(report.totalUsd).padStart(9)}  (${report.writeUnitsPerInteraction} DynamoDB write units per interaction)`,
    '',
  );
  out.push('Fixed per month (independent of volume):');
  for (const line of fixed.lines)
    out.push(`${line.component.padEnd(width)}  ${usd(line.usd).padStart(9)}  ${line.detail}`);
  const reprice = dayRepriceCost({
    item,
    prices: PRICES,
    shape: {
      slices: facts.dayIndexShards * 24,
      pageSize: PAGE_SIZE,
      sliceWriteConcurrency: SLICE_WRITE_CONCURRENCY,
      memoryMb: REPRICE_FUNCTION.memoryMb,
    },
  });
  out.push(
    '',
    'On demand: reprice --date (the day reprice state machine), per million interactions rewritten:',
  );
  for (const line of reprice.lines)
    out.push(`${line.component.padEnd(width)}  ${usd(line.usd).padStart(9)}  ${line.detail}`);
  out.push(
    `${'Step Functions'.padEnd(width)}  ${usd(reprice.perRunUsd).padStart(9)}  per run: ${facts.dayIndexShards * 24} standard map children (one per slice) of ~4 transitions`,
  );
  out.push('', 'Levers (total per million):');
  for (const entry of levers) out.push(`  ${usd(entry.totalUsd).padStart(9)}  ${entry.label}`);
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
