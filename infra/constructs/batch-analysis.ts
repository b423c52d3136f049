import type { CfnResource } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ANALYSIS_DEFAULTS, ANALYSIS_ENV } from '../../shared/analysis/jobs/settings';
import { DEFAULT_OPENAI_SECRET_NAME, OPENAI_ENV } from '../../shared/aws/openai-key';
import { PAYLOAD_PREFIX } from '../../shared/ledger/keys';
import { LEDGER_TABLE } from '../../shared/ledger/tables';
import { ANALYSIS_ADMIN_FUNCTION, BATCH_CREATOR_FUNCTION, BATCH_POLLER_FUNCTION } from '../catalog';
import type { TokentrailStack } from '../stack';
import { acknowledge } from './acknowledge';

export interface BatchAnalysisProps {
  /** Secrets Manager secret holding the OpenAI key(s); default context `tokentrail:openAiSecretName`, else `tokentrail/openai`. */
  openAiSecretName?: string;
  /** Job thresholds; defaults from context `tokentrail:analysisMinBatchSize`, `…MaxWaitSeconds`, `…MaxAttempts`. */
  minBatchSize?: number;
  maxWaitSeconds?: number;
  maxAttempts?: number;
}

/**
 * Offline analysis through the OpenAI Batch API: the batch creator (every 10 minutes) and the
 * batch poller (every 2 minutes) from the catalog's schedules, the analysis admin API, and read
 * access to an existing OpenAI key secret (created outside the stack, so the key never passes
 * through CloudFormation). Each function gets exactly the actions it calls, on the ledger table
 * and the analysis indexes only.
 */
export class BatchAnalysis extends Construct {
  public readonly creatorFunction: lambda.Function;
  public readonly pollerFunction: lambda.Function;
  public readonly adminFunction: lambda.Function;
  public readonly openAiSecret: secretsmanager.ISecret;

  public constructor(stack: TokentrailStack, id: string, props: BatchAnalysisProps = {}) {
    super(stack, id);
    const { ledgerTable, keysTable, payloadBucket } = stack.storage;
    const context = (key: string) =>
      stack.node.tryGetContext(`tokentrail:${key}`) as string | number | undefined;
    const secretName =
      props.openAiSecretName ?? String(context('openAiSecretName') ?? DEFAULT_OPENAI_SECRET_NAME);
    this.openAiSecret = secretsmanager.Secret.fromSecretNameV2(this, 'OpenAiSecret', secretName);

    const index = (name: string) =>
      `${ledgerTable.tableArn}/index/${LEDGER_TABLE.globalSecondaryIndexes.find((candidate) => candidate.indexName === name)!.indexName}`;
    const workIndex = index('byWork');
    const statusIndex = index('byAnalysisStatus');
    const allow = (fn: lambda.IFunction, actions: string[], resources: string[]) =>
      fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources }));
    const jobEnvironment = {
      [OPENAI_ENV.secretName]: secretName,
      [ANALYSIS_ENV.minBatchSize]: String(
        props.minBatchSize ?? context('analysisMinBatchSize') ?? ANALYSIS_DEFAULTS.minBatchSize,
      ),
      [ANALYSIS_ENV.maxWaitSeconds]: String(
        props.maxWaitSeconds ?? context('analysisMaxWaitSeconds') ?? ANALYSIS_DEFAULTS.maxWaitSeconds,
      ),
      [ANALYSIS_ENV.maxAttempts]: String(
        props.maxAttempts ?? context('analysisMaxAttempts') ?? ANALYSIS_DEFAULTS.maxAttempts,
      ),
    };

    // Creator: work index queries, request/batch/counter writes (transactions need Put/Update per item),
    // interactions and their offloaded payloads read to build the (redacted) analysis text.
    this.creatorFunction = stack.addFunction(BATCH_CREATOR_FUNCTION);
    allow(
      this.creatorFunction,
      [
        'dynamodb:Query',
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
      ],
      [ledgerTable.tableArn],
    );
    allow(this.creatorFunction, ['dynamodb:Query'], [workIndex]);
    allow(this.creatorFunction, ['s3:GetObject'], [payloadBucket.arnForObjects(`${PAYLOAD_PREFIX}*`)]);
    acknowledge(
      this.creatorFunction,
      `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(payloadBucket.node.defaultChild as CfnResource)}.Arn>/${PAYLOAD_PREFIX}*]`,
      'The creator reads redacted payload objects, keyed by interaction id, under the payloads prefix only.',
    );

    // Poller: work index queries, request/batch/counter/interaction updates.
    this.pollerFunction = stack.addFunction(BATCH_POLLER_FUNCTION);
    allow(
      this.pollerFunction,
      ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem'],
      [ledgerTable.tableArn],
    );
    allow(this.pollerFunction, ['dynamodb:Query'], [workIndex]);

    for (const fn of [this.creatorFunction, this.pollerFunction]) {
      for (const [name, value] of Object.entries(jobEnvironment)) fn.addEnvironment(name, value);
      this.openAiSecret.grantRead(fn);
    }

    // Admin API: key lookup, settings, counters, request list (status index), requeue, batches.
    this.adminFunction = stack.addFunction(ANALYSIS_ADMIN_FUNCTION);
    allow(this.adminFunction, ['dynamodb:GetItem'], [keysTable.tableArn]);
    allow(
      this.adminFunction,
      ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem'],
      [ledgerTable.tableArn],
    );
    allow(this.adminFunction, ['dynamodb:Query'], [statusIndex]);
  }
}
