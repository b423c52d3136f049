/**
 * Cost per million interactions on AWS list prices, line by line, from the template's facts, the
 * measured item sizes and explicit assumptions. Pure arithmetic: no AWS, no clock.
 */
import { writeUnits } from './dynamo-size';
import type { InteractionItemMeasurement } from './interaction-item';
import type { PriceList } from './prices';
import type { TemplateFacts } from './template-facts';

/**
 * What cannot be read from the template or measured offline. Durations are estimates for warm
 * containers (cold starts are rare at this volume): replace them with the p50 of the dashboard's
 * "Lambda duration" widget once a stage has traffic.
 */
export interface Assumptions {
  /** Interactions per `POST /v1/interactions` (the client SDK batches up to 100). */
  interactionsPerRequest: number;
  /** Records per processor invocation; defaults to the mapping's batch size (full batches under load). */
  recordsPerInvocation?: number;
  /** Ingest: fixed time per request (auth from the warm key cache, parse) plus per interaction (validate, serialize, send in parallel batches of 10). */
  ingestBaseMs: number;
  ingestMsPerInteraction: number;
  /** Processor: fixed time per invocation plus per record (normalize, redact, price, brotli, one conditional UpdateItem; records run concurrently). */
  processBaseMs: number;
  processMsPerRecord: number;
  /** Lambda platform log lines per invocation (START, END, REPORT in JSON). */
  platformLogBytesPerInvocation: number;
  /** One EMF document (a few metrics and dimensions). */
  emfDocumentBytes: number;
  /** EMF documents per processor invocation: the main one, redaction types, project × model groups. */
  processEmfDocuments: number;
  /** Handler log lines at INFO per invocation (0: handlers log warnings and errors only). */
  infoLogBytesPerInvocation: number;
  /** A DEBUG line per record in sampled invocations. */
  debugLogBytesPerRecord: number;
  /** API Gateway access log line per request. */
  accessLogBytesPerRequest: number;
  /** Provisioned capacity only: average consumed / provisioned (auto-scaling target 70%). */
  provisionedUtilization: number;
}

export const DEFAULT_ASSUMPTIONS: Assumptions = {
  interactionsPerRequest: 100,
  ingestBaseMs: 30,
  ingestMsPerInteraction: 0.6,
  processBaseMs: 40,
  processMsPerRecord: 3,
  platformLogBytesPerInvocation: 700,
  emfDocumentBytes: 450,
  processEmfDocuments: 3,
  infoLogBytesPerInvocation: 0,
  debugLogBytesPerRecord: 350,
  accessLogBytesPerRequest: 330,
  provisionedUtilization: 0.7,
};

export interface CostLine {
  component: string;
  detail: string;
  /** USD per million interactions. */
  usd: number;
}

export interface CostReport {
  interactions: number;
  lines: CostLine[];
  totalUsd: number;
  /** DynamoDB write units per interaction (table + index entries). */
  writeUnitsPerInteraction: number;
  /** Stored bytes per interaction (table item + index entries), for the monthly storage lines. */
  storedBytesPerInteraction: number;
}

const MILLION = 1_000_000;
/** Reads of one record's day entry by the rollup runs of a day: Σ h/24 over 24 hourly runs, plus the daily run. */
export const ROLLUP_READS_PER_RECORD = 13.5;
const EVENTUALLY_CONSISTENT_READ_BYTES = 8192;
/** Rollup runs a day: 24 hourly and one daily. */
const ROLLUP_RUNS_PER_DAY = 25;
const KB64 = 64 * 1024;
const KB512 = 512 * 1024;

/**
 * USD per million interactions, one line per service and function.
 *
 * @example
 * const report = costPerMillion({ facts, item, prices: PRICES, assumptions: DEFAULT_ASSUMPTIONS, billing: 'on-demand' });
 * report.totalUsd; // e.g. 3.6
 */
export function costPerMillion(args: {
  facts: TemplateFacts;
  item: InteractionItemMeasurement;
  prices: PriceList;
  assumptions: Assumptions;
  billing: 'on-demand' | 'provisioned';
}): CostReport {
  const { facts, item, prices, assumptions: a } = args;
  const lines: CostLine[] = [];
  const add = (component: string, detail: string, usd: number) => lines.push({ component, detail, usd });
  const perRequest = a.interactionsPerRequest;
  const requests = MILLION / perRequest;
  const perInvocation = a.recordsPerInvocation ?? facts.processBatchSize;
  const invocations = MILLION / perInvocation;

  // API Gateway: one request per POST, counted per started 512 KB.
  const requestBytes = perRequest * item.payloadBytes;
  const apiUnits = requests * Math.ceil(requestBytes / KB512);
  add(
    'API Gateway (HTTP API)',
    `${fmt(apiUnits)} requests of ${perRequest} interactions (${kb(requestBytes)} each)`,
    apiUnits * prices.httpApiRequest.usd,
  );

  // Lambda: GB-seconds at the template's memory, plus requests.
  const lambda = (name: string, count: number, ms: number, why: string) => {
    const fn = facts.functions[name];
    if (!fn) return;
    const gbSeconds = count * (ms / 1000) * (fn.memoryMb / 1024);
    const price =
      fn.architecture === 'arm64' ? prices.lambdaArmGbSecond.usd : prices.lambdaArmGbSecond.usd * 1.25;
    add(
      `Lambda ${name}`,
      `${fmt(count)} invocations × ${ms.toFixed(0)} ms (${why}) × ${fn.memoryMb} MB ${fn.architecture}`,
      gbSeconds * price + count * prices.lambdaRequest.usd,
    );
  };
  lambda('ingest', requests, a.ingestBaseMs + a.ingestMsPerInteraction * perRequest, 'assumed');
  lambda(
    'process',
    invocations,
    a.processBaseMs + a.processMsPerRecord * perInvocation,
    `assumed, ${perInvocation} records`,
  );

  // SQS: SendMessageBatch (10 per call), the mapping's ReceiveMessage (10 per call) and DeleteMessageBatch; each per 64 KB chunk.
  const chunksPer10 = Math.ceil((10 * item.envelopeBytes) / KB64);
  const sqsCalls = 3 * (MILLION / 10) * chunksPer10;
  add(
    'SQS',
    `${fmt(sqsCalls)} requests: send, receive and delete in batches of 10 (${kb(item.envelopeBytes)} messages, ${chunksPer10} × 64 KB chunk per batch)`,
    sqsCalls * prices.sqsRequest.usd,
  );

  // DynamoDB: one conditional UpdateItem per interaction, billed on the item size, plus every index entry.
  const tableUnits = writeUnits(item.itemBytes);
  const indexUnits = Object.values(item.indexEntryBytes).reduce((sum, bytes) => sum + writeUnits(bytes), 0);
  const units = tableUnits + indexUnits;
  const indexDetail = Object.entries(item.indexEntryBytes)
    .map(([name, bytes]) => `${name} ${bytes} B → ${writeUnits(bytes)}`)
    .join(', ');
  const writePrice =
    args.billing === 'on-demand'
      ? prices.dynamoWriteRequestUnit.usd
      : prices.dynamoWriteCapacityUnitHour.usd / (3600 * a.provisionedUtilization);
  add(
    'DynamoDB writes',
    `${args.billing === 'on-demand' ? 'on-demand' : `provisioned at ${Math.round(a.provisionedUtilization * 100)}% utilization`}: item ${item.itemBytes} B (payload ${item.compressedPayloadBytes} B brotli) → ${tableUnits} WU; ${indexDetail || 'no index entries'}; ${units} WU per interaction`,
    MILLION * units * writePrice,
  );

  // S3: offloaded parts (> 64 KB) are one PUT per part; claim checks (> 192 KB messages) PUT + GET + DELETE.
  const s3Requests = item.offloaded ? MILLION : 0;
  add(
    'S3',
    item.offloaded
      ? 'one PUT per offloaded payload part'
      : 'none: parts ≤ 64 KB stay inline, messages ≤ 192 KB need no claim check',
    s3Requests * prices.s3Put.usd,
  );

  // Rollups read each record's byDay entry once per run that covers its day: the 24 hourly runs
  // re-read today so far (on average 12.5 days' worth) and the daily run reads yesterday once.
  const dayEntryBytes = item.indexEntryBytes.byDay ?? 0;
  const rollupReadUnits = ROLLUP_READS_PER_RECORD * (dayEntryBytes / EVENTUALLY_CONSISTENT_READ_BYTES);
  add(
    'DynamoDB reads (rollups)',
    `byDay entry ${dayEntryBytes} B read ${ROLLUP_READS_PER_RECORD}× a day (24 hourly runs of today so far + the daily run), eventually consistent: ${rollupReadUnits.toFixed(3)} RU per interaction`,
    MILLION * rollupReadUnits * prices.dynamoReadRequestUnit.usd,
  );

  // CloudWatch Logs: platform lines, EMF documents, INFO lines, sampled DEBUG lines, access logs.
  const ingestFacts = facts.functions.ingest;
  const processFacts = facts.functions.process;
  const logBytes =
    requests *
      (a.platformLogBytesPerInvocation +
        a.emfDocumentBytes +
        a.infoLogBytesPerInvocation +
        a.accessLogBytesPerRequest) +
    invocations *
      (a.platformLogBytesPerInvocation +
        a.processEmfDocuments * a.emfDocumentBytes +
        a.infoLogBytesPerInvocation) +
    MILLION * a.debugLogBytesPerRecord * (processFacts?.debugSampleRate ?? 0) +
    requests * a.debugLogBytesPerRecord * (ingestFacts?.debugSampleRate ?? 0);
  add(
    'CloudWatch Logs',
    `${(logBytes / 1e6).toFixed(1)} MB: platform lines, EMF metrics, access logs, ${Math.round((processFacts?.debugSampleRate ?? 0) * 100)}% sampled debug (level ${processFacts?.logLevel ?? 'INFO'})`,
    (logBytes / 1024 ** 3) * prices.logsIngestedGb.usd,
  );
  add(
    'CloudWatch metrics',
    'EMF custom metrics are billed per metric per month, not per interaction (see fixed costs)',
    0,
  );

  return {
    interactions: MILLION,
    lines,
    totalUsd: lines.reduce((sum, line) => sum + line.usd, 0),
    writeUnitsPerInteraction: units,
    storedBytesPerInteraction:
      item.itemBytes + Object.values(item.indexEntryBytes).reduce((sum, bytes) => sum + bytes, 0),
  };
}

export interface FixedCosts {
  lines: CostLine[];
  totalUsd: number;
}

/**
 * Monthly costs that do not grow with interactions: custom metrics, alarms, dashboard, KMS key,
 * and storage per million interactions kept.
 *
 * @example
 * fixedMonthlyCosts({ facts, prices: PRICES, projectModelPairs: 10, storedBytesPerInteraction: 2600 });
 */
export function fixedMonthlyCosts(args: {
  facts: TemplateFacts;
  prices: PriceList;
  /** Distinct project × model pairs with traffic in a month (3 cost metrics each). */
  projectModelPairs: number;
  storedBytesPerInteraction: number;
  /** Projects with traffic each day (each gets its slices in every rollup run); default 1. */
  activeProjects?: number;
}): FixedCosts {
  const { facts, prices } = args;
  // Each rollup run: a standard execution (~6 transitions: plan, map, reduce) and, per project, one
  // express child per slice (shards × 24 hours), a partial PUT and GET each, plus the slice list.
  const projects = args.activeProjects ?? 1;
  const slices = facts.dayIndexShards * 24 * projects;
  const runsPerMonth = ROLLUP_RUNS_PER_DAY * 30;
  const rollupRunUsd =
    runsPerMonth *
    (6 * prices.stepFunctionsTransition.usd +
      slices * (prices.stepFunctionsExpressRequest.usd + prices.s3Put.usd + prices.s3Get.usd) +
      prices.s3Put.usd);
  // Per-function counters, redaction types (~6 seen), anomaly kinds, analysis states: about 45 series.
  const baseMetrics = 45;
  const metrics = baseMetrics + 3 * args.projectModelPairs;
  const gbPerMillion = (MILLION * args.storedBytesPerInteraction) / 1024 ** 3;
  const lines: CostLine[] = [
    {
      component: 'CloudWatch custom metrics',
      detail: `~${baseMetrics} series + 3 × ${args.projectModelPairs} project × model pairs (CostNanoUsd, TokensIn, TokensOut)`,
      usd: metrics * prices.customMetricMonth.usd,
    },
    {
      component: 'CloudWatch alarms',
      detail: `${facts.alarms} alarms, ${facts.alarmMetrics} metrics`,
      usd: facts.alarmMetrics * prices.alarmMetricMonth.usd,
    },
    {
      component: 'CloudWatch dashboard',
      detail: `${facts.dashboards} dashboard`,
      usd: facts.dashboards * prices.dashboardMonth.usd,
    },
    {
      component: 'KMS',
      detail: `${facts.kmsKeys} customer managed key (alarm topic)`,
      usd: facts.kmsKeys * prices.kmsKeyMonth.usd,
    },
    {
      component: 'Rollup runs (Step Functions, S3)',
      detail: `${runsPerMonth} runs × ${slices} slices (${facts.dayIndexShards} shards × 24 h × ${projects} project): express map children, partial PUT + GET`,
      usd: rollupRunUsd,
    },
    {
      component: 'DynamoDB storage + PITR',
      detail: `per million interactions kept: ${gbPerMillion.toFixed(2)} GB`,
      usd: gbPerMillion * (prices.dynamoStorageGbMonth.usd + prices.dynamoPitrGbMonth.usd),
    },
  ];
  return { lines, totalUsd: lines.reduce((sum, line) => sum + line.usd, 0) };
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** What one day reprice run (`reprice --date`, the state machine) does, from the code and the template. */
export interface DayRepriceShape {
  /** Slices of a run (shards × hours, for one project). */
  slices: number;
  /** Index entries a slice reads per page. */
  pageSize: number;
  /** Conditional updates a slice keeps in flight. */
  sliceWriteConcurrency: number;
  /** Memory of the reprice function. */
  memoryMb: number;
}

/**
 * USD of `reprice --date` per million interactions rewritten (every call's cost changed: the
 * worst case; unchanged records are read, not written), plus the state machine's transitions
 * per run. Each rewrite writes the whole item and the `byDay` entry that projects `cost`;
 * `bySession` projects keys only and is not rewritten. Lambda time: a page's two reads and its
 * writes at `writeMs` each, `sliceWriteConcurrency` at once.
 *
 * @example
 * dayRepriceCost({ item, prices: PRICES, shape: { slices: 384, pageSize: 500, sliceWriteConcurrency: 3, memoryMb: 1024 } });
 */
export function dayRepriceCost(args: {
  item: InteractionItemMeasurement;
  prices: PriceList;
  shape: DayRepriceShape;
  queryMs?: number;
  writeMs?: number;
}): { lines: CostLine[]; perRunUsd: number } {
  const { item, prices, shape } = args;
  const queryMs = args.queryMs ?? 60;
  const writeMs = args.writeMs ?? 8;
  const dayEntry = item.indexEntryBytes.byDay ?? 0;
  const writes = writeUnits(item.itemBytes) + (dayEntry > 0 ? writeUnits(dayEntry) : 0);
  // BatchGetItem rounds each item up to 4 KB, eventually consistent (half a unit); the Query sums its page.
  const reads = Math.ceil(item.itemBytes / 4096) * 0.5 + dayEntry / EVENTUALLY_CONSISTENT_READ_BYTES;
  const secondsPerRecord = ((2 * queryMs) / shape.pageSize + writeMs / shape.sliceWriteConcurrency) / 1000;
  const gbSeconds = MILLION * secondsPerRecord * (shape.memoryMb / 1024);
  // A standard child per slice: start, the slice task (again per hand-over), the choice, succeed; the run's own ~6.
  const perRunUsd = (shape.slices * 4 + 6) * prices.stepFunctionsTransition.usd;
  const lines: CostLine[] = [
    {
      component: 'DynamoDB writes',
      detail: `item ${item.itemBytes} B and byDay entry ${dayEntry} B rewritten: ${writes} WU per interaction`,
      usd: MILLION * writes * prices.dynamoWriteRequestUnit.usd,
    },
    {
      component: 'DynamoDB reads',
      detail: `byDay entry (Query) and item (BatchGetItem), eventually consistent: ${reads.toFixed(3)} RU per interaction`,
      usd: MILLION * reads * prices.dynamoReadRequestUnit.usd,
    },
    {
      component: 'Lambda reprice',
      detail: `${Math.round(gbSeconds).toLocaleString('en-US')} GB-s (${(secondsPerRecord * 1000).toFixed(2)} ms a record, ${shape.memoryMb} MB arm64)`,
      usd: gbSeconds * prices.lambdaArmGbSecond.usd,
    },
  ];
  return { lines, perRunUsd };
}
