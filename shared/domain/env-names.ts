/**
 * Every environment variable a tokentrail function reads, in one place: the code that reads
 * them, the catalog's function specs (infra/catalog.ts, which declare what each function needs),
 * the stack that sets them and the local twin all use these constants. Plain data, no imports.
 * test/infra/environment.test.ts checks that each function is given what its spec declares and
 * that no function reads a variable its spec does not declare.
 */

/** Names of the shared resources, set on every function by the stack (and by the local twin). */
export const ENV = {
  ledgerTable: 'LEDGER_TABLE_NAME',
  keysTable: 'KEYS_TABLE_NAME',
  ingestQueueUrl: 'INGEST_QUEUE_URL',
  deadLetterQueueUrl: 'DEAD_LETTER_QUEUE_URL',
  payloadBucket: 'PAYLOAD_BUCKET_NAME',
  /** Set by the local twin: fauxqs serves S3 path-style on loopback. */
  s3ForcePathStyle: 'TOKENTRAIL_S3_FORCE_PATH_STYLE',
} as const;

/** Environment variables carrying the shard counts (every function: writers and readers agree). */
export const SHARD_ENV = {
  /** Shards of a project's day in the `byDay` index. */
  dayIndex: 'TOKENTRAIL_DAY_INDEX_SHARDS',
  /** Shards of a project's unpriced (`byUnpriced`) and in-progress (`byOpen`) work queues. */
  workIndex: 'TOKENTRAIL_WORK_INDEX_SHARDS',
} as const;

/** The stack-wide default retention (days; 0 keeps forever). */
export const RETENTION_ENV = 'TOKENTRAIL_RETENTION_DAYS';

/** Environment of the analytics jobs. */
export const ANALYTICS_ENV = {
  /** Comma-separated tag keys to also roll up by (e.g. `team,feature`); none by default. */
  rollupTagKeys: 'TOKENTRAIL_ROLLUP_TAG_KEYS',
  /** Slices summed at once when a run goes in process (direct invoke, local twin); default 8. */
  mapConcurrency: 'TOKENTRAIL_ROLLUP_MAP_CONCURRENCY',
  /** UTC hours one slice covers (a divisor of 24); default 1. The local twin uses 6 (fewer, larger slices). */
  hoursPerSlice: 'TOKENTRAIL_ROLLUP_HOURS_PER_SLICE',
} as const;

/** Environment variables of the notifier (set by infra/constructs/analytics.ts). */
export const NOTIFY_ENV = {
  /** SNS topic ARN; when absent, notifications are recorded locally. */
  topicArn: 'TOKENTRAIL_ALERT_TOPIC_ARN',
  /** EventBridge bus name; default `default`. */
  eventBus: 'TOKENTRAIL_EVENT_BUS_NAME',
} as const;

/** Where the reconcile job finds the providers' admin keys: inline JSON (twin, tests) or a secret. */
export const PROVIDER_ACCOUNTS_ENV = {
  json: 'TOKENTRAIL_PROVIDER_ACCOUNTS',
  secretName: 'PROVIDER_ADMIN_SECRET_NAME',
} as const;

/** Where the analysis jobs find OpenAI: a key and endpoint (twin, tests) or a secret. */
export const OPENAI_ENV = {
  apiKey: 'OPENAI_API_KEY',
  baseUrl: 'OPENAI_BASE_URL',
  secretName: 'OPENAI_SECRET_NAME',
} as const;

/** Thresholds of the analysis batch jobs. */
export const ANALYSIS_ENV = {
  minBatchSize: 'ANALYSIS_MIN_BATCH_SIZE',
  maxWaitSeconds: 'ANALYSIS_MAX_WAIT_SECONDS',
  maxAttempts: 'ANALYSIS_MAX_ATTEMPTS',
} as const;

/** Tuning read with a default, set by tests and the twin only. */
export const TUNING_ENV = {
  /** The most a deferred ingest record waits (seconds, at most 900). */
  processDeferMaxSeconds: 'PROCESS_DEFER_MAX_SECONDS',
  /** Minutes after its start an in-progress interaction is abandoned (default 60). */
  abandonAfterMinutes: 'ABANDON_AFTER_MINUTES',
} as const;

type ValuesOf<T> = T[keyof T];

/** Any environment variable name tokentrail reads. */
export type EnvName =
  | ValuesOf<typeof ENV>
  | ValuesOf<typeof SHARD_ENV>
  | typeof RETENTION_ENV
  | ValuesOf<typeof ANALYTICS_ENV>
  | ValuesOf<typeof NOTIFY_ENV>
  | ValuesOf<typeof PROVIDER_ACCOUNTS_ENV>
  | ValuesOf<typeof OPENAI_ENV>
  | ValuesOf<typeof ANALYSIS_ENV>
  | ValuesOf<typeof TUNING_ENV>;

/** The groups above by constant name (for the test that reads the source for their uses). */
export const ENV_GROUPS = {
  ENV,
  SHARD_ENV,
  ANALYTICS_ENV,
  NOTIFY_ENV,
  PROVIDER_ACCOUNTS_ENV,
  OPENAI_ENV,
  ANALYSIS_ENV,
  TUNING_ENV,
} as const;

/**
 * The environment every function gets from the stack: the shared resources' names, the shard
 * counts and the default retention (a stack-wide setting the stores apply on write).
 */
export const SHARED_ENVIRONMENT = [
  RETENTION_ENV,
  ENV.ledgerTable,
  ENV.keysTable,
  ENV.ingestQueueUrl,
  ENV.deadLetterQueueUrl,
  ENV.payloadBucket,
  SHARD_ENV.dayIndex,
  SHARD_ENV.workIndex,
] as const satisfies readonly EnvName[];

export type SharedEnvName = (typeof SHARED_ENVIRONMENT)[number];

/** Read by any function with a default, set by the local twin only (never by the stack). */
export const LOCAL_ONLY_ENVIRONMENT = [ENV.s3ForcePathStyle] as const satisfies readonly EnvName[];
