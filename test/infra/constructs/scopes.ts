/**
 * Bare test stacks that implement the scope interfaces of infra/constructs/scope.ts with the
 * fewest resources, so one construct synthesizes alone (no TokentrailStack). Bundling is
 * skipped (`aws:cdk:bundling-stacks` empty), as in the whole-stack tests.
 */
import { App, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { FunctionSpec } from '../../../infra/catalog';
import { LambdaFunction } from '../../../infra/constructs/lambda-function';
import type { FeatureScope, MonitoringScope, StorageResources } from '../../../infra/constructs/scope';

function bareApp(): App {
  return new App({ context: { 'aws:cdk:bundling-stacks': [] } });
}

function storageIn(stack: Stack): StorageResources {
  const table = (id: string) =>
    new dynamodb.TableV2(stack, id, { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
  return {
    ledgerTable: table('Ledger'),
    keysTable: table('Keys'),
    payloadBucket: new s3.Bucket(stack, 'Payloads'),
  };
}

/** A stack with two tables, a bucket and a failure queue; functions are added from their specs. */
export class BareFeatureScope extends Stack implements FeatureScope {
  public readonly storage: StorageResources;
  public readonly failureQueue: { readonly queue: sqs.IQueue };
  public readonly added: Record<string, lambda.Function> = {};

  public constructor(app: App = bareApp(), id = 'BareFeatureScope') {
    super(app, id);
    this.storage = storageIn(this);
    this.failureQueue = { queue: new sqs.Queue(this, 'Failures') };
  }

  public addFunction(spec: FunctionSpec): lambda.Function {
    const fn = new LambdaFunction(this, `${spec.name}Function`, {
      spec,
      environment: {},
      logRetention: logs.RetentionDays.ONE_DAY,
    }).function;
    this.added[spec.name] = fn;
    return fn;
  }
}

/** A stack with what the monitoring construct watches: tables, queues, an API, functions, a state machine. */
export class BareMonitoringScope extends Stack implements MonitoringScope {
  public readonly storage: StorageResources;
  public readonly failureQueue: { readonly queue: sqs.IQueue };
  public readonly ingestQueue: { readonly queue: sqs.IQueue; readonly deadLetterQueue: sqs.IQueue };
  public readonly httpApi: { readonly api: apigw.IHttpApi };
  public readonly functions: Record<string, lambda.IFunction> = {};
  public readonly stateMachines: Record<string, sfn.IStateMachine> = {};

  public constructor(functionNames: string[], stateMachineNames: string[], app: App = bareApp()) {
    super(app, 'BareMonitoringScope');
    this.storage = storageIn(this);
    this.failureQueue = { queue: new sqs.Queue(this, 'Failures') };
    this.ingestQueue = { queue: new sqs.Queue(this, 'Ingest'), deadLetterQueue: new sqs.Queue(this, 'Dead') };
    this.httpApi = { api: new apigw.HttpApi(this, 'Api') };
    for (const name of functionNames) {
      this.functions[name] = new lambda.Function(this, `${name}Function`, {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => {};'),
      });
    }
    for (const name of stateMachineNames) {
      this.stateMachines[name] = new sfn.StateMachine(this, `${name}StateMachine`, {
        definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(this, `${name}Pass`)),
      });
    }
  }
}

/** The environment variables of the function with this description. */
export function variablesOf(template: Template, description: string): Record<string, unknown> {
  const [fn] = Object.values(
    template.findResources('AWS::Lambda::Function', { Properties: { Description: description } }),
  );
  return (fn?.Properties.Environment?.Variables ?? {}) as Record<string, unknown>;
}
