import { readFileSync } from 'node:fs';
import { itemBytes, valueBytes, writeUnits } from '../../../infra/cost-model/dynamo-size';
import {
  type InteractionItemMeasurement,
  measureInteractionItem,
  SAMPLE_TEXT_FILE,
} from '../../../infra/cost-model/interaction-item';
import {
  costPerMillion,
  DEFAULT_ASSUMPTIONS,
  dayRepriceCost,
  fixedMonthlyCosts,
} from '../../../infra/cost-model/model';
import { PRICES } from '../../../infra/cost-model/prices';
import { type TemplateJson, templateFacts } from '../../../infra/cost-model/template-facts';
import { LEDGER_TABLE } from '../../../shared/domain/table/layout';

const fakeTemplate: TemplateJson = {
  Resources: {
    IngestFn: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        MemorySize: 512,
        Architectures: ['arm64'],
        Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'ingest', POWERTOOLS_LOG_LEVEL: 'INFO' } },
      },
    },
    ProcessFn: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        MemorySize: 1024,
        Architectures: ['arm64'],
        Environment: {
          Variables: {
            POWERTOOLS_SERVICE_NAME: 'process',
            POWERTOOLS_LOG_LEVEL: 'WARN',
            POWERTOOLS_LOGGER_SAMPLE_RATE: '0.01',
          },
        },
      },
    },
    Mapping: {
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: { FunctionName: { Ref: 'ProcessFn' }, BatchSize: 50, MaximumBatchingWindowInSeconds: 2 },
    },
    Ledger: {
      Type: 'AWS::DynamoDB::GlobalTable',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byDay',
            KeySchema: [
              { AttributeName: 'dayPk', KeyType: 'HASH' },
              { AttributeName: 'daySk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['cost', 'tokens'] },
          },
          {
            IndexName: 'bySession',
            KeySchema: [
              { AttributeName: 'sessionPk', KeyType: 'HASH' },
              { AttributeName: 'daySk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
        ],
      },
    },
    Alarm: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: { Metrics: [{ Expression: 'a + b' }, { MetricStat: {} }, { MetricStat: {} }] },
    },
    Dashboard: { Type: 'AWS::CloudWatch::Dashboard', Properties: {} },
  },
};

const item: InteractionItemMeasurement = {
  payloadBytes: 2048,
  envelopeBytes: 2200,
  itemBytes: 1500,
  compressedPayloadBytes: 900,
  offloaded: false,
  indexEntryBytes: { byDay: 480, bySession: 130 },
};

describe('DynamoDB item size', () => {
  it.each([
    ['', 0],
    ['abc', 3],
    ['é', 2],
    [true, 1],
    [null, 1],
    [12345, 4],
    [100, 2],
    [0.5, 2],
    [new Uint8Array(10), 10],
    [[], 3],
    [['ab', 1], 3 + 2 + 2 + 2],
    [{ a: 'xy' }, 3 + 1 + 1 + 2],
  ])('values: %j is %d bytes', (value, bytes) => {
    expect(valueBytes(value)).toBe(bytes);
  });

  it('counts attribute names and skips undefined attributes', () => {
    expect(itemBytes({ pk: 'INT#p#1', sk: 'INT', gone: undefined })).toBe(2 + 7 + 2 + 3);
  });

  it.each([
    [1, 1],
    [1024, 1],
    [1025, 2],
    [2048, 2],
    [2049, 3],
  ])('a %d-byte write is %d write unit(s)', (bytes, units) => {
    expect(writeUnits(bytes)).toBe(units);
  });
});

describe('templateFacts', () => {
  const facts = templateFacts(fakeTemplate);

  it('reads functions, the processor batch size and the ledger indexes', () => {
    expect(facts.functions.process).toEqual({
      name: 'process',
      memoryMb: 1024,
      architecture: 'arm64',
      logLevel: 'WARN',
      debugSampleRate: 0.01,
    });
    expect(facts.processBatchSize).toBe(50);
    expect(facts.ledger.billingMode).toBe('PAY_PER_REQUEST');
    expect(facts.ledger.indexes).toEqual([
      {
        indexName: 'byDay',
        partitionKey: 'dayPk',
        sortKey: 'daySk',
        projection: { include: ['cost', 'tokens'] },
      },
      { indexName: 'bySession', partitionKey: 'sessionPk', sortKey: 'daySk', projection: 'KEYS_ONLY' },
    ]);
    expect(facts.alarmMetrics).toBe(2);
    expect(facts.dashboards).toBe(1);
  });

  it('refuses a template without the processor mapping', () => {
    const { Mapping: _, ...rest } = fakeTemplate.Resources;
    expect(() => templateFacts({ Resources: rest })).toThrow(/event source mapping/);
  });
});

describe('costPerMillion', () => {
  const facts = templateFacts(fakeTemplate);
  const report = (overrides: Partial<Parameters<typeof costPerMillion>[0]> = {}) =>
    costPerMillion({
      facts,
      item,
      prices: PRICES,
      assumptions: DEFAULT_ASSUMPTIONS,
      billing: 'on-demand',
      ...overrides,
    });

  it('prices every line and sums them', () => {
    const { lines, totalUsd } = report();
    expect(lines.map((line) => line.component)).toEqual([
      'API Gateway (HTTP API)',
      'Lambda ingest',
      'Lambda process',
      'SQS',
      'DynamoDB writes',
      'S3',
      'DynamoDB reads (rollups)',
      'CloudWatch Logs',
      'CloudWatch metrics',
    ]);
    expect(totalUsd).toBeCloseTo(
      lines.reduce((sum, line) => sum + line.usd, 0),
      10,
    );
  });

  it('charges the rollup runs 13.5 eventually consistent reads of each day entry', () => {
    const { lines } = report();
    const reads = lines.find((line) => line.component === 'DynamoDB reads (rollups)')!;
    const entry = (reads.detail.match(/byDay entry (\d+) B/) ?? [])[1];
    expect(reads.usd).toBeCloseTo((1e6 * 13.5 * (Number(entry) / 8192) * 0.125) / 1e6, 10);
  });

  it('charges one write unit per started KB of the item and of each index entry', () => {
    const { lines, writeUnitsPerInteraction } = report();
    expect(writeUnitsPerInteraction).toBe(2 + 1 + 1);
    const dynamo = lines.find((line) => line.component === 'DynamoDB writes')!;
    expect(dynamo.usd).toBeCloseTo(4 * 0.625, 10);
  });

  it('prices API Gateway per request of a batch, and SQS per batch of 10 per 64 KB chunk', () => {
    const { lines } = report();
    expect(lines.find((line) => line.component === 'API Gateway (HTTP API)')!.usd).toBeCloseTo(0.01, 10);
    expect(lines.find((line) => line.component === 'SQS')!.usd).toBeCloseTo(0.12, 10);
    const big = report({ item: { ...item, envelopeBytes: 10 * 1024 } });
    expect(big.lines.find((line) => line.component === 'SQS')!.usd).toBeCloseTo(0.24, 10);
  });

  it('makes provisioned capacity cheaper per write at the utilization target', () => {
    const provisioned = report({ billing: 'provisioned' });
    const perUnit = 0.00065 / (3600 * DEFAULT_ASSUMPTIONS.provisionedUtilization);
    expect(provisioned.lines.find((line) => line.component === 'DynamoDB writes')!.usd).toBeCloseTo(
      1e6 * 4 * perUnit,
      10,
    );
    expect(provisioned.totalUsd).toBeLessThan(report().totalUsd);
  });

  it('costs more with smaller batches', () => {
    const small = report({ assumptions: { ...DEFAULT_ASSUMPTIONS, interactionsPerRequest: 10 } });
    expect(small.totalUsd).toBeGreaterThan(report().totalUsd);
  });

  it('charges S3 only for offloaded parts', () => {
    expect(report().lines.find((line) => line.component === 'S3')!.usd).toBe(0);
    const offloaded = report({ item: { ...item, offloaded: true } });
    expect(offloaded.lines.find((line) => line.component === 'S3')!.usd).toBeCloseTo(5, 10);
  });

  it('lists fixed monthly costs apart from the per-interaction ones', () => {
    const fixed = fixedMonthlyCosts({
      facts,
      prices: PRICES,
      projectModelPairs: 10,
      storedBytesPerInteraction: 2048,
    });
    expect(fixed.lines.find((line) => line.component === 'CloudWatch custom metrics')!.usd).toBeCloseTo(
      (45 + 30) * 0.3,
      10,
    );
    expect(fixed.lines.find((line) => line.component === 'CloudWatch alarms')!.usd).toBeCloseTo(0.2, 10);
  });
});

describe('measureInteractionItem', () => {
  const text = readFileSync(SAMPLE_TEXT_FILE, 'utf8');
  const indexes = LEDGER_TABLE.globalSecondaryIndexes.map((index) => ({
    indexName: index.indexName,
    partitionKey: index.partitionKey.name,
    sortKey: index.sortKey?.name,
    projection: index.projection as 'ALL' | 'KEYS_ONLY' | { include: string[] },
  }));

  it('stores a 2 KB interaction compressed, with a day entry and a keys-only session entry', () => {
    const measured = measureInteractionItem({ payloadBytes: 2048, text, indexes, withSession: true });
    expect(measured.payloadBytes).toBeGreaterThan(1900);
    expect(measured.payloadBytes).toBeLessThan(2200);
    expect(measured.compressedPayloadBytes).toBeLessThan(measured.payloadBytes * 0.75);
    expect(measured.offloaded).toBe(false);
    expect(Object.keys(measured.indexEntryBytes).sort()).toEqual(['byDay', 'bySession']);
    expect(measured.indexEntryBytes.bySession).toBeLessThan(1024);
    expect(measured.indexEntryBytes.byDay).toBeLessThan(1024);
  });

  it('leaves sparse indexes out when the item lacks their keys', () => {
    const measured = measureInteractionItem({ payloadBytes: 2048, text, indexes, withSession: false });
    expect(Object.keys(measured.indexEntryBytes)).toEqual(['byDay']);
  });

  it('offloads a part over 64 KB', () => {
    expect(
      measureInteractionItem({ payloadBytes: 200 * 1024, text, indexes, withSession: false }).offloaded,
    ).toBe(true);
  });
});

describe('day reprice cost (on demand)', () => {
  const shape = { slices: 384, pageSize: 500, sliceWriteConcurrency: 3, memoryMb: 1024 };
  it('rewrites the item and the byDay entry, never the keys-only session entry', () => {
    const { lines } = dayRepriceCost({ item, prices: PRICES, shape });
    const writes = lines.find((line) => line.component === 'DynamoDB writes')!;
    const expected = writeUnits(item.itemBytes) + writeUnits(item.indexEntryBytes.byDay!);
    expect(writes.usd).toBeCloseTo(1_000_000 * expected * PRICES.dynamoWriteRequestUnit.usd, 9);
    expect(writes.detail).toContain(`${expected} WU`);
  });

  it('prices the state machine per run, by its slices', () => {
    const perRun = (slices: number) =>
      dayRepriceCost({ item, prices: PRICES, shape: { ...shape, slices } }).perRunUsd;
    expect(perRun(768) - perRun(384)).toBeCloseTo(384 * 4 * PRICES.stepFunctionsTransition.usd, 12);
  });
});
