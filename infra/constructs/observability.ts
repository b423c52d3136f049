import { Aws, CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AnomalyKind } from '../../shared/domain/analytics/keys';
import { METRIC, METRICS_NAMESPACE, type MetricName } from '../../shared/domain/metric-names';
import type { MonitoringScope } from './scope';

/** Alarm thresholds; each has a context key so an operator can tune it at deploy time. */
export interface AlarmThresholds {
  /** Oldest ingest message age that alarms (context `tokentrail:queueAgeAlarmSeconds`). @default 900 */
  readonly oldestMessageAgeSeconds: number;
  /** Errors per invocation of any one function, in percent (context `tokentrail:errorRateAlarmPercent`). @default 5 */
  readonly functionErrorRatePercent: number;
  /** API responses with a 5xx status, in percent (context `tokentrail:api5xxAlarmPercent`). @default 5 */
  readonly api5xxRatePercent: number;
  /** Throttled Lambda invocations and DynamoDB requests in 5 minutes (context `tokentrail:throttleAlarmCount`). @default 10 */
  readonly throttlesPer5Minutes: number;
}

export const DEFAULT_ALARM_THRESHOLDS: AlarmThresholds = {
  // Longer than the processor can take with every retry of a healthy batch, short enough to notice a stall.
  oldestMessageAgeSeconds: 900,
  functionErrorRatePercent: 5,
  api5xxRatePercent: 5,
  throttlesPer5Minutes: 10,
};

export interface ObservabilityProps {
  /** E-mail subscribed to the alarm topic (context `tokentrail:alarmEmail`). @default none */
  readonly alarmEmail?: string;
  /** Alarm thresholds (context keys on AlarmThresholds). @default DEFAULT_ALARM_THRESHOLDS */
  readonly thresholds?: Partial<AlarmThresholds>;
}

/**
 * Every anomaly kind and the functions that publish it (exhaustive: a new kind fails the type
 * check here). The detection kinds come from the daily rollup and the on-demand anomaly job;
 * the reconciliation kinds from the reconcile job.
 */
const ANOMALY_PUBLISHERS = {
  high_cost: ['rollup', 'anomaly'],
  suspiciously_low: ['rollup', 'anomaly'],
  error_rate_spike: ['rollup', 'anomaly'],
  unpriced_spike: ['rollup', 'anomaly'],
  untracked_usage: ['reconcile'],
  cost_drift: ['reconcile'],
} satisfies Record<AnomalyKind, string[]>;

const FIVE_MINUTES = Duration.minutes(5);
const FIVE_MINUTE_SUM = { period: FIVE_MINUTES, statistic: 'Sum' } as const;
const WIDE = 12;
const NARROW = 8;

/**
 * Operations for one stage: a CloudWatch dashboard (API, queue and DLQ, functions, DynamoDB,
 * cost and tokens per project and model, redactions, pipeline counters, offline analysis,
 * anomalies, job state machine runs) and alarms (DLQ not empty, oldest message too old, function
 * error rate, API 5xx rate, throttles, new anomaly, a failed or timed-out job state machine run)
 * that notify an alarm topic. It depends on a MonitoringScope, not on the stack.
 *
 * The alarm topic coexists with the analytics alert topic rather than reusing it: that one is
 * encrypted with the AWS managed SNS key, whose policy cannot let CloudWatch publish, so alarms
 * sent there would be dropped. This topic uses a customer managed key (rotated) whose policy
 * lets CloudWatch alarms of this account encrypt messages. Both subscribe the same e-mail.
 *
 * @example
 * const observability = new Observability(scope, 'Observability', { thresholds: { api5xxRatePercent: 2 } });
 */
export class Observability extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;
  public readonly alarmTopic: sns.Topic;
  public readonly alarms: cloudwatch.Alarm[] = [];
  public readonly thresholds: AlarmThresholds;

  public constructor(scope: MonitoringScope, id: string, props: ObservabilityProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const overrides = Object.entries(props.thresholds ?? {}).filter(([, value]) => value !== undefined);
    this.thresholds = { ...DEFAULT_ALARM_THRESHOLDS, ...Object.fromEntries(overrides) };

    this.alarmTopic = this.createAlarmTopic(props.alarmEmail, scope.failureQueue.queue);
    const { api } = scope.httpApi;
    const { queue, deadLetterQueue } = scope.ingestQueue;
    const { ledgerTable, keysTable } = scope.storage;
    const functions = Object.entries(scope.functions);
    const labelOf = (fn: lambda.IFunction) =>
      functions.find(([, candidate]) => candidate === fn)?.[0] ?? fn.node.id;

    // ---- alarms ----
    const alarm = (
      name: string,
      options: cloudwatch.CreateAlarmOptions & { metric: cloudwatch.Metric | cloudwatch.MathExpression },
    ) => {
      const { metric, ...alarmOptions } = options;
      const created = metric.createAlarm(this, name, {
        // Every alarm fires at or above its threshold.
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No data means nothing happened (no traffic, empty queue), not an outage.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...alarmOptions,
      });
      created.addAlarmAction(new actions.SnsAction(this.alarmTopic));
      created.addOkAction(new actions.SnsAction(this.alarmTopic));
      this.alarms.push(created);
      return created;
    };

    /** Fires on the first message in a queue that should stay empty. */
    const queueNotEmpty = (name: string, watched: sqs.IQueue, alarmDescription: string) =>
      alarm(name, {
        metric: watched.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        threshold: 1,
        evaluationPeriods: 1,
        alarmDescription,
      });
    queueNotEmpty(
      'DeadLetterQueueNotEmpty',
      deadLetterQueue,
      'Interactions failed processing every retry and wait in the DLQ: inspect with `tokentrail dlq list`, fix, then `tokentrail dlq redrive`.',
    );
    queueNotEmpty(
      'FailuresQueued',
      scope.failureQueue.queue,
      'A scheduled job run failed, a schedule could not invoke its job, or a notification could not be delivered: the failure queue (FailureQueueUrl) holds the record; the job runs again on its schedule or with `tokentrail jobs run`.',
    );

    alarm('OldestMessageTooOld', {
      metric: queue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: this.thresholds.oldestMessageAgeSeconds,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      alarmDescription: `The oldest ingest message waited ${this.thresholds.oldestMessageAgeSeconds} s or more: the processor is failing, throttled or too slow.`,
    });

    for (const [name, fn] of functions) {
      alarm(`${pascal(name)}ErrorRate`, {
        metric: math(
          'IF(invocations > 0, 100 * errors / invocations, 0)',
          { errors: fn.metricErrors(FIVE_MINUTE_SUM), invocations: fn.metricInvocations(FIVE_MINUTE_SUM) },
          `${name} error rate (%)`,
        ),
        threshold: this.thresholds.functionErrorRatePercent,
        evaluationPeriods: 2,
        alarmDescription: `The ${name} function failed ${this.thresholds.functionErrorRatePercent}% or more of its invocations in two consecutive 5-minute periods.`,
      });
    }

    alarm('Api5xxRate', {
      metric: math(
        'IF(requests > 0, 100 * errors / requests, 0)',
        { errors: api.metricServerError(FIVE_MINUTE_SUM), requests: api.metricCount(FIVE_MINUTE_SUM) },
        'API 5xx rate (%)',
      ),
      threshold: this.thresholds.api5xxRatePercent,
      evaluationPeriods: 2,
      alarmDescription: `${this.thresholds.api5xxRatePercent}% or more of API responses were 5xx in two consecutive 5-minute periods.`,
    });

    // An alarm's math takes at most 10 metrics: the hot path's functions and both tables.
    const throttleInputs: Record<string, cloudwatch.IMetric> = {};
    for (const name of ['ingest', 'process', 'query'].filter((candidate) => scope.functions[candidate])) {
      throttleInputs[`${name}Throttles`] = scope.functions[name]!.metricThrottles(FIVE_MINUTE_SUM);
    }
    for (const [label, table] of [
      ['ledger', ledgerTable],
      ['keys', keysTable],
    ] as const) {
      throttleInputs[`${label}ReadThrottles`] = tableMetric(table.tableName, 'ReadThrottleEvents');
      throttleInputs[`${label}WriteThrottles`] = tableMetric(table.tableName, 'WriteThrottleEvents');
    }
    alarm('Throttles', {
      metric: math(
        Object.keys(throttleInputs).join(' + '),
        throttleInputs,
        'throttled invocations and requests',
      ),
      threshold: this.thresholds.throttlesPer5Minutes,
      evaluationPeriods: 1,
      alarmDescription: `${this.thresholds.throttlesPer5Minutes} or more throttled Lambda invocations (ingest, process, query) or DynamoDB requests in 5 minutes.`,
    });

    const anomalyInputs: Record<string, cloudwatch.IMetric> = {};
    Object.entries(ANOMALY_PUBLISHERS).forEach(([kind, services], kindIndex) => {
      services.forEach((service, serviceIndex) => {
        anomalyInputs[`a${serviceIndex}k${kindIndex}`] = appMetric(
          METRIC.anomaliesDetected,
          { service, kind },
          Duration.hours(1),
        );
      });
    });
    alarm('NewAnomaly', {
      metric: new cloudwatch.MathExpression({
        expression: Object.keys(anomalyInputs).join(' + '),
        usingMetrics: anomalyInputs,
        period: Duration.hours(1),
        label: 'new anomalies',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      alarmDescription:
        'The anomaly or reconcile job found a new cost, error or reconciliation anomaly: GET /v1/anomalies?status=open lists it.',
    });

    // A failed run of a job state machine lands nowhere else: the scheduler only dead-letters a
    // run it could not start, and the map's own retries are spent by the time the run fails.
    const stateMachines = Object.entries(scope.stateMachines);
    for (const [name, machine] of stateMachines) {
      alarm(`${pascal(name)}ExecutionsFailed`, {
        metric: math(
          'failed + timedOut',
          {
            failed: machine.metricFailed(FIVE_MINUTE_SUM),
            timedOut: machine.metricTimedOut(FIVE_MINUTE_SUM),
          },
          `${name} runs failed or timed out`,
        ),
        threshold: 1,
        evaluationPeriods: 1,
        alarmDescription: `A ${name} state machine run failed or timed out (its retries spent): the execution's history in the Step Functions console names the failed step; the job runs again on its next schedule or with \`tokentrail jobs run ${name}\`.`,
      });
    }

    // ---- dashboard ----
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${stack.stackName}-operations`,
      defaultInterval: Duration.hours(6),
    });
    const perFunction = (metric: (fn: lambda.IFunction) => cloudwatch.IMetric) =>
      functions.map(([, fn]) => metric(fn));

    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: `# tokentrail ${stack.stackName}\nCost and tokens come from the processor's EMF metrics (namespace \`${METRICS_NAMESPACE}\`), per project and model. Alarms go to the alarm topic.`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 3 }),
    );
    this.dashboard.addWidgets(
      graph(
        'API requests',
        [api.metricCount({ period: FIVE_MINUTES, statistic: 'Sum', label: 'requests' })],
        NARROW,
      ),
      graph(
        'API 4xx and 5xx',
        [
          api.metricClientError({ period: FIVE_MINUTES, statistic: 'Sum', label: '4xx' }),
          api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum', label: '5xx' }),
        ],
        NARROW,
      ),
      graph(
        'API latency (ms)',
        ['p50', 'p90', 'p99'].map((statistic) =>
          api.metricLatency({ period: FIVE_MINUTES, statistic, label: `latency ${statistic}` }),
        ),
        NARROW,
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Ingest queue depth',
        [
          queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', label: 'visible' }),
          queue.metricApproximateNumberOfMessagesNotVisible({ statistic: 'Maximum', label: 'in flight' }),
        ],
        NARROW,
      ),
      graph(
        'Age of oldest message (s)',
        [queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', label: 'oldest message' })],
        NARROW,
        this.thresholds.oldestMessageAgeSeconds,
      ),
      graph(
        'DLQ depth',
        [
          deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            statistic: 'Maximum',
            label: 'dead letters',
          }),
        ],
        NARROW,
        1,
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Lambda errors',
        perFunction((fn) => fn.metricErrors({ statistic: 'Sum', label: labelOf(fn) })),
        WIDE,
      ),
      graph(
        'Lambda throttles',
        perFunction((fn) => fn.metricThrottles({ statistic: 'Sum', label: labelOf(fn) })),
        WIDE,
      ),
      graph(
        'Lambda duration p99 (ms)',
        perFunction((fn) => fn.metricDuration({ statistic: 'p99', label: labelOf(fn) })),
        WIDE,
      ),
      graph(
        'Lambda concurrency',
        perFunction((fn) => fn.metric('ConcurrentExecutions', { statistic: 'Maximum', label: labelOf(fn) })),
        WIDE,
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'DynamoDB throttles',
        [ledgerTable, keysTable].flatMap((table, index) => {
          const name = index === 0 ? 'ledger' : 'keys';
          return [
            tableMetric(table.tableName, 'ReadThrottleEvents', `${name} read`),
            tableMetric(table.tableName, 'WriteThrottleEvents', `${name} write`),
          ];
        }),
        WIDE,
      ),
      graph(
        'DynamoDB consumed capacity',
        [
          ledgerTable.metricConsumedWriteCapacityUnits({ statistic: 'Sum', label: 'ledger WCU' }),
          ledgerTable.metricConsumedReadCapacityUnits({ statistic: 'Sum', label: 'ledger RCU' }),
          keysTable.metricConsumedReadCapacityUnits({ statistic: 'Sum', label: 'keys RCU' }),
          search(
            `{AWS/DynamoDB,GlobalSecondaryIndexName,TableName} MetricName="ConsumedWriteCapacityUnits" TableName="${ledgerTable.tableName}"`,
            'Sum',
            FIVE_MINUTES,
            'index WCU',
          ),
        ],
        WIDE,
      ),
    );
    const hour = Duration.hours(1);
    this.dashboard.addWidgets(
      graph(
        'Cost per project and model (USD per hour)',
        [
          new cloudwatch.MathExpression({
            expression: 'nanos / 1000000000',
            usingMetrics: {
              nanos: search(
                `{${METRICS_NAMESPACE},model,project,service} MetricName="${METRIC.costNanoUsd}"`,
                'Sum',
                hour,
              ),
            },
            period: hour,
          }),
        ],
        WIDE,
      ),
      graph(
        'Tokens per project and model (per hour)',
        [
          search(`{${METRICS_NAMESPACE},model,project,service} MetricName="${METRIC.tokensIn}"`, 'Sum', hour),
          search(
            `{${METRICS_NAMESPACE},model,project,service} MetricName="${METRIC.tokensOut}"`,
            'Sum',
            hour,
          ),
        ],
        WIDE,
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Interactions',
        [
          appMetric(METRIC.interactionsAccepted, { service: 'ingest' }),
          appMetric(METRIC.interactionsRejected, { service: 'ingest' }),
          appMetric(METRIC.enqueueFailures, { service: 'ingest' }),
          appMetric(METRIC.interactionsProcessed, { service: 'process' }),
          appMetric(METRIC.interactionsDuplicate, { service: 'process' }),
          appMetric(METRIC.recordFailures, { service: 'process' }),
        ],
        NARROW,
      ),
      graph(
        'Unpriced, offloaded, abandoned',
        [
          appMetric(METRIC.interactionsUnpriced, { service: 'process' }),
          appMetric(METRIC.payloadOffloads, { service: 'process' }),
          appMetric(METRIC.interactionsNewlyPriced, { service: 'reprice' }),
          appMetric(METRIC.interactionsAbandoned, { service: 'sweep' }),
        ],
        NARROW,
      ),
      graph(
        'Redactions by type',
        [
          search(
            `{${METRICS_NAMESPACE},service,type} MetricName="${METRIC.redactions}"`,
            'Sum',
            FIVE_MINUTES,
          ),
        ],
        NARROW,
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Batch pipeline',
        [
          appMetric(METRIC.analysisBatchesCreated, { service: 'batch-creator' }),
          appMetric(METRIC.analysisRequestsBatched, { service: 'batch-creator' }),
          appMetric(METRIC.analysisBatchesProcessed, { service: 'batch-poller' }),
          appMetric(METRIC.analysisRequestsCompleted, { service: 'batch-poller' }),
          appMetric(METRIC.analysisRequestsRequeued, { service: 'batch-poller' }),
          search(
            `{${METRICS_NAMESPACE},service} MetricName="${METRIC.analysisRequestsFailed}"`,
            'Sum',
            FIVE_MINUTES,
          ),
          search(
            `{${METRICS_NAMESPACE},service} MetricName="${METRIC.analysisJobErrors}"`,
            'Sum',
            FIVE_MINUTES,
          ),
        ],
        WIDE,
      ),
      graph(
        'Anomalies and budget thresholds',
        [
          search(`{${METRICS_NAMESPACE},kind,service} MetricName="${METRIC.anomaliesDetected}"`, 'Sum', hour),
          search(
            `{${METRICS_NAMESPACE},service,threshold} MetricName="${METRIC.budgetThresholdsCrossed}"`,
            'Sum',
            hour,
          ),
        ],
        WIDE,
      ),
    );

    this.dashboard.addWidgets(
      graph(
        'Reconciliation: lowest coverage per provider (ledger ÷ provider report)',
        [
          search(
            `{${METRICS_NAMESPACE},provider,service} MetricName="${METRIC.reconcileCoverage}"`,
            'Minimum',
            Duration.days(1),
          ),
        ],
        WIDE,
      ),
      graph(
        'Reconciliation: pricing drift and untracked cost (nano-USD per provider)',
        [
          search(
            `{${METRICS_NAMESPACE},provider,service} MetricName="${METRIC.reconcileDriftNanoUsd}"`,
            'Sum',
            Duration.days(1),
          ),
          search(
            `{${METRICS_NAMESPACE},provider,service} MetricName="${METRIC.reconcileUntrackedNanoUsd}"`,
            'Sum',
            Duration.days(1),
          ),
        ],
        WIDE,
      ),
    );

    if (stateMachines.length > 0) {
      this.dashboard.addWidgets(
        graph(
          'Job state machine runs',
          stateMachines.flatMap(([name, machine]) => [
            machine.metricSucceeded({ statistic: 'Sum', label: `${name} succeeded` }),
            machine.metricFailed({ statistic: 'Sum', label: `${name} failed` }),
            machine.metricTimedOut({ statistic: 'Sum', label: `${name} timed out` }),
          ]),
          WIDE,
        ),
      );
    }

    new CfnOutput(stack, 'DashboardUrl', {
      value: `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${this.dashboard.dashboardName}`,
      description: 'CloudWatch dashboard of this stage',
    });
    new CfnOutput(stack, 'AlarmTopicArn', {
      value: this.alarmTopic.topicArn,
      description: 'CloudWatch alarms of this stage (subscribe with -c tokentrail:alarmEmail=<address>)',
    });
  }

  private createAlarmTopic(alarmEmail: string | undefined, failures: sqs.IQueue): sns.Topic {
    const key = new kms.Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the tokentrail alarm topic; CloudWatch alarms of this account may use it',
      enableKeyRotation: true,
    });
    // The AWS managed SNS key cannot grant this, which is why alarms need a key of their own.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    const topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'tokentrail alarms',
      enforceSSL: true,
      masterKey: key,
    });
    // A topic policy replaces SNS's default one, and enforceSSL writes one (the TLS-only Deny):
    // without this statement CloudWatch may not publish and every alarm would be dropped.
    const { account, region, partition } = Stack.of(this);
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
        },
      }),
    );
    if (alarmEmail) {
      topic.addSubscription(new subscriptions.EmailSubscription(alarmEmail, { deadLetterQueue: failures }));
    }
    return topic;
  }
}

/** A metric-math expression over five-minute periods. */
function math(
  expression: string,
  usingMetrics: Record<string, cloudwatch.IMetric>,
  label: string,
): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({ expression, usingMetrics, period: FIVE_MINUTES, label });
}

function graph(
  title: string,
  metrics: cloudwatch.IMetric[],
  width: number,
  annotation?: number,
): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({
    title,
    left: metrics,
    width,
    height: 6,
    leftAnnotations: annotation === undefined ? undefined : [{ value: annotation, label: 'alarm' }],
  });
}

/** One of our EMF metrics; dimensions always include `service` (Powertools adds it). */
function appMetric(metricName: MetricName, dimensionsMap: Record<string, string>, period = FIVE_MINUTES) {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap,
    statistic: 'Sum',
    period,
    label: metricName,
  });
}

/** A CloudWatch SEARCH over metrics whose dimension values are data (projects, models, types). */
function search(
  query: string,
  statistic: string,
  period: Duration,
  label?: string,
): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: `SEARCH('${query}', '${statistic}', ${period.toSeconds()})`,
    usingMetrics: {},
    period,
    label,
  });
}

function tableMetric(tableName: string, metricName: string, label?: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/DynamoDB',
    metricName,
    dimensionsMap: { TableName: tableName },
    statistic: 'Sum',
    period: FIVE_MINUTES,
    label,
  });
}

function pascal(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, __, letter: string) => letter.toUpperCase());
}
