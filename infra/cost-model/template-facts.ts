/**
 * What the cost model needs from the synthesized CloudFormation template: function memory and
 * architecture, log settings, the processor's batch size, the ledger table's billing mode, keys
 * and indexes with their projections, and the counts behind fixed monthly costs (alarm metrics,
 * dashboards, KMS keys). Pure: it reads a template object, whoever synthesized it.
 */
import type { IndexShape } from './interaction-item';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties are untyped JSON, read defensively below.
type Resource = { Type: string; Properties?: Record<string, any> };
export type TemplateJson = { Resources: Record<string, Resource> };

export interface FunctionFacts {
  name: string;
  memoryMb: number;
  architecture: string;
  logLevel: string;
  debugSampleRate: number;
}

export interface TemplateFacts {
  functions: Record<string, FunctionFacts>;
  /** The ingest queue → processor mapping. */
  processBatchSize: number;
  processBatchingWindowSeconds: number;
  ledger: {
    billingMode: 'PAY_PER_REQUEST' | 'PROVISIONED';
    partitionKey: string;
    sortKey?: string;
    indexes: IndexShape[];
  };
  /** Shards of a project's day (`byDay`): a rollup run sums shards × 24 slices per project day. */
  dayIndexShards: number;
  alarmMetrics: number;
  alarms: number;
  dashboards: number;
  kmsKeys: number;
}

const resourcesOf = (template: TemplateJson, type: string) =>
  Object.values(template.Resources).filter((resource) => resource.Type === type);

const keyNamed = (schema: { AttributeName: string; KeyType: string }[], type: 'HASH' | 'RANGE') =>
  schema.find((key) => key.KeyType === type)?.AttributeName;

/**
 * Reads the cost-relevant facts of a tokentrail template.
 *
 * @throws {Error} when the template has no processor mapping or no ledger table.
 * @example
 * const facts = templateFacts(Template.fromStack(stack).toJSON() as TemplateJson);
 * facts.functions.process.memoryMb; // 1024
 */
export function templateFacts(template: TemplateJson): TemplateFacts {
  const functions: Record<string, FunctionFacts> = {};
  const logicalIds = new Map<string, string>();
  let dayIndexShards = 8;
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const variables = (resource.Properties?.Environment?.Variables ?? {}) as Record<string, string>;
    const name = variables.POWERTOOLS_SERVICE_NAME;
    if (!name) continue;
    logicalIds.set(logicalId, name);
    dayIndexShards = Number(variables.TOKENTRAIL_DAY_INDEX_SHARDS ?? dayIndexShards);
    functions[name] = {
      name,
      memoryMb: Number(resource.Properties?.MemorySize ?? 128),
      architecture: String(resource.Properties?.Architectures?.[0] ?? 'x86_64'),
      logLevel: variables.POWERTOOLS_LOG_LEVEL ?? 'INFO',
      debugSampleRate: Number(variables.POWERTOOLS_LOGGER_SAMPLE_RATE ?? 0),
    };
  }
  const mapping = resourcesOf(template, 'AWS::Lambda::EventSourceMapping').find((resource) => {
    const target = resource.Properties?.FunctionName?.Ref as string | undefined;
    return target !== undefined && logicalIds.get(target) === 'process';
  });
  if (!mapping) throw new Error('no event source mapping to the process function in the template');

  const ledger = resourcesOf(template, 'AWS::DynamoDB::GlobalTable').find(
    (resource) => resource.Properties?.TimeToLiveSpecification?.AttributeName === 'expiresAt',
  );
  if (!ledger) throw new Error('no ledger table (TTL attribute expiresAt) in the template');
  const properties = ledger.Properties!;
  // biome-ignore lint/suspicious/noExplicitAny: an untyped CloudFormation index definition.
  const indexes: IndexShape[] = (properties.GlobalSecondaryIndexes ?? []).map((index: any) => ({
    indexName: index.IndexName,
    partitionKey: keyNamed(index.KeySchema, 'HASH')!,
    sortKey: keyNamed(index.KeySchema, 'RANGE'),
    projection:
      index.Projection.ProjectionType === 'INCLUDE'
        ? { include: index.Projection.NonKeyAttributes as string[] }
        : (index.Projection.ProjectionType as 'ALL' | 'KEYS_ONLY'),
  }));

  const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm');
  const alarmMetrics = alarms.reduce((sum, alarm) => {
    const metrics = alarm.Properties?.Metrics as { MetricStat?: unknown }[] | undefined;
    return sum + (metrics ? metrics.filter((metric) => metric.MetricStat).length : 1);
  }, 0);

  return {
    functions,
    processBatchSize: Number(mapping.Properties?.BatchSize ?? 10),
    processBatchingWindowSeconds: Number(mapping.Properties?.MaximumBatchingWindowInSeconds ?? 0),
    ledger: {
      billingMode: properties.BillingMode === 'PROVISIONED' ? 'PROVISIONED' : 'PAY_PER_REQUEST',
      partitionKey: keyNamed(properties.KeySchema, 'HASH')!,
      sortKey: keyNamed(properties.KeySchema, 'RANGE'),
      indexes,
    },
    dayIndexShards,
    alarmMetrics,
    alarms: alarms.length,
    dashboards: resourcesOf(template, 'AWS::CloudWatch::Dashboard').length,
    kmsKeys: resourcesOf(template, 'AWS::KMS::Key').length,
  };
}
