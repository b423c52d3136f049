import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  ANOMALY_FUNCTION,
  INSIGHTS_FUNCTION,
  RECONCILE_FUNCTION,
  ROLLUP_FUNCTION,
} from '../../infra/catalog';
import { NOTIFY_ENV } from '../../shared/adapters/aws/notifications';
import { PROVIDER_ACCOUNTS_ENV } from '../../shared/adapters/aws/provider-accounts';
import { isStackGrant, stackFromContext, synthStack } from './support';

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

/** The IAM statements attached to a function's role, found through its Lambda resource. */
function statementsOf(template: Template, description: string): Statement[] {
  const functions = template.findResources('AWS::Lambda::Function', {
    Properties: { Description: description },
  });
  const [fn] = Object.values(functions);
  const roleRef = (fn!.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
    (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleRef),
  );
  return policies
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[])
    .filter((statement) => !isStackGrant(statement));
}

const actionsOf = (statements: Statement[]) =>
  statements
    .flatMap((statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]))
    .sort();

describe('Analytics construct', () => {
  const { template } = synthStack();

  it('schedules the rollup hourly (today) and daily at 00:15 UTC (yesterday, then anomalies)', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 hour)',
      Target: Match.objectLike({ Input: JSON.stringify({ schedule: 'hourly' }) }),
    });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(15 0 * * ? *)',
      Target: Match.objectLike({ Input: JSON.stringify({ schedule: 'daily' }) }),
    });
    expect(ROLLUP_FUNCTION.schedules!.map((schedule) => schedule.expression)).toEqual([
      'rate(1 hour)',
      'cron(15 0 * * ? *)',
    ]);
  });

  it('exposes the rollup and anomaly functions to `tokentrail jobs run`', () => {
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining(['RollupFunctionName', 'AnomalyFunctionName', 'AlertTopicArn']),
    );
  });

  it('creates an encrypted, TLS-only alert topic without a subscription by default', () => {
    // The alarm topic of the Observability construct coexists (it needs a customer managed key).
    const [topic, ...others] = Object.values(
      template.findResources('AWS::SNS::Topic', {
        Properties: { DisplayName: 'tokentrail cost anomalies and budget thresholds' },
      }),
    );
    expect(others).toEqual([]);
    expect(JSON.stringify(topic!.Properties.KmsMasterKeyId)).toContain('alias/aws/sns');
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('subscribes the e-mail from context tokentrail:alarmEmail', () => {
    const app = new App({
      context: { 'aws:cdk:bundling-stacks': [], 'tokentrail:alarmEmail': 'ops@example.com' },
    });
    const stack = stackFromContext(app, 'Tokentrail-mail', 'test');
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });

  it('gives the jobs the topic through the environment', () => {
    for (const spec of [ROLLUP_FUNCTION, ANOMALY_FUNCTION]) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: spec.description,
        Environment: {
          Variables: Match.objectLike({
            [NOTIFY_ENV.topicArn]: { Ref: Match.anyValue() },
            [NOTIFY_ENV.eventBus]: 'default',
          }),
        },
      });
    }
  });

  it('grants each analytics function exactly the actions it calls', () => {
    const rollup = statementsOf(template, ROLLUP_FUNCTION.description);
    expect(actionsOf(rollup)).toEqual(
      [
        'dynamodb:BatchWriteItem',
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'events:PutEvents',
        's3:GetObject',
        's3:PutObject',
        'sns:Publish',
      ].sort(),
    );
    expect(actionsOf(statementsOf(template, ANOMALY_FUNCTION.description))).toEqual(
      ['dynamodb:Query', 'dynamodb:UpdateItem', 'events:PutEvents', 'sns:Publish'].sort(),
    );
    expect(actionsOf(statementsOf(template, INSIGHTS_FUNCTION.description))).toEqual(
      ['dynamodb:GetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'].sort(),
    );
    // Events go to the default bus only, messages to the alert topic only.
    const events = rollup.find((statement) => statement.Action === 'events:PutEvents')!;
    expect(JSON.stringify(events.Resource)).toContain(':event-bus/default');
    const publish = rollup.find((statement) => statement.Action === 'sns:Publish')!;
    expect(publish.Resource).toEqual({ Ref: expect.stringMatching(/AlertTopic/) });
  });

  it('schedules the reconcile job daily after the rollup, over the last three days, exposed to `jobs run`', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 2 * * ? *)',
      Target: Match.objectLike({ Input: JSON.stringify({ days: 3 }) }),
    });
    expect(Object.keys(template.findOutputs('*'))).toContain('ReconcileFunctionName');
  });

  it('lets the reconcile job read the provider admin secret by name, and nothing else of Secrets Manager', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: RECONCILE_FUNCTION.description,
      Environment: {
        Variables: Match.objectLike({
          [PROVIDER_ACCOUNTS_ENV.secretName]: 'tokentrail/provider-admin',
          [NOTIFY_ENV.topicArn]: { Ref: Match.anyValue() },
        }),
      },
    });
    const statements = statementsOf(template, RECONCILE_FUNCTION.description);
    expect(actionsOf(statements)).toEqual(
      [
        'dynamodb:BatchWriteItem',
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'events:PutEvents',
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
        'sns:Publish',
      ].sort(),
    );
    const secret = statements.find((statement) =>
      JSON.stringify(statement.Action).includes('secretsmanager'),
    )!;
    expect(JSON.stringify(secret.Resource)).toContain(':secret:tokentrail/provider-admin-??????');
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
  });

  it('grants no wildcard action and no wildcard resource to the analytics functions (but the rollup-runs prefix)', () => {
    for (const spec of [ROLLUP_FUNCTION, ANOMALY_FUNCTION, INSIGHTS_FUNCTION]) {
      const statements = statementsOf(template, spec.description);
      expect(actionsOf(statements).filter((action) => action.includes('*'))).toEqual([]);
      const wildcards = statements.filter((statement) => JSON.stringify(statement.Resource).includes('*'));
      for (const statement of wildcards) {
        expect(JSON.stringify(statement.Resource)).toMatch(/"\/rollup-runs\/\*"/);
        expect(actionsOf([statement])).toEqual(['s3:GetObject', 's3:PutObject']);
      }
    }
  });

  it('routes the analytics API', () => {
    for (const route of INSIGHTS_FUNCTION.routes!) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: `${route.method} ${route.path}`,
      });
    }
  });

  it('passes cdk-nag with an alarm e-mail configured too', () => {
    const app = new App({
      context: { 'aws:cdk:bundling-stacks': [], 'tokentrail:alarmEmail': 'ops@example.com' },
    });
    stackFromContext(app, 'Tokentrail-nag', 'test');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });
});
