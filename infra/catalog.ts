/**
 * The functions of tokentrail and how they are triggered: the one list that both the CDK
 * stack and the local twin are built from. Plain data, no CDK imports.
 */
import {
  ANALYSIS_ENV,
  ANALYTICS_ENV,
  type EnvName,
  NOTIFY_ENV,
  OPENAI_ENV,
  PROVIDER_ACCOUNTS_ENV,
  TUNING_ENV,
} from '../shared/domain/env-names';

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** API Gateway route path, e.g. `/v1/interactions/{id}`. */
  path: string;
  /** No bearer key required (only `GET /health`). */
  public?: boolean;
}

export interface QueueTriggerSpec {
  batchSize: number;
  maxBatchingWindowSeconds: number;
}

export interface ScheduleSpec {
  /** EventBridge Scheduler expression, e.g. `rate(10 minutes)` or `cron(15 0 * * ? *)`. */
  expression: string;
  /** Event passed to the handler. */
  input?: Record<string, unknown>;
  description: string;
}

export interface FunctionSpec {
  name: string;
  /** Handler module, relative to the repository root; it exports `handler`. */
  entry: string;
  description: string;
  memoryMb: number;
  timeoutSeconds: number;
  routes?: RouteSpec[];
  queue?: QueueTriggerSpec;
  schedules?: ScheduleSpec[];
  /**
   * `state-machine`: in AWS the schedules start the function's Step Functions state machine,
   * which runs it step by step (a distributed map); the twin invokes the function, which runs
   * the same steps in process. Default `function`: the schedules invoke the function.
   */
  scheduleTarget?: 'function' | 'state-machine';
  /**
   * Environment variables the function needs beyond SHARED_ENVIRONMENT (resource names, shard
   * counts, default retention: every function gets those), set in AWS by the construct that adds
   * the function and locally by the twin (test/infra/catalog.test.ts checks both directions).
   */
  environment?: readonly EnvName[];
  /**
   * Variables it reads with a default when unset: set only when a deploy setting asks for it, or
   * by the twin and the tests (LOCAL_ONLY_ENVIRONMENT is read by any function, too).
   */
  optionalEnvironment?: readonly EnvName[];
}

/** Where an alerting job sends notifications: the alert topic and the event bus. */
const NOTIFY_ENVIRONMENT = [NOTIFY_ENV.topicArn, NOTIFY_ENV.eventBus] as const;
/** The analytics jobs' tuning (the rollup's; the anomaly job shares its module). */
const ANALYTICS_TUNING = [
  ANALYTICS_ENV.rollupTagKeys,
  ANALYTICS_ENV.mapConcurrency,
  ANALYTICS_ENV.hoursPerSlice,
] as const;
/** The analysis batch jobs: the OpenAI key's secret and the batch thresholds. */
const ANALYSIS_JOB_ENVIRONMENT = [
  OPENAI_ENV.secretName,
  ANALYSIS_ENV.minBatchSize,
  ANALYSIS_ENV.maxWaitSeconds,
  ANALYSIS_ENV.maxAttempts,
] as const;
/** A key and endpoint instead of the secret: the twin's emulator, the tests. */
const OPENAI_DIRECT = [OPENAI_ENV.apiKey, OPENAI_ENV.baseUrl] as const;

export const INGEST_FUNCTION: FunctionSpec = {
  name: 'ingest',
  entry: 'functions/ingest/handler.ts',
  description: 'POST /v1/interactions, /v1/traces and /v1/logs: authenticate, validate, queue',
  memoryMb: 512,
  timeoutSeconds: 10,
  routes: [
    { method: 'POST', path: '/v1/interactions' },
    { method: 'POST', path: '/v1/traces' },
    { method: 'POST', path: '/v1/logs' },
  ],
};

export const PROCESS_FUNCTION: FunctionSpec = {
  name: 'process',
  entry: 'functions/process/handler.ts',
  description: 'Ingest queue consumer: normalize, redact, price, persist',
  memoryMb: 1024,
  timeoutSeconds: 60,
  queue: { batchSize: 50, maxBatchingWindowSeconds: 2 },
  optionalEnvironment: [TUNING_ENV.processDeferMaxSeconds],
};

export const QUERY_FUNCTION: FunctionSpec = {
  name: 'query',
  entry: 'functions/query/handler.ts',
  description: 'Read API: interactions and health',
  memoryMb: 512,
  timeoutSeconds: 15,
  routes: [
    { method: 'GET', path: '/health', public: true },
    { method: 'GET', path: '/v1/interactions' },
    { method: 'GET', path: '/v1/interactions/{id}' },
  ],
};

export const ADMIN_FUNCTION: FunctionSpec = {
  name: 'admin',
  entry: 'functions/admin/handler.ts',
  description: 'Administration: pricing overrides, model map, catalog imports, redaction configuration',
  memoryMb: 512,
  timeoutSeconds: 30,
  routes: [
    { method: 'GET', path: '/admin/pricing' },
    { method: 'PUT', path: '/admin/pricing' },
    { method: 'GET', path: '/admin/model-map' },
    { method: 'PUT', path: '/admin/model-map' },
    { method: 'GET', path: '/admin/catalog' },
    { method: 'PUT', path: '/admin/catalog' },
    { method: 'GET', path: '/admin/redaction' },
    { method: 'PUT', path: '/admin/redaction' },
    { method: 'GET', path: '/admin/retention' },
    { method: 'PUT', path: '/admin/retention' },
  ],
};

export const REPRICE_FUNCTION: FunctionSpec = {
  name: 'reprice',
  entry: 'functions/reprice/handler.ts',
  description: 'Reprices stored interactions with the current rules (unpriced hourly, any day on demand)',
  memoryMb: 1024,
  timeoutSeconds: 900,
  schedules: [
    {
      expression: 'rate(1 hour)',
      input: { unpricedOnly: true },
      description: 'Price interactions of models that had no rule when they arrived',
    },
  ],
};

export const ROLLUP_FUNCTION: FunctionSpec = {
  name: 'rollup',
  entry: 'functions/rollup/handler.ts',
  description: 'Rolls up a day of interactions (day and hour), evaluates budgets; daily run judges anomalies',
  // A reduce holds a project day's latency histograms; a slice one shard-hour's.
  memoryMb: 1024,
  timeoutSeconds: 600,
  scheduleTarget: 'state-machine',
  environment: NOTIFY_ENVIRONMENT,
  optionalEnvironment: ANALYTICS_TUNING,
  schedules: [
    {
      expression: 'rate(1 hour)',
      input: { schedule: 'hourly' },
      description: "Roll up today's interactions so far (day and hour rollups) and evaluate budgets",
    },
    {
      expression: 'cron(15 0 * * ? *)',
      input: { schedule: 'daily' },
      description: 'Roll up yesterday (late arrivals included), evaluate budgets, then detect anomalies',
    },
  ],
};

export const ANOMALY_FUNCTION: FunctionSpec = {
  name: 'anomaly',
  entry: 'functions/anomaly/handler.ts',
  description:
    'Judges a day per project and model against its trailing 28 days (on demand; the daily rollup runs it too)',
  memoryMb: 512,
  timeoutSeconds: 300,
  // On demand only (`jobs run anomaly --date D`): the daily rollup runs detection right after it writes.
  schedules: [],
  environment: NOTIFY_ENVIRONMENT,
  optionalEnvironment: ANALYTICS_TUNING,
};

export const RECONCILE_FUNCTION: FunctionSpec = {
  name: 'reconcile',
  entry: 'functions/reconcile/handler.ts',
  description:
    "Reconciles the ledger's daily rollups with the providers' usage and cost reports: coverage, drift, anomalies",
  memoryMb: 512,
  timeoutSeconds: 600,
  environment: [...NOTIFY_ENVIRONMENT, PROVIDER_ACCOUNTS_ENV.secretName],
  optionalEnvironment: [PROVIDER_ACCOUNTS_ENV.json],
  schedules: [
    {
      // After the daily rollup (00:15 UTC). Providers' reports settle over a day or two, so the last
      // three days are re-read; a re-reconciled day replaces its items.
      expression: 'cron(0 2 * * ? *)',
      input: { days: 3 },
      description: "Compare the last three days with the providers' usage and cost reports",
    },
  ],
};

export const INSIGHTS_FUNCTION: FunctionSpec = {
  name: 'insights',
  entry: 'functions/insights/handler.ts',
  description: 'Analytics API: rollups, anomalies, reconciliation, budget',
  memoryMb: 512,
  timeoutSeconds: 15,
  routes: [
    { method: 'GET', path: '/v1/rollups' },
    { method: 'GET', path: '/v1/anomalies' },
    { method: 'GET', path: '/v1/anomalies/{id}' },
    { method: 'PATCH', path: '/v1/anomalies/{id}' },
    { method: 'GET', path: '/v1/reconciliation' },
    { method: 'GET', path: '/admin/budget' },
    { method: 'PUT', path: '/admin/budget' },
  ],
};

export const SWEEP_FUNCTION: FunctionSpec = {
  name: 'sweep',
  entry: 'functions/sweep/handler.ts',
  description: 'Marks interactions that started but never completed as abandoned',
  memoryMb: 512,
  timeoutSeconds: 300,
  schedules: [
    { expression: 'rate(15 minutes)', description: 'Abandon in-progress interactions past the timeout' },
  ],
  optionalEnvironment: [TUNING_ENV.abandonAfterMinutes],
};

export const BATCH_CREATOR_FUNCTION: FunctionSpec = {
  name: 'batch-creator',
  entry: 'functions/batch-creator/handler.ts',
  description:
    'Offline analysis: pending analysis requests become OpenAI batches (resumes half-created ones)',
  // A full batch file (50,000 lines, up to 200 MB) is built in memory.
  memoryMb: 2048,
  timeoutSeconds: 600,
  environment: ANALYSIS_JOB_ENVIRONMENT,
  optionalEnvironment: OPENAI_DIRECT,
  schedules: [
    { expression: 'rate(10 minutes)', description: 'Submit pending analysis requests as OpenAI batches' },
  ],
};

export const BATCH_POLLER_FUNCTION: FunctionSpec = {
  name: 'batch-poller',
  entry: 'functions/batch-poller/handler.ts',
  description: 'Offline analysis: mirrors OpenAI batch status and stores the results of finished batches',
  memoryMb: 1024,
  timeoutSeconds: 600,
  environment: ANALYSIS_JOB_ENVIRONMENT,
  optionalEnvironment: OPENAI_DIRECT,
  schedules: [
    { expression: 'rate(2 minutes)', description: 'Poll in-flight OpenAI batches and store their results' },
  ],
};

export const ANALYSIS_ADMIN_FUNCTION: FunctionSpec = {
  name: 'analysis-admin',
  entry: 'functions/analysis-admin/handler.ts',
  description: 'Analysis admin API: settings, status summary, requests, requeue, batches',
  memoryMb: 512,
  timeoutSeconds: 15,
  routes: [
    { method: 'GET', path: '/admin/analysis/settings' },
    { method: 'PUT', path: '/admin/analysis/settings' },
    { method: 'GET', path: '/admin/analysis/summary' },
    { method: 'GET', path: '/admin/analysis/requests' },
    { method: 'POST', path: '/admin/analysis/requests/requeue' },
    { method: 'GET', path: '/admin/batches' },
  ],
};

export const FUNCTIONS: FunctionSpec[] = [
  INGEST_FUNCTION,
  PROCESS_FUNCTION,
  QUERY_FUNCTION,
  ADMIN_FUNCTION,
  REPRICE_FUNCTION,
  SWEEP_FUNCTION,
  ROLLUP_FUNCTION,
  ANOMALY_FUNCTION,
  RECONCILE_FUNCTION,
  INSIGHTS_FUNCTION,
  BATCH_CREATOR_FUNCTION,
  BATCH_POLLER_FUNCTION,
  ANALYSIS_ADMIN_FUNCTION,
];

/** Ingest queue settings shared by the stack and the twin. */
export const INGEST_QUEUE = {
  /** Receives before a message moves to the DLQ. */
  maxReceiveCount: 5,
  /** SQS recommends at least 6× the consumer's timeout. */
  visibilityTimeoutSeconds: PROCESS_FUNCTION.timeoutSeconds * 6,
  retentionDays: 4,
  deadLetterRetentionDays: 14,
};

/**
 * Claim-check objects expire after this many days even if never processed: longer than a
 * message can live in the DLQ, so a replayed message still finds its object.
 */
export const STAGING_EXPIRY_DAYS = INGEST_QUEUE.deadLetterRetentionDays + 1;
