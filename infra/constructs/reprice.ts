import { CfnOutput, type CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { acknowledge } from './acknowledge';

export interface RepriceDayMapProps {
  /** The reprice function (functions/reprice): it answers the `plan`, `slice` and `finish` steps. */
  repriceFunction: lambda.IFunction;
  /**
   * Slices repriced at once: by default the `byDay` shard count, so the slices running at once
   * (interleaved by shard) write one slice's worth to each partition (npm run scale-model).
   */
  maxConcurrency: number;
}

/** Longest a day reprice may run: a full rewrite of 100M interactions takes ~5 h (npm run scale-model). */
export const REPRICE_RUN_TIMEOUT_HOURS = 24;

/**
 * `reprice --date` at scale: plan → a distributed map over the day's slices (one `byDay` shard
 * × a block of UTC hours each, for every project of the run) → finish (sums the slices' totals).
 * A slice stops short of the function's timeout and answers `done: false`, and its child
 * execution invokes it again until done, so no slice is bounded by one invocation; a failed
 * invocation is retried and resumes from the slice's persisted progress. Started on demand
 * (output `RepriceStateMachineArn`, input `{"date": "YYYY-MM-DD", "model"?, "project"?}`).
 */
export class RepriceDayMap extends Construct {
  public readonly stateMachine: sfn.StateMachine;

  public constructor(scope: Construct, id: string, props: RepriceDayMapProps) {
    super(scope, id);
    const fn = props.repriceFunction;
    const invoke = (name: string, payload: Record<string, unknown>, resultPath?: string) =>
      new tasks.LambdaInvoke(this, name, {
        lambdaFunction: fn,
        payload: sfn.TaskInput.fromObject(payload),
        payloadResponseOnly: true,
        retryOnServiceExceptions: true,
        ...(resultPath ? { resultPath } : {}),
      });

    const plan = invoke('Plan', { step: 'plan', input: sfn.JsonPath.objectAt('$') });
    const slice = invoke(
      'RepriceSlice',
      {
        step: 'slice',
        runId: sfn.JsonPath.stringAt('$.runId'),
        date: sfn.JsonPath.stringAt('$.date'),
        filter: sfn.JsonPath.objectAt('$.filter'),
        projects: sfn.JsonPath.listAt('$.projects'),
        slice: sfn.JsonPath.objectAt('$.slice'),
      },
      '$.result',
    ).addRetry({ errors: ['States.ALL'], maxAttempts: 3, interval: Duration.seconds(10), backoffRate: 2 });
    // A slice left `done: false` (its time ran short) is invoked again; it resumes from its progress.
    const untilDone = new sfn.Choice(this, 'SliceDone?')
      .when(sfn.Condition.booleanEquals('$.result.done', true), new sfn.Succeed(this, 'SliceRepriced'))
      .otherwise(slice);
    const map = new sfn.DistributedMap(this, 'RepriceSlices', {
      maxConcurrency: props.maxConcurrency,
      itemsPath: sfn.JsonPath.stringAt('$.slices'),
      itemSelector: {
        runId: sfn.JsonPath.stringAt('$.runId'),
        date: sfn.JsonPath.stringAt('$.date'),
        filter: sfn.JsonPath.objectAt('$.filter'),
        projects: sfn.JsonPath.listAt('$.projects'),
        slice: sfn.JsonPath.objectAt('$$.Map.Item.Value'),
      },
      resultPath: sfn.JsonPath.DISCARD,
      toleratedFailurePercentage: 0,
      // A slice can take longer than an express child's 5 minutes (several invocations at 100M a day).
      mapExecutionType: sfn.StateMachineType.STANDARD,
    });
    map.itemProcessor(slice.next(untilDone));
    const finish = invoke('Finish', { step: 'finish', plan: sfn.JsonPath.objectAt('$') });

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'RepriceStateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(plan.next(map).next(finish)),
      timeout: Duration.hours(REPRICE_RUN_TIMEOUT_HOURS),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });

    const stack = Stack.of(this);
    acknowledge(
      this.stateMachine,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray trace segments cannot be scoped to a resource.',
    );
    acknowledge(
      stack,
      `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(fn.node.defaultChild as CfnResource)}.Arn>:*]`,
      'The state machine may invoke the reprice function and its versions; it can invoke nothing else.',
    );
    const executions = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${stack.getLogicalId(this.stateMachine.node.defaultChild as CfnResource)}"}]}]}`;
    for (const suffix of [':*', '/*:*']) {
      acknowledge(
        this.stateMachine,
        `AwsSolutions-IAM5[Resource::${executions}${suffix}]`,
        "A distributed map manages its own child executions; the policy is limited to this state machine's executions.",
      );
    }
    new CfnOutput(stack, 'RepriceStateMachineArn', {
      value: this.stateMachine.stateMachineArn,
      description:
        'Reprice a day at scale (plan → distributed map over byDay shard × hour slices → finish): start an execution with {"date": "YYYY-MM-DD"}',
    });
  }
}
