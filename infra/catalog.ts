/**
 * The functions of tokentrail and how they are triggered: the one list that both the CDK
 * stack and the local twin are built from. Plain data, no CDK imports.
 */

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
}

export const INGEST_FUNCTION: FunctionSpec = {
  name: 'ingest',
  entry: 'functions/ingest/handler.ts',
  description: 'POST /v1/interactions: authenticate, validate, queue',
  memoryMb: 512,
  timeoutSeconds: 10,
  routes: [{ method: 'POST', path: '/v1/interactions' }],
};

export const PROCESS_FUNCTION: FunctionSpec = {
  name: 'process',
  entry: 'functions/process/handler.ts',
  description: 'Ingest queue consumer: normalize, redact, price, persist',
  memoryMb: 1024,
  timeoutSeconds: 60,
  queue: { batchSize: 50, maxBatchingWindowSeconds: 2 },
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

export const FUNCTIONS: FunctionSpec[] = [INGEST_FUNCTION, PROCESS_FUNCTION, QUERY_FUNCTION];

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
