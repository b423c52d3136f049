/**
 * What only shows up in an account: alarms that can be delivered, least privilege (index grants,
 * log permissions, no acknowledgement without a finding), failure destinations for background
 * work, ACL-free buckets, and tracing switched by context.
 */
import { App, type CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { FUNCTIONS } from '../../infra/catalog';
import { stackFromContext, synthStack } from './support';

type Resource = { Properties: Record<string, unknown>; [key: string]: unknown };
type Statement = {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Principal?: unknown;
  Condition?: unknown;
};

const { stack, template } = synthStack();
const logicalId = (construct: IConstruct) =>
  Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnResource);
const failureQueueId = logicalId(stack.failureQueue.queue);

function statementsOfRole(roleId: string): Statement[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as Resource[];
  return policies
    .filter((policy) => (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleId))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

const actionsOf = (statement: Statement) =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];
const resourcesOf = (statement: Statement) =>
  (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]) as unknown[];

/** Index names a role's statements name, by `/index/<name>` in their resources. */
function indexGrants(roleId: string): { index: string; actions: string[] }[] {
  return statementsOfRole(roleId).flatMap((statement) =>
    resourcesOf(statement)
      .map((resource) => /\/index\/([A-Za-z]+)/.exec(JSON.stringify(resource))?.[1])
      .filter((index): index is string => index !== undefined)
      .map((index) => ({ index, actions: actionsOf(statement) })),
  );
}

describe('alarm delivery', () => {
  it('lets CloudWatch alarms of this account publish to the alarm topic, over TLS only', () => {
    const topicId = logicalId(stack.node.findChild('Observability').node.findChild('AlarmTopic'));
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: { 'aws:SourceArn': Match.anyValue() },
            },
          }),
        ]),
      },
    });
    const policy = Object.values(template.findResources('AWS::SNS::TopicPolicy')).find(
      (candidate) => JSON.stringify(candidate.Properties.Topics) === JSON.stringify([{ Ref: topicId }]),
    ) as Resource;
    const allow = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement.find(
      (statement) => statement.Effect === 'Allow',
    )!;
    expect(JSON.stringify(allow.Condition)).toContain(':alarm:*');
  });

  it("has the alert topic and the event bus written by the jobs' own roles only, the topic over TLS only", () => {
    const analytics = stack.node.findChild('Analytics');
    const topicId = logicalId(analytics.node.findChild('AlertTopic'));
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ],
      },
    });
    for (const name of ['rollup', 'anomaly']) {
      const statements = statementsOfRole(logicalId(stack.functions[name]!.role!));
      const publish = statements.find((statement) => actionsOf(statement).includes('sns:Publish'))!;
      expect(publish.Resource).toEqual({ Ref: topicId });
      const events = statements.find((statement) => actionsOf(statement).includes('events:PutEvents'))!;
      expect(JSON.stringify(events.Resource)).toContain(':event-bus/default');
    }
  });
});

describe('least privilege', () => {
  const EXPECTED_INDEXES: Record<string, string[]> = {
    query: ['byDay', 'bySession'],
    admin: ['byUnpriced'],
    reprice: ['byDay', 'byUnpriced'],
    sweep: ['byOpen'],
    rollup: ['byDay'],
    'batch-creator': ['byWork'],
    'batch-poller': ['byWork'],
    'analysis-admin': ['byAnalysisStatus'],
  };

  it.each(FUNCTIONS.map((spec) => spec.name))('grants %s Query on exactly the indexes it reads', (name) => {
    const grants = indexGrants(logicalId(stack.functions[name]!.role!));
    expect([...new Set(grants.map((grant) => grant.index))].sort()).toEqual(EXPECTED_INDEXES[name] ?? []);
    for (const grant of grants) expect(grant.actions).toEqual(['dynamodb:Query']);
  });

  it('lets each function write only to its own log group, without the basic execution role', () => {
    for (const role of Object.values(template.findResources('AWS::IAM::Role')) as Resource[]) {
      expect(JSON.stringify(role.Properties.ManagedPolicyArns ?? [])).not.toContain(
        'AWSLambdaBasicExecutionRole',
      );
    }
    for (const [name, fn] of Object.entries(stack.functions)) {
      const logStatements = statementsOfRole(logicalId(fn.role!)).filter((statement) =>
        actionsOf(statement).some((action) => action.startsWith('logs:')),
      );
      expect(logStatements).toHaveLength(1);
      expect(actionsOf(logStatements[0]!).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
      const fnResource = template.toJSON().Resources[logicalId(fn)] as Resource;
      const logGroupId = (fnResource.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect({ name, resource: logStatements[0]!.Resource }).toEqual({
        name,
        resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
      });
    }
  });

  it('acknowledges no cdk-nag rule that has no finding to acknowledge', () => {
    const { app } = synthStack();
    const pack = new AwsSolutionsChecks(app);
    const used = new Set<string>();
    const metadataKey = Validations.ACKNOWLEDGED_RULES_METADATA_KEY;
    const acknowledgedAt = (construct: IConstruct) =>
      construct.node.metadata
        .filter((entry) => entry.type === metadataKey && entry.data)
        .flatMap((entry) => Object.keys(entry.data as object).map((id) => id.replace(/^annotation::/i, '')));
    // The pack asks whether each finding is acknowledged; record which acknowledgement answered.
    (
      pack as unknown as { isAcknowledged: (resource: IConstruct, ruleId: string) => boolean }
    ).isAcknowledged = (resource, ruleId) => {
      for (let current: IConstruct | undefined = resource; current; current = current.node.scope) {
        if (acknowledgedAt(current).includes(ruleId)) {
          used.add(`${current.node.path} ${ruleId}`);
          return true;
        }
      }
      return false;
    };
    const report = pack.validateScope(app);
    expect(report.violations).toEqual([]);
    const all = app.node.findAll().flatMap((construct) =>
      acknowledgedAt(construct)
        .filter((id) => id.startsWith('AwsSolutions-'))
        .map((id) => `${construct.node.path} ${id}`),
    );
    expect(all.length).toBeGreaterThan(0);
    expect(all.filter((acknowledgement) => !used.has(acknowledgement))).toEqual([]);
  });

  it('keeps ACLs off the access-log bucket; S3 delivers access logs by bucket policy', () => {
    const accessLogsId = logicalId(stack.storage.accessLogsBucket);
    const bucket = template.toJSON().Resources[accessLogsId] as Resource;
    expect(bucket.Properties.OwnershipControls).toEqual({
      Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }],
    });
    expect(bucket.Properties.AccessControl).toBeUndefined();
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: accessLogsId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
          }),
        ]),
      },
    });
  });
});

describe('background failures', () => {
  const jobs = FUNCTIONS.filter((spec) => spec.schedules !== undefined);

  it.each(jobs.map((spec) => spec.name))(
    'does not retry a failed %s run, and sends it to the failure queue',
    (name) => {
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: logicalId(stack.functions[name]!) },
        MaximumRetryAttempts: 0,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [failureQueueId, 'Arn'] } } },
      });
    },
  );

  it('retries delivery of every schedule twice, then dead-letters it to the failure queue', () => {
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule')) as Resource[];
    expect(schedules).toHaveLength(jobs.reduce((sum, spec) => sum + spec.schedules!.length, 0));
    for (const schedule of schedules) {
      expect(schedule.Properties.Target).toMatchObject({
        RetryPolicy: { MaximumRetryAttempts: 2 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [failureQueueId, 'Arn'] } },
      });
    }
  });

  it('alarms on the first failure record, to the alarm topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [failureQueueId, 'QueueName'] } }],
      Threshold: 1,
      AlarmActions: [Match.anyValue()],
    });
  });
});

describe('from context: an alarm e-mail and X-Ray tracing', () => {
  const app = new App({
    context: {
      'aws:cdk:bundling-stacks': [],
      'tokentrail:alarmEmail': 'ops@example.com',
      'tokentrail:tracing': 'xray',
    },
  });
  const traced = stackFromContext(app, 'Tokentrail-traced', 'traced');
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const tracedTemplate = Template.fromStack(traced);

  it('gives every e-mail subscription the failure queue as its dead-letter queue', () => {
    const subscriptions = Object.values(tracedTemplate.findResources('AWS::SNS::Subscription')) as Resource[];
    expect(subscriptions).toHaveLength(2);
    const queueId = logicalId(traced.failureQueue.queue);
    for (const subscription of subscriptions) {
      expect(subscription.Properties.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      });
    }
  });

  it('traces every function with X-Ray when asked, and passes cdk-nag', () => {
    tracedTemplate.allResourcesProperties('AWS::Lambda::Function', { TracingConfig: { Mode: 'Active' } });
    expect(() => app.synth()).not.toThrow();
  });

  it('does not trace by default', () => {
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function')) as Resource[]) {
      expect(fn.Properties.TracingConfig).toBeUndefined();
    }
  });
});
