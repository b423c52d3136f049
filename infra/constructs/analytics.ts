import { ArnFormat, CfnOutput, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { ANALYTICS_ENV } from '../../shared/aws/analytics-jobs';
import { NOTIFY_ENV } from '../../shared/aws/notifications';
import {
  DEFAULT_PROVIDER_ADMIN_SECRET_NAME,
  PROVIDER_ACCOUNTS_ENV,
} from '../../shared/aws/provider-accounts';
import { LEDGER_TABLE } from '../../shared/ledger/tables';
import { ANOMALY_FUNCTION, INSIGHTS_FUNCTION, RECONCILE_FUNCTION, ROLLUP_FUNCTION } from '../catalog';
import type { TokentrailStack } from '../stack';

export interface AnalyticsProps {
  /** E-mail subscribed to the alert topic; default context `tokentrail:alarmEmail` (none when unset). */
  alarmEmail?: string;
  /** Tag keys rolled up too; default context `tokentrail:rollupTagKeys` (comma-separated). */
  rollupTagKeys?: string;
  /**
   * Secrets Manager secret with the providers' admin keys and which accounts belong to which
   * project; default context `tokentrail:providerAdminSecretName`, else `tokentrail/provider-admin`.
   */
  providerAdminSecretName?: string;
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

  public constructor(stack: TokentrailStack, id: string, props: AnalyticsProps = {}) {
    super(stack, id);
    const { ledgerTable, keysTable } = stack.storage;

    this.alertTopic = new sns.Topic(this, 'AlertTopic', {
      displayName: 'tokentrail cost anomalies and budget thresholds',
      enforceSSL: true,
      // The AWS managed key for SNS: encrypted at rest, no key to administer.
      masterKey: kms.Alias.fromAliasName(this, 'AlertTopicKey', 'alias/aws/sns'),
    });
    const alarmEmail =
      props.alarmEmail ?? (stack.node.tryGetContext('tokentrail:alarmEmail') as string | undefined);
    if (alarmEmail) {
      this.alertTopic.addSubscription(
        new subscriptions.EmailSubscription(alarmEmail, { deadLetterQueue: stack.failureQueue.queue }),
      );
    }

    const defaultBusArn = Stack.of(this).formatArn({
      service: 'events',
      resource: 'event-bus',
      resourceName: 'default',
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    const dayIndexArn = `${ledgerTable.tableArn}/index/${LEDGER_TABLE.globalSecondaryIndexes.find((index) => index.indexName === 'byDay')!.indexName}`;
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
    this.rollupFunction = stack.addFunction(ROLLUP_FUNCTION);
    const tagKeys =
      props.rollupTagKeys ?? (stack.node.tryGetContext('tokentrail:rollupTagKeys') as string | undefined);
    if (tagKeys) this.rollupFunction.addEnvironment(ANALYTICS_ENV.rollupTagKeys, tagKeys);
    allow(
      this.rollupFunction,
      [
        'dynamodb:Query',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:BatchWriteItem',
      ],
      [ledgerTable.tableArn],
    );
    allow(this.rollupFunction, ['dynamodb:Query'], [dayIndexArn]);
    notifies(this.rollupFunction);

    // Anomaly: reads daily rollups and active-project marks, upserts anomalies.
    this.anomalyFunction = stack.addFunction(ANOMALY_FUNCTION);
    allow(this.anomalyFunction, ['dynamodb:Query', 'dynamodb:UpdateItem'], [ledgerTable.tableArn]);
    notifies(this.anomalyFunction);

    // Reconcile: reads daily rollups and settings, reads the provider admin secret (created by
    // the user, so admin keys never pass through CloudFormation), replaces its items, upserts anomalies.
    this.reconcileFunction = stack.addFunction(RECONCILE_FUNCTION);
    const adminSecretName =
      props.providerAdminSecretName ??
      String(
        stack.node.tryGetContext('tokentrail:providerAdminSecretName') ?? DEFAULT_PROVIDER_ADMIN_SECRET_NAME,
      );
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
    this.insightsFunction = stack.addFunction(INSIGHTS_FUNCTION);
    allow(this.insightsFunction, ['dynamodb:GetItem'], [keysTable.tableArn]);
    allow(
      this.insightsFunction,
      ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
      [ledgerTable.tableArn],
    );

    new CfnOutput(stack, 'AlertTopicArn', {
      value: this.alertTopic.topicArn,
      description:
        'Cost anomaly and budget notifications (subscribe with -c tokentrail:alarmEmail=<address>)',
    });
  }
}
