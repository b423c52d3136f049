/**
 * What the feature and monitoring constructs need from the stack they live in, as small
 * interfaces (after cdk-monitoring-constructs' `MonitoringScope`): TokentrailStack implements
 * both, and a test builds one construct in a bare stack that implements only what it needs
 * (test/infra/constructs/). No construct imports the stack.
 */
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { IConstruct } from 'constructs';
import type { FunctionSpec } from '../catalog';

/** The ledger's durable state (see Storage). */
export interface StorageResources {
  readonly ledgerTable: dynamodb.ITableV2;
  readonly keysTable: dynamodb.ITableV2;
  readonly payloadBucket: s3.IBucket;
}

/** Where failed job runs, undeliverable schedules and notifications are kept (see FailureQueue). */
export interface FailureResources {
  readonly queue: sqs.IQueue;
}

/**
 * The scope of a feature construct (Analytics, BatchAnalysis): the shared storage, the failure
 * queue, and a factory that adds a function from its catalog spec with the shared environment,
 * its routes and its job wiring. The feature then grants what its functions call.
 */
export interface FeatureScope extends IConstruct {
  readonly storage: StorageResources;
  readonly failureQueue: FailureResources;
  /** Adds one function from its catalog spec (routes, schedules, shared environment). */
  addFunction(spec: FunctionSpec): lambda.Function;
}

/**
 * The scope of the monitoring construct (Observability): everything it charts and alarms on.
 * It reads the functions and state machines after the feature constructs added theirs.
 */
export interface MonitoringScope extends IConstruct {
  readonly storage: Pick<StorageResources, 'ledgerTable' | 'keysTable'>;
  readonly failureQueue: FailureResources;
  readonly ingestQueue: { readonly queue: sqs.IQueue; readonly deadLetterQueue: sqs.IQueue };
  readonly httpApi: { readonly api: apigw.IHttpApi };
  /** Every function by catalog name. */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  /** Every job state machine by catalog name (e.g. `rollup`): failed or timed-out runs alarm. */
  readonly stateMachines: Readonly<Record<string, sfn.IStateMachine>>;
}
