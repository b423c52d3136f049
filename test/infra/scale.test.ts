import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { INGEST_FUNCTION, PROCESS_FUNCTION, QUERY_FUNCTION, ROLLUP_FUNCTION } from '../../infra/catalog';
import { DEFAULT_SCALE_SETTINGS, parseReservedConcurrency } from '../../infra/scale-settings';
import { SHARD_ENV } from '../../shared/domain/table/shards';
import { stackFromContext } from './support';

function synth(context: Record<string, string> = {}): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  return Template.fromStack(stackFromContext(app, 'Tokentrail-scale', 'scale'));
}

const functionNamed = (template: Template, description: string) => {
  const [fn] = Object.values(
    template.findResources('AWS::Lambda::Function', { Properties: { Description: description } }),
  );
  return fn!.Properties as Record<string, unknown> & {
    Environment: { Variables: Record<string, string> };
  };
};

describe('scale settings in the template', () => {
  const template = synth();

  it('caps the ingest queue mapping with MaximumConcurrency', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: PROCESS_FUNCTION.queue!.batchSize,
      ScalingConfig: { MaximumConcurrency: DEFAULT_SCALE_SETTINGS.processMaxConcurrency },
    });
  });

  it('reserves no concurrency by default (a new account with a quota of 10 could not deploy)', () => {
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
    }
  });

  it('hands every function the shard counts, so writers and readers agree', () => {
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      const variables = (fn.Properties.Environment?.Variables ?? {}) as Record<string, string>;
      if (!variables.POWERTOOLS_SERVICE_NAME) continue; // CDK's own helper functions
      expect(variables[SHARD_ENV.dayIndex]).toBe(String(DEFAULT_SCALE_SETTINGS.dayIndexShards));
      expect(variables[SHARD_ENV.workIndex]).toBe(String(DEFAULT_SCALE_SETTINGS.workIndexShards));
    }
  });

  it('has the sparse byOpen index the sweep reads (keys only)', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({
          IndexName: 'byOpen',
          KeySchema: [
            { AttributeName: 'openPk', KeyType: 'HASH' },
            { AttributeName: 'daySk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        }),
      ]),
    });
  });

  describe('rollup state machine', () => {
    const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    const definition = JSON.parse(
      (machine!.Properties.DefinitionString['Fn::Join'][1] as unknown[])
        .map((part) => (typeof part === 'string' ? part : 'ref'))
        .join(''),
    ) as { StartAt: string; States: Record<string, Record<string, unknown>> };

    it('plans, sums the slices in a distributed map with bounded concurrency, then reduces', () => {
      expect(definition.StartAt).toBe('Plan');
      const map = definition.States.SumSlices as {
        Type: string;
        MaxConcurrency: number;
        ToleratedFailurePercentage: number;
        ItemReader: {
          Resource: string;
          ReaderConfig: { InputType: string };
          Parameters: Record<string, string>;
        };
        ItemProcessor: {
          ProcessorConfig: { Mode: string; ExecutionType: string };
          States: Record<string, { Retry?: unknown[] }>;
        };
        Next: string;
      };
      expect(map.Type).toBe('Map');
      expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' });
      expect(map.MaxConcurrency).toBe(DEFAULT_SCALE_SETTINGS.mapConcurrency);
      expect(map.ToleratedFailurePercentage ?? 0).toBe(0); // absent means none tolerated
      expect(map.ItemReader.ReaderConfig.InputType).toBe('JSON');
      expect(map.ItemReader.Parameters['Key.$']).toBe('$.slicesKey');
      expect(map.Next).toBe('Reduce');
      // A failed slice is retried (it overwrites its own partial), never skipped.
      expect(map.ItemProcessor.States.SumSlice!.Retry).toEqual(
        expect.arrayContaining([expect.objectContaining({ ErrorEquals: ['States.ALL'], MaxAttempts: 3 })]),
      );
    });

    it('is what the rollup schedules start (retried by the scheduler), not the function', () => {
      const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule')).filter((schedule) =>
        ROLLUP_FUNCTION.schedules!.some((spec) => spec.description === schedule.Properties.Description),
      );
      expect(schedules).toHaveLength(ROLLUP_FUNCTION.schedules!.length);
      for (const schedule of schedules) {
        expect(JSON.stringify(schedule.Properties.Target.Arn)).toContain('RollupStateMachine');
        expect(schedule.Properties.Target.RetryPolicy.MaximumRetryAttempts).toBe(2);
      }
    });

    it('takes its map concurrency from context', () => {
      const custom = synth({ 'tokentrail:rollupMapConcurrency': '200' });
      const [customMachine] = Object.values(custom.findResources('AWS::StepFunctions::StateMachine'));
      expect(JSON.stringify(customMachine!.Properties.DefinitionString)).toContain(
        '\\"MaxConcurrency\\":200',
      );
    });
  });

  it('takes shard counts, queue concurrency and reservations from context', () => {
    const custom = synth({
      'tokentrail:dayIndexShards': '32',
      'tokentrail:workIndexShards': '4',
      'tokentrail:processMaxConcurrency': '20',
      'tokentrail:reservedConcurrency': 'ingest=50,query=10',
    });
    custom.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: 20 },
    });
    const ingest = functionNamed(custom, INGEST_FUNCTION.description);
    expect(ingest.ReservedConcurrentExecutions).toBe(50);
    expect(ingest.Environment.Variables[SHARD_ENV.dayIndex]).toBe('32');
    expect(ingest.Environment.Variables[SHARD_ENV.workIndex]).toBe('4');
    expect(functionNamed(custom, QUERY_FUNCTION.description).ReservedConcurrentExecutions).toBe(10);
    expect(functionNamed(custom, PROCESS_FUNCTION.description).ReservedConcurrentExecutions).toBeUndefined();
  });

  it('refuses settings that would break readers or name no function', () => {
    expect(() => synth({ 'tokentrail:dayIndexShards': '4' })).toThrow(/dayIndexShards/);
    expect(() => synth({ 'tokentrail:processMaxConcurrency': '1' })).toThrow(/processMaxConcurrency/);
    expect(() => synth({ 'tokentrail:reservedConcurrency': 'ingset=5' })).toThrow(/ingset/);
    expect(() => parseReservedConcurrency('ingest=0')).toThrow(/ingest=0/);
  });

  it('gives provisioned tables read and write floors and ceilings from the settings', () => {
    const provisioned = synth({ 'tokentrail:billing': 'provisioned' });
    provisioned.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PROVISIONED',
      WriteProvisionedThroughputSettings: {
        WriteCapacityAutoScalingSettings: Match.objectLike({
          MinCapacity: DEFAULT_SCALE_SETTINGS.minWriteCapacity,
          MaxCapacity: DEFAULT_SCALE_SETTINGS.maxWriteCapacity,
        }),
      },
      Replicas: Match.arrayWith([
        Match.objectLike({
          ReadProvisionedThroughputSettings: {
            ReadCapacityAutoScalingSettings: Match.objectLike({
              MinCapacity: DEFAULT_SCALE_SETTINGS.minReadCapacity,
              MaxCapacity: DEFAULT_SCALE_SETTINGS.maxReadCapacity,
            }),
          },
        }),
      ]),
    });
  });
});
