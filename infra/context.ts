/**
 * The one place CDK context is read (`-c tokentrail:<key>=value` or cdk.json): infra/app.ts turns
 * it into the stack's typed props here, and the stack and its constructs take props only. The
 * cost and scale models and the infra tests synthesize through the same function. Every key is
 * listed in the README's "Deploy to AWS" table.
 */
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { DEFAULT_ALARM_THRESHOLDS } from './constructs/observability';
import {
  DEFAULT_SCALE_SETTINGS,
  mapConcurrencyFor,
  parseReservedConcurrency,
  type ScaleSettings,
} from './scale-settings';
import type { TokentrailStackProps } from './stack';

/** What the app itself needs from context besides the stack's props. */
export interface AppContext {
  /** `tokentrail:stage`: stack name `Tokentrail-<stage>`. @default 'dev' */
  readonly stage: string;
  /** `tokentrail:region`: the region to deploy to (else the deployer's, see region.ts). */
  readonly region?: string;
  /** `tokentrail:deploying` (set by `npm run deploy`): refuse to synthesize without a region. */
  readonly deploying: boolean;
  /** The stack's props, every context key applied. */
  readonly stackProps: TokentrailStackProps;
}

/**
 * Reads every `tokentrail:*` context key of an app once.
 *
 * @example
 * const { stage, stackProps } = readContext(app.node);
 * new TokentrailStack(app, `Tokentrail-${stage}`, { ...stackProps, env });
 */
export function readContext(node: Node): AppContext {
  const raw = (key: string): unknown => {
    const value = node.tryGetContext(`tokentrail:${key}`) as unknown;
    return value === null || value === '' ? undefined : value;
  };
  const text = (key: string): string | undefined => {
    const value = raw(key);
    return value === undefined ? undefined : String(value);
  };
  const integer = (key: string, fallback: number, min: number, max: number): number =>
    optionalInteger(raw(key), key, min, max) ?? fallback;
  /** Alarm thresholds fall back to the default on anything but a positive number. */
  const threshold = (key: string, fallback: number): number => {
    const parsed = Number(raw(key) ?? fallback);
    return Number.isFinite(parsed) && parsed > 0 ? parsed : fallback;
  };
  const oneOf = <T extends string>(key: string, allowed: readonly T[]): T | undefined => {
    const value = text(key);
    if (value === undefined) return undefined;
    if (!allowed.includes(value as T)) {
      throw new Error(`context tokentrail:${key}: expected ${allowed.join(' or ')}, got ${value}`);
    }
    return value as T;
  };

  const stage = text('stage') ?? 'dev';
  const scale = scaleFromContext(integer, text('reservedConcurrency'));
  const debugSampleRate = raw('debugSampleRate');
  const logRetentionDays = raw('logRetentionDays');
  const alarmEmail = text('alarmEmail');
  const stackProps: TokentrailStackProps = {
    stage,
    retainData: text('retainData') !== 'false',
    logRetentionDays: logRetentionDays === undefined ? undefined : retentionDaysOf(logRetentionDays),
    apiRateLimit: integer('apiRateLimit', 500, 1, 100_000),
    apiBurstLimit: integer('apiBurstLimit', 1000, 1, 100_000),
    retentionDays: Number(raw('retentionDays') ?? 0),
    logLevel: text('logLevel'),
    debugSampleRate: debugSampleRate === undefined ? undefined : Number(debugSampleRate),
    tracing: text('tracing') === 'xray' ? 'xray' : 'off',
    billing: oneOf('billing', ['on-demand', 'provisioned']) ?? 'on-demand',
    scale,
    alarmEmail,
    alarmThresholds: {
      oldestMessageAgeSeconds: threshold(
        'queueAgeAlarmSeconds',
        DEFAULT_ALARM_THRESHOLDS.oldestMessageAgeSeconds,
      ),
      functionErrorRatePercent: threshold(
        'errorRateAlarmPercent',
        DEFAULT_ALARM_THRESHOLDS.functionErrorRatePercent,
      ),
      api5xxRatePercent: threshold('api5xxAlarmPercent', DEFAULT_ALARM_THRESHOLDS.api5xxRatePercent),
      throttlesPer5Minutes: threshold('throttleAlarmCount', DEFAULT_ALARM_THRESHOLDS.throttlesPer5Minutes),
    },
    analytics: {
      rollupTagKeys: text('rollupTagKeys'),
      providerAdminSecretName: text('providerAdminSecretName'),
    },
    batchAnalysis: {
      openAiSecretName: text('openAiSecretName'),
      // The ranges the jobs accept (shared/adapters/aws/analysis-config.ts).
      minBatchSize: optionalInteger(raw('analysisMinBatchSize'), 'analysisMinBatchSize', 1, 50_000),
      maxWaitSeconds: optionalInteger(raw('analysisMaxWaitSeconds'), 'analysisMaxWaitSeconds', 0, 7 * 86_400),
      maxAttempts: optionalInteger(raw('analysisMaxAttempts'), 'analysisMaxAttempts', 1, 20),
    },
  };
  return {
    stage,
    region: text('region'),
    deploying: text('deploying') === 'true',
    stackProps,
  };
}

function scaleFromContext(
  integer: (key: string, fallback: number, min: number, max: number) => number,
  reserved: string | undefined,
): ScaleSettings {
  const defaults = DEFAULT_SCALE_SETTINGS;
  const dayIndexShards = integer('dayIndexShards', defaults.dayIndexShards, 8, 256);
  return {
    dayIndexShards,
    workIndexShards: integer('workIndexShards', defaults.workIndexShards, 1, 256),
    processMaxConcurrency: integer('processMaxConcurrency', defaults.processMaxConcurrency, 2, 1000),
    reservedConcurrency: reserved ? parseReservedConcurrency(reserved) : {},
    mapConcurrency: integer('rollupMapConcurrency', mapConcurrencyFor(dayIndexShards), 1, 1000),
    minReadCapacity: integer('minReadCapacity', defaults.minReadCapacity, 1, 40_000),
    minWriteCapacity: integer('minWriteCapacity', defaults.minWriteCapacity, 1, 40_000),
    maxReadCapacity: integer('maxReadCapacity', defaults.maxReadCapacity, 1, 40_000),
    maxWriteCapacity: integer('maxWriteCapacity', defaults.maxWriteCapacity, 1, 40_000),
  };
}

/** An integer in `[min, max]`, or undefined when unset (the construct's default applies). */
function optionalInteger(value: unknown, key: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new Error(
      `context tokentrail:${key}: expected an integer from ${min} to ${max}, got ${String(value)}`,
    );
  }
  return parsed;
}

/** One of CloudWatch Logs' retention periods (1, 3, 5, 7, 14, 30, 60, 90, ... days). */
function retentionDaysOf(value: unknown): logs.RetentionDays {
  const days = Number(value);
  const allowed = Object.values(logs.RetentionDays).filter(
    (entry): entry is number => typeof entry === 'number',
  );
  if (!allowed.includes(days)) {
    throw new Error(
      `context tokentrail:logRetentionDays: expected one of ${allowed.join(', ')}, got ${String(value)}`,
    );
  }
  return days as logs.RetentionDays;
}
