import { ArnFormat, CfnOutput, type CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { ANALYTICS_ENV } from '../../shared/adapters/aws/analytics-jobs';
import { NOTIFY_ENV } from '../../shared/adapters/aws/notifications';
import {
  DEFAULT_PROVIDER_ADMIN_SECRET_NAME,
  PROVIDER_ACCOUNTS_ENV,
} from '../../shared/adapters/aws/provider-accounts';
import { ROLLUP_RUN_PREFIX } from '../../shared/domain/ledger/objects';
import { ledgerIndex } from '../../shared/domain/table/layout';
import { ANOMALY_FUNCTION, INSIGHTS_FUNCTION, RECONCILE_FUNCTION, ROLLUP_FUNCTION } from '../catalog';
import { DEFAULT_SCALE_SETTINGS } from '../scale-settings';
import { acknowledge } from './acknowledge';
import type { FeatureScope } from './scope';

export interface AnalyticsProps {
  /** E-mail subscribed to the alert topic (context `tokentrail:alarmEmail`). @default none */
  readonly alarmEmail?: string;
  /** Tag keys rolled up too, comma-separated (context `tokentrail:rollupTagKeys`). @default none */
  readonly rollupTagKeys?: string;
  /**
   * Secrets Manager secret with the providers' admin keys and which accounts belong to which
   * project (context `tokentrail:providerAdminSecretName`).
   * @default 'tokentrail/provider-admin'
   */
  readonly providerAdminSecretName?: string;
  /**
   * Slices the rollup map sums at once (context `tokentrail:rollupMapConcurrency`).
   * @default DEFAULT_SCALE_SETTINGS.mapConcurrency
   */
  readonly mapConcurrency?: number;
}

/**
 * Rollups, anomalies and budgets: the rollup job (hourly and daily schedules from the catalog),
 * the on-demand anomaly job, the analytics API, and the alert topic that anomaly and budget
 * notifications go to (with EventBridge events on the default bus, source `tokentrail`).
 * Each function gets exactly the actions it calls, on exactly the resources it touches.
 */
export class Analytics extends Construct {
  public readonly alertTopic: sns.Topic;
  public readonly rollupFunction: lambda.Function;
  public readonly anomalyFunction: lambda.Function;
  public readonly insightsFunction: lambda.Function;
  public readonly reconcileFunction: lambda.Function;
  /** Plan → distributed map over project day × shard × hour slices → reduce. */
  public readonly rollupStateMachine: sfn.StateMachine;

  public constructor(scope: FeatureScope, id: string, props: AnalyticsProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const { ledgerTable, keysTable, payloadBucket } = scope.storage;

    this.alertTopic = new sns.Topic(this, 'AlertTopic', {
      displayName: 'tokentrail cost anomalies and budget thresholds',
      enforceSSL: true,
      // The AWS managed key for SNS: encrypted at rest, no key to administer.
      masterKey: kms.Alias.fromAliasName(this, 'AlertTopicKey', 'alias/aws/sns'),
    });
    if (props.alarmEmail) {
      this.alertTopic.addSubscription(
        new subscriptions.EmailSubscription(props.alarmEmail, { deadLetterQueue: scope.failureQueue.queue }),
      );
    }

    const defaultBusArn = Stack.of(this).formatArn({
      service: 'events',
      resource: 'event-bus',
      resourceName: 'default',
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    const dayIndexArn = `${ledgerTable.tableArn}/index/${ledgerIndex('byDay').indexName}`;
    const allow = (fn: lambda.IFunction, actions: string[], resources: string[]) =>
      fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources }));
    const notifies = (fn: lambda.Function) => {
      fn.addEnvironment(NOTIFY_ENV.topicArn, this.alertTopic.topicArn);
      fn.addEnvironment(NOTIFY_ENV.eventBus, 'default');
      allow(fn, ['sns:Publish'], [this.alertTopic.topicArn]);
      allow(fn, ['events:PutEvents'], [defaultBusArn]);
    };

    // Rollup: reads the day index, replaces rollup items, reads settings, raises budget events,
    // and (daily) writes anomalies.
    this.rollupFunction = scope.addFunction(ROLLUP_FUNCTION);
    if (props.rollupTagKeys)
      this.rollupFunction.addEnvironment(ANALYTICS_ENV.rollupTagKeys, props.rollupTagKeys);
    allow(
      this.rollupFunction,
      [
        'dynamodb:Query',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:BatchWriteItem',
      ],
      [ledgerTable.tableArn],
    );
    allow(this.rollupFunction, ['dynamodb:Query'], [dayIndexArn]);
    const runObjects = payloadBucket.arnForObjects(`${ROLLUP_RUN_PREFIX}*`);
    allow(this.rollupFunction, ['s3:PutObject', 's3:GetObject'], [runObjects]);
    notifies(this.rollupFunction);
    acknowledge(
      stack,
      `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(this.rollupFunction.node.defaultChild as CfnResource)}.Arn>:*]`,
      'The state machine may invoke the rollup function and its versions; it can invoke nothing else.',
    );
    acknowledge(
      this.rollupFunction,
      `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(payloadBucket.node.defaultChild as CfnResource)}.Arn>/${ROLLUP_RUN_PREFIX}*]`,
      'Rollup runs write a fresh key per run and slice; access is limited to the rollup-runs prefix.',
    );
    this.rollupStateMachine = this.rollupMap(scope, this.rollupFunction, props.mapConcurrency);

    // Anomaly: reads daily rollups and active-project marks, upserts anomalies.
    this.anomalyFunction = scope.addFunction(ANOMALY_FUNCTION);
    allow(this.anomalyFunction, ['dynamodb:Query', 'dynamodb:UpdateItem'], [ledgerTable.tableArn]);
    notifies(this.anomalyFunction);

    // Reconcile: reads daily rollups and settings, reads the provider admin secret (created by
    // the user, so admin keys never pass through CloudFormation), replaces its items, upserts anomalies.
    this.reconcileFunction = scope.addFunction(RECONCILE_FUNCTION);
    const adminSecretName = props.providerAdminSecretName ?? DEFAULT_PROVIDER_ADMIN_SECRET_NAME;
    this.reconcileFunction.addEnvironment(PROVIDER_ACCOUNTS_ENV.secretName, adminSecretName);
    secretsmanager.Secret.fromSecretNameV2(this, 'ProviderAdminSecret', adminSecretName).grantRead(
      this.reconcileFunction,
    );
    allow(
      this.reconcileFunction,
      ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'],
      [ledgerTable.tableArn],
    );
    notifies(this.reconcileFunction);

    // API: authenticates keys, reads rollups/anomalies/reconciliation/budget events, resolves anomalies, saves the budget.
    this.insightsFunction = scope.addFunction(INSIGHTS_FUNCTION);
    allow(this.insightsFunction, ['dynamodb:GetItem'], [keysTable.tableArn]);
    allow(
      this.insightsFunction,
      ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
      [ledgerTable.tableArn],
    );

    new CfnOutput(stack, 'RollupStateMachineArn', {
      value: this.rollupStateMachine.stateMachineArn,
      description: 'Rollup runs (plan → distributed map over slices → reduce); the schedules start it',
    });
    new CfnOutput(stack, 'AlertTopicArn', {
      value: this.alertTopic.topicArn,
      description:
        'Cost anomaly and budget notifications (subscribe with -c tokentrail:alarmEmail=<address>)',
    });
  }

  /**
   * The rollup state machine: `plan` lists the slices into the bucket, a distributed map sums
   * them (`MaxConcurrency` from `tokentrail:rollupMapConcurrency`; a slice retried on failure
   * overwrites its own partial), `reduce` merges each day and writes its rollups. The catalog's
   * rollup schedules start it, each retried by the scheduler and never by Lambda's own async retries.
   */
  private rollupMap(
    scope: FeatureScope,
    fn: lambda.Function,
    mapConcurrency = DEFAULT_SCALE_SETTINGS.mapConcurrency,
  ): sfn.StateMachine {
    const stack = Stack.of(this);
    const invoke = (id: string, payload: Record<string, unknown>) =>
      new tasks.LambdaInvoke(this, id, {
        lambdaFunction: fn,
        payload: sfn.TaskInput.fromObject(payload),
        payloadResponseOnly: true,
        retryOnServiceExceptions: true,
      });
    const plan = invoke('Plan', { step: 'plan', input: sfn.JsonPath.objectAt('$') });
    const slice = invoke('SumSlice', {
      step: 'slice',
      runId: sfn.JsonPath.stringAt('$.runId'),
      tagKeys: sfn.JsonPath.listAt('$.tagKeys'),
      slice: sfn.JsonPath.objectAt('$.slice'),
    }).addRetry({ errors: ['States.ALL'], maxAttempts: 3, interval: Duration.seconds(5), backoffRate: 2 });
    const map = new sfn.DistributedMap(this, 'SumSlices', {
      maxConcurrency: mapConcurrency,
      itemReader: new sfn.S3JsonItemReader({
        bucket: scope.storage.payloadBucket,
        key: sfn.JsonPath.stringAt('$.slicesKey'),
      }),
      itemSelector: {
        runId: sfn.JsonPath.stringAt('$.runId'),
        tagKeys: sfn.JsonPath.listAt('$.tagKeys'),
        slice: sfn.JsonPath.objectAt('$$.Map.Item.Value'),
      },
      resultPath: sfn.JsonPath.DISCARD,
      toleratedFailurePercentage: 0,
      // A slice takes seconds to a few minutes: express children cost a request each, not transitions.
      mapExecutionType: sfn.StateMachineType.EXPRESS,
    });
    map.itemProcessor(slice);
    const reduce = invoke('Reduce', { step: 'reduce', plan: sfn.JsonPath.objectAt('$') });
    const logGroup = new logs.LogGroup(this, 'RollupStateMachineLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const machine = new sfn.StateMachine(this, 'RollupStateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(plan.next(map).next(reduce)),
      timeout: Duration.hours(2),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    const bucketId = stack.getLogicalId(scope.storage.payloadBucket.node.defaultChild as CfnResource);
    acknowledge(
      machine,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<${bucketId}>/*]`,
      "The map's item reader reads the slice list a run names at run time (under rollup-runs/); CDK grants it on the bucket's objects.",
    );
    acknowledge(
      machine,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray trace segments cannot be scoped to a resource.',
    );
    const executions = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${stack.getLogicalId(machine.node.defaultChild as CfnResource)}"}]}]}`;
    for (const suffix of [':*', '/*:*']) {
      acknowledge(
        machine,
        `AwsSolutions-IAM5[Resource::${executions}${suffix}]`,
        "A distributed map manages its own child executions; the policy is limited to this state machine's executions.",
      );
    }
    ROLLUP_FUNCTION.schedules?.forEach((schedule, index) => {
      new scheduler.Schedule(this, `RollupSchedule${index}`, {
        schedule: scheduler.ScheduleExpression.expression(schedule.expression),
        description: schedule.description,
        target: new targets.StepFunctionsStartExecution(machine, {
          input: scheduler.ScheduleTargetInput.fromObject(schedule.input ?? {}),
          retryAttempts: 2,
          deadLetterQueue: scope.failureQueue.queue,
        }),
      });
    });
    return machine;
  }
}
