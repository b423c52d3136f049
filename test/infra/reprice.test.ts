/**
 * The day reprice state machine (infra/constructs/reprice.ts): plan → a distributed map over
 * the day's slices with bounded concurrency, each slice invoked until done and retried on
 * failure → finish; on demand only; the hourly unpriced run stays a scheduled invoke.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DEFAULT_SCALE_SETTINGS } from '../../infra/scale-settings';
import { stackFromContext, synthStack } from './support';

type States = Record<string, Record<string, unknown>>;

function repriceMachine(template: Template) {
  const machines = template.findResources('AWS::StepFunctions::StateMachine');
  const [id, machine] = Object.entries(machines).find(([logicalId]) => /RepriceDay/.test(logicalId))!;
  const definition = JSON.parse(
    (machine.Properties.DefinitionString['Fn::Join'][1] as unknown[])
      .map((part) => (typeof part === 'string' ? part : 'ref'))
      .join(''),
  ) as { StartAt: string; States: States; TimeoutSeconds: number };
  return { id, definition };
}

describe('day reprice state machine', () => {
  const { template } = synthStack();
  const { id, definition } = repriceMachine(template);

  it('plans, reprices the slices in a distributed map (one per day shard at once), then finishes', () => {
    expect(definition.StartAt).toBe('Plan');
    expect(definition.States.Plan!.Next).toBe('RepriceSlices');
    const map = definition.States.RepriceSlices as {
      Type: string;
      MaxConcurrency: number;
      ToleratedFailurePercentage?: number;
      ItemsPath: string;
      ItemSelector: Record<string, string>;
      ItemProcessor: {
        ProcessorConfig: { Mode: string; ExecutionType: string };
        StartAt: string;
        States: States;
      };
      ResultPath: unknown;
      Next: string;
    };
    expect(map.Type).toBe('Map');
    expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
    expect(map.MaxConcurrency).toBe(DEFAULT_SCALE_SETTINGS.dayIndexShards);
    expect(map.ToleratedFailurePercentage ?? 0).toBe(0);
    expect(map.ItemsPath).toBe('$.slices');
    expect(map.ItemSelector['slice.$']).toBe('$$.Map.Item.Value');
    expect(map.ResultPath).toBeNull();
    expect(map.Next).toBe('Finish');
    expect(definition.States.Finish!.End).toBe(true);
    expect(definition.TimeoutSeconds).toBe(24 * 3600);
  });

  it('invokes a slice again until it answers done, and retries a failed invocation', () => {
    const processor = (
      definition.States.RepriceSlices as { ItemProcessor: { StartAt: string; States: States } }
    ).ItemProcessor;
    expect(processor.StartAt).toBe('RepriceSlice');
    const slice = processor.States.RepriceSlice as { Retry: unknown[]; Next: string; ResultPath: string };
    expect(slice.Retry).toEqual(
      expect.arrayContaining([expect.objectContaining({ ErrorEquals: ['States.ALL'], MaxAttempts: 3 })]),
    );
    expect(slice.ResultPath).toBe('$.result');
    const choice = processor.States[slice.Next] as {
      Type: string;
      Choices: { Variable: string; BooleanEquals: boolean; Next: string }[];
      Default: string;
    };
    expect(choice.Type).toBe('Choice');
    expect(choice.Choices).toEqual([
      { Variable: '$.result.done', BooleanEquals: true, Next: 'SliceRepriced' },
    ]);
    expect(choice.Default).toBe('RepriceSlice');
  });

  it('is started on demand only; the hourly unpriced run stays a scheduled invoke of the function', () => {
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule'));
    expect(schedules.some((schedule) => JSON.stringify(schedule).includes(id))).toBe(false);
    expect(
      schedules.some(
        (schedule) =>
          JSON.stringify(schedule.Properties.Target.Arn).includes('RepriceFunction') &&
          JSON.parse(schedule.Properties.Target.Input as string).unpricedOnly === true,
      ),
    ).toBe(true);
    template.hasOutput('RepriceStateMachineArn', {});
  });

  it('alarms when a run fails or times out', () => {
    const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm'));
    const [, alarm] = alarms.find(([logicalId]) => /RepriceExecutionsFailed/.test(logicalId))!;
    expect(JSON.stringify(alarm.Properties.Metrics)).toContain(id);
  });

  it('follows the day shard count', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [], 'tokentrail:dayIndexShards': '32' } });
    const custom = Template.fromStack(stackFromContext(app, 'Tokentrail-shards', 'test'));
    const map = repriceMachine(custom).definition.States.RepriceSlices as { MaxConcurrency: number };
    expect(map.MaxConcurrency).toBe(32);
  });
});
