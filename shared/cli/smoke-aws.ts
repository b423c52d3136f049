/**
 * The parts of `tokentrail smoke` only a deployed stack has: its dashboard and alarms
 * (CloudWatch, found through the stack's resources) and alarm delivery, proven end to end by
 * setting an alarm's state and receiving the notification on a throwaway SQS subscription of
 * the alarm topic.
 */
import { randomBytes } from 'node:crypto';
import {
  CloudFormationClient,
  DescribeStacksCommand,
  paginateListStackResources,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetDashboardCommand,
  type MetricAlarm,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { SNSClient, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';

export interface DeployedStack {
  outputs: Record<string, string>;
  resources: StackResourceSummary[];
}

/** The stack's outputs and resources. */
export async function describeDeployedStack(stackName: string): Promise<DeployedStack> {
  const cloudFormation = new CloudFormationClient({});
  try {
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    const outputs = Object.fromEntries(
      (Stacks?.[0]?.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']),
    );
    const resources: StackResourceSummary[] = [];
    for await (const page of paginateListStackResources(
      { client: cloudFormation },
      { StackName: stackName },
    )) {
      resources.push(...(page.StackResourceSummaries ?? []));
    }
    return { outputs, resources };
  } finally {
    cloudFormation.destroy();
  }
}

const physicalIds = (stack: DeployedStack, type: string) =>
  stack.resources
    .filter((resource) => resource.ResourceType === type)
    .map((resource) => resource.PhysicalResourceId ?? '');

/**
 * Checks that the stack's dashboard exists and that every alarm exists and notifies the alarm
 * topic; answers a one-line summary, or throws naming what is missing.
 */
export async function checkDashboardAndAlarms(stack: DeployedStack): Promise<string> {
  const cloudWatch = new CloudWatchClient({});
  try {
    const dashboards = physicalIds(stack, 'AWS::CloudWatch::Dashboard');
    if (dashboards.length === 0) throw new Error('the stack has no dashboard');
    for (const name of dashboards) await cloudWatch.send(new GetDashboardCommand({ DashboardName: name }));
    const names = physicalIds(stack, 'AWS::CloudWatch::Alarm');
    if (names.length === 0) throw new Error('the stack has no alarms');
    const alarms = await describeAlarms(cloudWatch, names);
    const missing = names.filter((name) => !alarms.some((alarm) => alarm.AlarmName === name));
    if (missing.length > 0) throw new Error(`alarms missing in CloudWatch: ${missing.join(', ')}`);
    const topic = stack.outputs.AlarmTopicArn;
    const silent = alarms.filter((alarm) => !alarm.AlarmActions?.includes(topic ?? ''));
    if (silent.length > 0)
      throw new Error(
        `alarms that do not notify the alarm topic: ${silent.map((a) => a.AlarmName).join(', ')}`,
      );
    return `dashboard ${dashboards.join(', ')}; ${alarms.length} alarms, each notifying the alarm topic`;
  } finally {
    cloudWatch.destroy();
  }
}

async function describeAlarms(cloudWatch: CloudWatchClient, names: string[]): Promise<MetricAlarm[]> {
  const alarms: MetricAlarm[] = [];
  for (let offset = 0; offset < names.length; offset += 100) {
    const page = await cloudWatch.send(
      new DescribeAlarmsCommand({ AlarmNames: names.slice(offset, offset + 100) }),
    );
    alarms.push(...(page.MetricAlarms ?? []));
  }
  return alarms;
}

/**
 * Proves an alarm reaches the alarm topic's subscribers: subscribes a new SQS queue to the topic,
 * sets the alarm to ALARM (`set-alarm-state`), waits for CloudWatch's notification on the queue,
 * sets the alarm back to OK, and removes the subscription and the queue whatever happened.
 * Subscribers of the topic (the alarm e-mail) get the ALARM and OK notifications too.
 */
export async function alarmDelivers(
  stack: DeployedStack,
  alarmName: string,
  timeoutMs: number,
): Promise<string> {
  const topicArn = stack.outputs.AlarmTopicArn;
  if (!topicArn) throw new Error('the stack has no AlarmTopicArn output');
  const sqs = new SQSClient({});
  const sns = new SNSClient({});
  const cloudWatch = new CloudWatchClient({});
  let queueUrl: string | undefined;
  let subscriptionArn: string | undefined;
  try {
    const created = await sqs.send(
      new CreateQueueCommand({
        QueueName: `tokentrail-smoke-${randomBytes(4).toString('hex')}`,
        Attributes: { SqsManagedSseEnabled: 'true', MessageRetentionPeriod: '3600' },
      }),
    );
    queueUrl = created.QueueUrl!;
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    const queueArn = Attributes!.QueueArn!;
    await sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: queueUrl,
        Attributes: {
          Policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Service: 'sns.amazonaws.com' },
                Action: 'sqs:SendMessage',
                Resource: queueArn,
                Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
              },
            ],
          }),
        },
      }),
    );
    const subscription = await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: queueArn,
        ReturnSubscriptionArn: true,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
    subscriptionArn = subscription.SubscriptionArn;
    const reason = 'tokentrail smoke test: checking that alarms reach the alarm topic';
    await cloudWatch.send(
      new SetAlarmStateCommand({ AlarmName: alarmName, StateValue: 'ALARM', StateReason: reason }),
    );
    try {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const { Messages } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 10, MaxNumberOfMessages: 10 }),
        );
        for (const message of Messages ?? []) {
          const body = JSON.parse(message.Body ?? '{}') as { AlarmName?: string; NewStateValue?: string };
          if (body.AlarmName === alarmName && body.NewStateValue === 'ALARM') {
            return `${alarmName} set to ALARM; the notification reached a test subscription of the alarm topic`;
          }
        }
      }
      throw new Error(`no notification of ${alarmName} arrived within ${Math.round(timeoutMs / 1000)} s`);
    } finally {
      await cloudWatch.send(
        new SetAlarmStateCommand({ AlarmName: alarmName, StateValue: 'OK', StateReason: `${reason} (done)` }),
      );
    }
  } finally {
    if (subscriptionArn?.startsWith('arn:')) {
      await sns.send(new UnsubscribeCommand({ SubscriptionArn: subscriptionArn })).catch(() => undefined);
    }
    if (queueUrl) await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl })).catch(() => undefined);
    sqs.destroy();
    sns.destroy();
    cloudWatch.destroy();
  }
}

/** The physical name of the stack's alarm whose logical id contains `part` (e.g. `FailuresQueued`). */
export function alarmNamed(stack: DeployedStack, part: string): string | undefined {
  return stack.resources.find(
    (resource) =>
      resource.ResourceType === 'AWS::CloudWatch::Alarm' && resource.LogicalResourceId?.includes(part),
  )?.PhysicalResourceId;
}
