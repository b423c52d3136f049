import { CfnOutput, type CfnResource, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { ENV, RETENTION_ENV, SHARD_ENV, type SharedEnvName } from '../shared/domain/env-names';
import { PAYLOAD_PREFIX, STAGING_PREFIX } from '../shared/domain/ledger/objects';
import { LEDGER_TABLE } from '../shared/domain/table/layout';
import {
  ADMIN_FUNCTION,
  type FunctionSpec,
  INGEST_FUNCTION,
  PROCESS_FUNCTION,
  QUERY_FUNCTION,
  REPRICE_FUNCTION,
  SWEEP_FUNCTION,
} from './catalog';
import { acknowledge } from './constructs/acknowledge';
import { Analytics, type AnalyticsProps } from './constructs/analytics';
import { BatchAnalysis, type BatchAnalysisProps } from './constructs/batch-analysis';
import { FailureQueue } from './constructs/failure-queue';
import { HttpApi } from './constructs/http-api';
import { IngestQueue } from './constructs/ingest-queue';
import { LambdaFunction } from './constructs/lambda-function';
import { type AlarmThresholds, Observability } from './constructs/observability';
import { RepriceDayMap } from './constructs/reprice';
import type { FeatureScope, MonitoringScope } from './constructs/scope';
import { Storage } from './constructs/storage';
import { DEFAULT_SCALE_SETTINGS, type ScaleSettings } from './scale-settings';

export interface TokentrailStackProps extends StackProps {
  /** Stage name (dev, prod, ...): part of the stack name and resource tags. */
  readonly stage: string;
  /**
   * Keep tables and the bucket when the stack is deleted (context `tokentrail:retainData`).
   * @default true
   */
  readonly retainData?: boolean;
  /**
   * Retention of the functions' and the API's log groups (context `tokentrail:logRetentionDays`).
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetentionDays?: logs.RetentionDays;
  /** Steady-state API requests per second (context `tokentrail:apiRateLimit`). @default 500 */
  readonly apiRateLimit?: number;
  /** API burst (context `tokentrail:apiBurstLimit`). @default 1000 */
  readonly apiBurstLimit?: number;
  /**
   * Days interactions are kept unless a project sets its own; 0 keeps forever (context
   * `tokentrail:retentionDays`).
   * @default 0
   */
  readonly retentionDays?: number;
  /** Powertools log level of every function (context `tokentrail:logLevel`). @default 'INFO' */
  readonly logLevel?: string;
  /** Fraction of invocations logged at DEBUG (context `tokentrail:debugSampleRate`). @default 0.01 */
  readonly debugSampleRate?: number;
  /** `xray`: X-Ray active tracing on every function (context `tokentrail:tracing`). @default 'off' */
  readonly tracing?: 'xray' | 'off';
  /** DynamoDB capacity mode (context `tokentrail:billing`). @default 'on-demand' */
  readonly billing?: 'on-demand' | 'provisioned';
  /** How far it scales out: shards, concurrency, capacity floors (scale-settings.ts). @default DEFAULT_SCALE_SETTINGS */
  readonly scale?: ScaleSettings;
  /** E-mail subscribed to the alarm and alert topics (context `tokentrail:alarmEmail`). @default none */
  readonly alarmEmail?: string;
  /** Alarm thresholds (context `tokentrail:queueAgeAlarmSeconds`, ...). @default DEFAULT_ALARM_THRESHOLDS */
  readonly alarmThresholds?: Partial<AlarmThresholds>;
  /** Rollup tag keys and the provider admin secret. @default see AnalyticsProps */
  readonly analytics?: Pick<AnalyticsProps, 'rollupTagKeys' | 'providerAdminSecretName'>;
  /** The OpenAI secret and the batch thresholds. @default see BatchAnalysisProps */
  readonly batchAnalysis?: BatchAnalysisProps;
}

/**
 * tokentrail in one stack, composed of one construct per concern. Functions come from
 * infra/catalog.ts, the same list the local twin serves. The stack is the scope the feature
 * and monitoring constructs depend on (constructs/scope.ts); it reads no context (app.ts does,
 * through context.ts).
 */
export class TokentrailStack extends Stack implements FeatureScope, MonitoringScope {
  public readonly storage: Storage;
  public readonly ingestQueue: IngestQueue;
  /** Failed job runs, undeliverable schedules and notifications (see FailureQueue). */
  public readonly failureQueue: FailureQueue;
  public readonly httpApi: HttpApi;
  public readonly functions: Record<string, lambda.Function> = {};
  /** Job state machines by catalog name (the rollup's distributed map). */
  public readonly stateMachines: Record<string, sfn.IStateMachine> = {};
  /** Environment every function gets: the names of the shared resources and the shard counts. */
  public readonly functionEnvironment: Readonly<Record<string, string>>;
  /** How far it scales out: shards, concurrency, capacity floors (see scale-settings.ts). */
  public readonly scale: ScaleSettings;
  private readonly logRetention: logs.RetentionDays;
  private readonly logSettings: { logLevel?: string; debugSampleRate?: number; tracing: boolean };

  public constructor(scope: Construct, id: string, props: TokentrailStackProps) {
    super(scope, id, props);
    const logRetention = props.logRetentionDays ?? logs.RetentionDays.ONE_MONTH;
    this.scale = props.scale ?? DEFAULT_SCALE_SETTINGS;
    this.storage = new Storage(this, 'Storage', {
      retain: props.retainData ?? true,
      billing: props.billing,
      capacity: this.scale,
    });
    this.ingestQueue = new IngestQueue(this, 'IngestQueue');
    this.failureQueue = new FailureQueue(this, 'FailureQueue');
    this.httpApi = new HttpApi(this, 'HttpApi', {
      rateLimit: props.apiRateLimit ?? 500,
      burstLimit: props.apiBurstLimit ?? 1000,
      logRetention,
    });

    const { ledgerTable, keysTable, payloadBucket } = this.storage;
    const { queue, deadLetterQueue } = this.ingestQueue;
    const environment: Record<SharedEnvName, string> = {
      [RETENTION_ENV]: String(props.retentionDays ?? 0),
      [ENV.ledgerTable]: ledgerTable.tableName,
      [ENV.keysTable]: keysTable.tableName,
      [ENV.ingestQueueUrl]: queue.queueUrl,
      [ENV.deadLetterQueueUrl]: deadLetterQueue.queueUrl,
      [ENV.payloadBucket]: payloadBucket.bucketName,
      [SHARD_ENV.dayIndex]: String(this.scale.dayIndexShards),
      [SHARD_ENV.workIndex]: String(this.scale.workIndexShards),
    };
    this.functionEnvironment = environment;
    this.logRetention = logRetention;
    this.logSettings = {
      logLevel: props.logLevel,
      debugSampleRate: props.debugSampleRate,
      tracing: props.tracing === 'xray',
    };
    const make = (spec: FunctionSpec) => this.addFunction(spec);

    // Least privilege, per function: explicit actions on explicit resources, no wildcard actions.
    const objects = (prefix: string) => payloadBucket.arnForObjects(`${prefix}*`);
    const allow = (fn: lambda.IFunction, actions: string[], resources: string[]) =>
      fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources }));
    // Index ARNs by name, so each function is granted Query on exactly the indexes its stores read.
    const ledgerIndex = (name: string) => {
      if (!LEDGER_TABLE.globalSecondaryIndexes.some((index) => index.indexName === name))
        throw new Error(`the ledger table has no index ${name}`);
      return `${ledgerTable.tableArn}/index/${name}`;
    };
    const bucketId = this.getLogicalId(payloadBucket.node.defaultChild as CfnResource);
    /** Object actions under one prefix, with the acknowledgement its wildcard needs. */
    const allowObjects = (fn: lambda.IFunction, actions: string[], prefix: string, reason: string) => {
      allow(fn, actions, [objects(prefix)]);
      acknowledge(fn, `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}*]`, reason);
    };
    const stagingReason =
      'Claim-check objects get a fresh key per message; access is limited to the staging prefix.';
    const payloadReason =
      'Payload objects are keyed by interaction id; access is limited to the payloads prefix.';

    const ingest = make(INGEST_FUNCTION);
    allow(ingest, ['dynamodb:GetItem'], [keysTable.tableArn]);
    allowObjects(ingest, ['s3:PutObject'], STAGING_PREFIX, stagingReason);
    queue.grantSendMessages(ingest);

    const processor = make(PROCESS_FUNCTION);
    allow(processor, ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:GetItem'], [ledgerTable.tableArn]);
    allowObjects(processor, ['s3:GetObject', 's3:DeleteObject'], STAGING_PREFIX, stagingReason);
    allowObjects(processor, ['s3:PutObject', 's3:DeleteObject'], PAYLOAD_PREFIX, payloadReason);
    // A record met by a dependency outage is sent back with a delay (shared/adapters/aws/deferral.ts).
    queue.grantSendMessages(processor);
    processor.addEventSource(
      new SqsEventSource(queue, {
        batchSize: PROCESS_FUNCTION.queue!.batchSize,
        maxBatchingWindow: Duration.seconds(PROCESS_FUNCTION.queue!.maxBatchingWindowSeconds),
        reportBatchItemFailures: true,
        // A backlog or a DLQ redrive scales the processor up to this, never to the account's limit.
        maxConcurrency: this.scale.processMaxConcurrency,
      }),
    );

    const query = make(QUERY_FUNCTION);
    allow(query, ['dynamodb:GetItem'], [keysTable.tableArn]);
    allow(query, ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'], [ledgerTable.tableArn]);
    // Lists: by session, else by day.
    allow(query, ['dynamodb:Query'], [ledgerIndex('bySession'), ledgerIndex('byDay')]);
    allowObjects(query, ['s3:GetObject'], PAYLOAD_PREFIX, payloadReason);

    const admin = make(ADMIN_FUNCTION);
    const reprice = make(REPRICE_FUNCTION);
    for (const fn of [admin, reprice]) {
      allow(fn, ['dynamodb:GetItem'], [keysTable.tableArn]);
      allow(
        fn,
        ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
        [ledgerTable.tableArn],
      );
    }
    // Both reprice what is still unpriced; the job also walks whole days on demand.
    allow(admin, ['dynamodb:Query'], [ledgerIndex('byUnpriced')]);
    allow(reprice, ['dynamodb:Query'], [ledgerIndex('byUnpriced'), ledgerIndex('byDay')]);
    // Reprice keeps its per-shard cursors and marks repriced past days changed (for the rollup).
    allow(reprice, ['dynamodb:PutItem', 'dynamodb:DeleteItem'], [ledgerTable.tableArn]);
    // Saving overrides reprices at once, and marks the repriced days changed too.
    allow(admin, ['dynamodb:PutItem'], [ledgerTable.tableArn]);
    // Projects are listed from the keys table, which holds one small item per key.
    allow(reprice, ['dynamodb:Scan'], [keysTable.tableArn]);

    const sweep = make(SWEEP_FUNCTION);
    allow(sweep, ['dynamodb:Query', 'dynamodb:UpdateItem'], [ledgerTable.tableArn]);
    allow(sweep, ['dynamodb:Query'], [ledgerIndex('byOpen')]);

    const analytics = new Analytics(this, 'Analytics', {
      ...props.analytics,
      alarmEmail: props.alarmEmail,
      mapConcurrency: this.scale.mapConcurrency,
    });
    this.stateMachines.rollup = analytics.rollupStateMachine;
    // reprice --date at scale: a distributed map over the day's slices, one slice per shard at once.
    // A failed or timed-out run alarms like the rollup's (Observability).
    this.stateMachines.reprice = new RepriceDayMap(this, 'RepriceDay', {
      repriceFunction: reprice,
      maxConcurrency: this.scale.dayIndexShards,
    }).stateMachine;
    new BatchAnalysis(this, 'BatchAnalysis', props.batchAnalysis);
    // Last, so its dashboard and alarms cover every function and state machine the features added.
    new Observability(this, 'Observability', {
      alarmEmail: props.alarmEmail,
      thresholds: props.alarmThresholds,
    });
    const unknown = Object.keys(this.scale.reservedConcurrency).filter((name) => !this.functions[name]);
    if (unknown.length > 0) {
      throw new Error(
        `context tokentrail:reservedConcurrency names no function: ${unknown.join(', ')} (known: ${Object.keys(this.functions).join(', ')})`,
      );
    }

    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.url, description: 'Base URL of the tokentrail API' });
    new CfnOutput(this, 'KeysTableName', {
      value: keysTable.tableName,
      description:
        'Create the first key: KEYS_TABLE_NAME=<this> npm run -s tokentrail -- keys create --project default',
    });
    new CfnOutput(this, 'LedgerTableName', { value: ledgerTable.tableName });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: deadLetterQueue.queueUrl });
    new CfnOutput(this, 'FailureQueueUrl', {
      value: this.failureQueue.queue.queueUrl,
      description: 'Failed job runs, undeliverable schedules and notifications (alarm FailuresQueued)',
    });
    new CfnOutput(this, 'IngestQueueUrl', {
      value: queue.queueUrl,
      description: 'Where `tokentrail dlq redrive --stack <name>` moves dead letters back to',
    });
  }

  /**
   * Adds one function from its catalog spec: routes on the HTTP API, schedules on EventBridge
   * Scheduler, the shared environment, and an output with its name for `tokentrail jobs run`.
   * Feature constructs call this and then grant what their function needs.
   */
  public addFunction(spec: FunctionSpec): lambda.Function {
    const fn = new LambdaFunction(this, `${pascal(spec.name)}Function`, {
      spec,
      environment: this.functionEnvironment,
      logRetention: this.logRetention,
      reservedConcurrency: this.scale.reservedConcurrency[spec.name],
      ...this.logSettings,
    }).function;
    this.functions[spec.name] = fn;
    if (spec.routes) this.httpApi.addRoutes(spec.name, fn, spec.routes);
    if (spec.schedules) this.runAsJob(spec, fn);
    if (this.logSettings.tracing) {
      acknowledge(
        fn,
        'AwsSolutions-IAM5[Resource::*]',
        'X-Ray trace segments and telemetry cannot be scoped to a resource; these two actions are all it allows.',
      );
    }
    acknowledge(
      fn,
      'AwsSolutions-L1',
      'Node.js 22 is the pinned runtime: the local twin, CI and the bundles all target it.',
    );
    return fn;
  }

  /**
   * A job: its schedules, and what happens when a run fails. Retries happen in one place only:
   * the schedule retries delivering the event (twice, for throttling or an unavailable
   * function, when nothing ran), and Lambda does not retry a run that failed (0 retry
   * attempts): every job is idempotent and runs again on its next schedule (or by hand with
   * `tokentrail jobs run`), and an immediate re-run of a job that failed for a reason of its
   * own would fail again at full cost. Both failures land in the failure queue, which alarms.
   */
  private runAsJob(spec: FunctionSpec, fn: lambda.Function): void {
    const failures = this.failureQueue.queue;
    fn.configureAsyncInvoke({
      retryAttempts: 0,
      onFailure: new destinations.SqsDestination(failures),
    });
    // A state-machine job's construct schedules its state machine instead (see FunctionSpec).
    const schedules = spec.scheduleTarget === 'state-machine' ? [] : (spec.schedules ?? []);
    schedules.forEach((schedule, index) => {
      new scheduler.Schedule(this, `${pascal(spec.name)}Schedule${index}`, {
        schedule: scheduler.ScheduleExpression.expression(schedule.expression),
        description: schedule.description,
        target: new targets.LambdaInvoke(fn, {
          input: scheduler.ScheduleTargetInput.fromObject(schedule.input ?? {}),
          retryAttempts: 2,
          deadLetterQueue: failures,
        }),
      });
    });
    if (schedules.length > 0) {
      acknowledge(
        this,
        `AwsSolutions-IAM5[Resource::<${this.getLogicalId(fn.node.defaultChild as CfnResource)}.Arn>:*]`,
        'The scheduler role may invoke this function and its versions; it can invoke nothing else.',
      );
    }
    new CfnOutput(this, `${pascal(spec.name)}FunctionName`, {
      value: fn.functionName,
      description: `Run now: npm run -s tokentrail -- jobs run ${spec.name} --stack ${this.stackName}`,
    });
  }
}

function pascal(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, __, letter: string) => letter.toUpperCase());
}
