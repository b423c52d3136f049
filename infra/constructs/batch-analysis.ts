import { type CfnResource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { DEFAULT_OPENAI_SECRET_NAME, OPENAI_ENV } from '../../shared/adapters/aws/openai-key';
import { ANALYSIS_DEFAULTS, ANALYSIS_ENV } from '../../shared/domain/batch-analysis/jobs/settings';
import { PAYLOAD_PREFIX } from '../../shared/domain/ledger/objects';
import { type LedgerIndexName, ledgerIndex } from '../../shared/domain/table/layout';
import { ANALYSIS_ADMIN_FUNCTION, BATCH_CREATOR_FUNCTION, BATCH_POLLER_FUNCTION } from '../catalog';
import { acknowledge } from './acknowledge';
import type { FeatureScope } from './scope';

export interface BatchAnalysisProps {
  /**
   * Secrets Manager secret holding the OpenAI key(s) (context `tokentrail:openAiSecretName`).
   * @default 'tokentrail/openai'
   */
  readonly openAiSecretName?: string;
  /** Pending requests that make a batch (context `tokentrail:analysisMinBatchSize`). @default 100 */
  readonly minBatchSize?: number;
  /** Longest a request waits for a full batch (context `tokentrail:analysisMaxWaitSeconds`). @default 3600 */
  readonly maxWaitSeconds?: number;
  /** Attempts before a request fails for good (context `tokentrail:analysisMaxAttempts`). @default 3 */
  readonly maxAttempts?: number;
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

  public constructor(scope: FeatureScope, id: string, props: BatchAnalysisProps = {}) {
    super(scope, id);
    const { ledgerTable, keysTable, payloadBucket } = scope.storage;
    const secretName = props.openAiSecretName ?? DEFAULT_OPENAI_SECRET_NAME;
    this.openAiSecret = secretsmanager.Secret.fromSecretNameV2(this, 'OpenAiSecret', secretName);

    const index = (name: LedgerIndexName) => `${ledgerTable.tableArn}/index/${ledgerIndex(name).indexName}`;
    const workIndex = index('byWork');
    const statusIndex = index('byAnalysisStatus');
    const allow = (fn: lambda.IFunction, actions: string[], resources: string[]) =>
      fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources }));
    const jobEnvironment = {
      [OPENAI_ENV.secretName]: secretName,
      [ANALYSIS_ENV.minBatchSize]: String(props.minBatchSize ?? ANALYSIS_DEFAULTS.minBatchSize),
      [ANALYSIS_ENV.maxWaitSeconds]: String(props.maxWaitSeconds ?? ANALYSIS_DEFAULTS.maxWaitSeconds),
      [ANALYSIS_ENV.maxAttempts]: String(props.maxAttempts ?? ANALYSIS_DEFAULTS.maxAttempts),
    };

    // Creator: work index queries, request/batch/counter writes (transactions need Put/Update per item),
    // interactions and their offloaded payloads read to build the (redacted) analysis text.
    this.creatorFunction = scope.addFunction(BATCH_CREATOR_FUNCTION);
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
      `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(payloadBucket.node.defaultChild as CfnResource)}.Arn>/${PAYLOAD_PREFIX}*]`,
      'The creator reads redacted payload objects, keyed by interaction id, under the payloads prefix only.',
    );

    // Poller: work index queries, request/batch/counter/interaction updates.
    this.pollerFunction = scope.addFunction(BATCH_POLLER_FUNCTION);
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
    this.adminFunction = scope.addFunction(ANALYSIS_ADMIN_FUNCTION);
    allow(this.adminFunction, ['dynamodb:GetItem'], [keysTable.tableArn]);
    allow(
      this.adminFunction,
      ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem'],
      [ledgerTable.tableArn],
    );
    allow(this.adminFunction, ['dynamodb:Query'], [statusIndex]);
  }
}
