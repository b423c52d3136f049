import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { INGEST_FUNCTION, PROCESS_FUNCTION, QUERY_FUNCTION } from '../../infra/catalog';
import { DEFAULT_SCALE_SETTINGS, parseReservedConcurrency } from '../../infra/scale-settings';
import { TokentrailStack } from '../../infra/stack';
import { SHARD_ENV } from '../../shared/ledger/shards';

function synth(context: Record<string, string> = {}): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  return Template.fromStack(new TokentrailStack(app, 'Tokentrail-scale', { stage: 'scale' }));
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
