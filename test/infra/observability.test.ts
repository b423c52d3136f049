import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { FUNCTIONS } from '../../infra/catalog';
import { DEFAULT_ALARM_THRESHOLDS } from '../../infra/constructs/observability';
import { stackFromContext, synthStack } from './support';

type Resource = { Properties: Record<string, unknown> };

/** The dashboard body as text: a Fn::Join of strings and tokens, joined with the tokens as JSON. */
function dashboardBody(template: Template): string {
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as Resource[];
  const body = dashboard!.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] } | string;
  if (typeof body === 'string') return body;
  return body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join('');
}

function widgetTitles(template: Template): string[] {
  return [...dashboardBody(template).matchAll(/"title":"([^"]+)"/g)].map((match) => match[1]!);
}

function alarmNamed(template: Template, logicalIdPart: string): Resource {
  const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm')) as [string, Resource][];
  const found = alarms.filter(([logicalId]) =>
    new RegExp(`^Observability${logicalIdPart}[0-9A-F]{8}$`).test(logicalId),
  );
  expect(found).toHaveLength(1);
  return found[0]![1];
}

const allStatements = (template: Template, type: string) =>
  (Object.values(template.findResources(type)) as Resource[]).flatMap(
    (resource) =>
      (resource.Properties.PolicyDocument as { Statement: { Action: string | string[]; Effect: string }[] })
        .Statement,
  );
const actionsOf = (statements: { Action: string | string[] }[]) =>
  statements.flatMap((statement) =>
    Array.isArray(statement.Action) ? statement.Action : [statement.Action],
  );

describe('Observability construct', () => {
  const { template } = synthStack();

  describe('dashboard', () => {
    it('is one dashboard per stage, named after the stack', () => {
      template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
      template.hasResourceProperties('AWS::CloudWatch::Dashboard', {
        DashboardName: 'Tokentrail-test-operations',
      });
    });

    it('has a widget for each operational concern', () => {
      expect(widgetTitles(template)).toEqual(
        expect.arrayContaining([
          'Alarms',
          'API requests',
          'API 4xx and 5xx',
          'API latency (ms)',
          'Ingest queue depth',
          'Age of oldest message (s)',
          'DLQ depth',
          'Lambda errors',
          'Lambda throttles',
          'Lambda duration p99 (ms)',
          'Lambda concurrency',
          'DynamoDB throttles',
          'DynamoDB consumed capacity',
          'Cost per project and model (USD per hour)',
          'Tokens per project and model (per hour)',
          'Interactions',
          'Redactions by type',
          'Batch pipeline',
          'Anomalies and budget thresholds',
        ]),
      );
    });

    it('charts cost, tokens and redactions with SEARCH over the EMF metrics, never fixed projects or models', () => {
      const body = dashboardBody(template);
      expect(body).toContain(`SEARCH('{Tokentrail,model,project,service} MetricName=\\"CostNanoUsd\\"'`);
      expect(body).toContain(`SEARCH('{Tokentrail,model,project,service} MetricName=\\"TokensIn\\"'`);
      expect(body).toContain(`SEARCH('{Tokentrail,model,project,service} MetricName=\\"TokensOut\\"'`);
      expect(body).toContain(`SEARCH('{Tokentrail,service,type} MetricName=\\"Redactions\\"'`);
      expect(body).toContain('nanos / 1000000000');
    });

    it('charts every function in the per-function Lambda widgets', () => {
      const body = dashboardBody(template);
      for (const spec of FUNCTIONS) expect(body).toContain(`"label":"${spec.name}"`);
    });

    it('is linked from the stack outputs, with the ingest queue for DLQ redrives', () => {
      expect(Object.keys(template.findOutputs('*'))).toEqual(
        expect.arrayContaining([
          'ApiUrl',
          'DashboardUrl',
          'IngestQueueUrl',
          'DeadLetterQueueUrl',
          'AlarmTopicArn',
        ]),
      );
      expect(JSON.stringify(template.findOutputs('DashboardUrl'))).toContain('#dashboards:name=');
    });
  });

  describe('alarms', () => {
    it('alarm on the first dead letter', () => {
      const alarm = alarmNamed(template, 'DeadLetterQueueNotEmpty');
      expect(alarm.Properties).toMatchObject({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Statistic: 'Maximum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
    });

    it('alarm when the oldest ingest message is older than the threshold', () => {
      const alarm = alarmNamed(template, 'OldestMessageTooOld');
      expect(alarm.Properties).toMatchObject({
        MetricName: 'ApproximateAgeOfOldestMessage',
        Threshold: DEFAULT_ALARM_THRESHOLDS.oldestMessageAgeSeconds,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    });

    it('alarm on the error rate of every function', () => {
      for (const spec of FUNCTIONS) {
        const logicalIdPart = `${spec.name.replace(/(^|-)([a-z])/g, (_, __, letter: string) => letter.toUpperCase())}ErrorRate`;
        const alarm = alarmNamed(template, logicalIdPart);
        expect(alarm.Properties.Threshold).toBe(DEFAULT_ALARM_THRESHOLDS.functionErrorRatePercent);
        expect(JSON.stringify(alarm.Properties.Metrics)).toContain('100 * errors / invocations');
      }
    });

    it('alarm on the API 5xx rate, throttles and new anomalies', () => {
      const api = alarmNamed(template, 'Api5xxRate');
      expect(api.Properties.Threshold).toBe(DEFAULT_ALARM_THRESHOLDS.api5xxRatePercent);
      expect(JSON.stringify(api.Properties.Metrics)).toContain('"MetricName":"5xx"');

      const throttles = alarmNamed(template, 'Throttles');
      expect(throttles.Properties.Threshold).toBe(DEFAULT_ALARM_THRESHOLDS.throttlesPer5Minutes);
      const throttleMetrics = JSON.stringify(throttles.Properties.Metrics);
      for (const name of ['"Throttles"', 'ReadThrottleEvents', 'WriteThrottleEvents'])
        expect(throttleMetrics).toContain(name);
      // CloudWatch allows at most 10 metrics in an alarm's math expression.
      expect((throttles.Properties.Metrics as unknown[]).length).toBeLessThanOrEqual(11);

      const anomaly = alarmNamed(template, 'NewAnomaly');
      expect(anomaly.Properties.Threshold).toBe(1);
      expect(JSON.stringify(anomaly.Properties.Metrics)).toContain('AnomaliesDetected');
      expect((anomaly.Properties.Metrics as unknown[]).length).toBeLessThanOrEqual(11);
    });

    it('alarm on a failed or timed-out rollup run (the distributed map state machine), charted on the dashboard', () => {
      const [machineId] = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'));
      const alarm = alarmNamed(template, 'RollupExecutionsFailed');
      expect(alarm.Properties.Threshold).toBe(1);
      expect(alarm.Properties.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
      expect(alarm.Properties.TreatMissingData).toBe('notBreaching');
      const stats = (alarm.Properties.Metrics as { MetricStat?: { Metric: Record<string, unknown> } }[])
        .flatMap((metric) => (metric.MetricStat ? [metric.MetricStat.Metric] : []))
        .map((metric) => ({
          name: metric.MetricName,
          namespace: metric.Namespace,
          dimensions: JSON.stringify(metric.Dimensions),
        }));
      expect(stats.map((metric) => metric.name).sort()).toEqual(['ExecutionsFailed', 'ExecutionsTimedOut']);
      for (const metric of stats) {
        expect(metric.namespace).toBe('AWS/States');
        expect(metric.dimensions).toContain(machineId);
      }
      expect(widgetTitles(template)).toContain('Job state machine runs');
      expect(dashboardBody(template)).toContain('ExecutionsFailed');
      expect(JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'))).toContain(machineId);
    });

    it('notify the alarm topic on alarm and on recovery', () => {
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
      // One per function, six for the stack, one per job state machine (the rollup, the day reprice).
      expect(alarms.length).toBe(FUNCTIONS.length + 6 + 2);
      const [topicId] = Object.keys(
        template.findResources('AWS::SNS::Topic', { Properties: { DisplayName: 'tokentrail alarms' } }),
      );
      for (const alarm of alarms) {
        expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
        expect(alarm.Properties.OKActions).toEqual([{ Ref: topicId }]);
      }
    });

    it('take thresholds from context', () => {
      const app = new App({
        context: {
          'aws:cdk:bundling-stacks': [],
          'tokentrail:queueAgeAlarmSeconds': '120',
          'tokentrail:alarmEmail': 'ops@example.com',
        },
      });
      const custom = Template.fromStack(stackFromContext(app, 'Tokentrail-ctx', 'ctx'));
      expect(alarmNamed(custom, 'OldestMessageTooOld').Properties.Threshold).toBe(120);
      // Both topics (alerts and alarms) subscribe the operator's address.
      expect(
        Object.values(
          custom.findResources('AWS::SNS::Subscription', {
            Properties: { Protocol: 'email', Endpoint: 'ops@example.com' },
          }),
        ),
      ).toHaveLength(2);
    });
  });

  describe('hardening', () => {
    it('encrypts the alarm topic with a rotated customer managed key that CloudWatch may use', () => {
      const [topicId, ...others] = Object.keys(
        template.findResources('AWS::SNS::Topic', { Properties: { DisplayName: 'tokentrail alarms' } }),
      );
      expect(topicId).toBeDefined();
      expect(others).toEqual([]);
      template.hasResourceProperties('AWS::SNS::Topic', {
        DisplayName: 'tokentrail alarms',
        KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('AlarmTopicKey'), 'Arn'] },
      });
      template.hasResourceProperties('AWS::KMS::Key', {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            }),
          ]),
        },
      });
    });

    it('encrypts every topic, queue, bucket and table', () => {
      for (const topic of Object.values(template.findResources('AWS::SNS::Topic')) as Resource[])
        expect(topic.Properties.KmsMasterKeyId).toBeDefined();
      template.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
      template.allResourcesProperties('AWS::S3::Bucket', {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
      });
      template.allResourcesProperties('AWS::DynamoDB::GlobalTable', {
        SSESpecification: { SSEEnabled: true },
      });
    });

    it('denies non-TLS access to every topic, queue and bucket', () => {
      const secureTransport = {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      };
      template.resourceCountIs('AWS::SNS::TopicPolicy', 2);
      template.allResourcesProperties('AWS::SNS::TopicPolicy', secureTransport);
      template.allResourcesProperties('AWS::SQS::QueuePolicy', secureTransport);
      template.allResourcesProperties('AWS::S3::BucketPolicy', secureTransport);
    });

    it('keeps point-in-time recovery on every table', () => {
      template.allResourcesProperties('AWS::DynamoDB::GlobalTable', {
        Replicas: [
          Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
        ],
      });
    });

    it('runs every function on Node.js 22, arm64, with sampled debug logs and the retention default', () => {
      const functions = Object.values(template.findResources('AWS::Lambda::Function')) as Resource[];
      expect(functions).toHaveLength(FUNCTIONS.length);
      for (const fn of functions) {
        expect(fn.Properties.Runtime).toBe('nodejs22.x');
        expect(fn.Properties.Architectures).toEqual(['arm64']);
        const variables = (fn.Properties.Environment as { Variables: Record<string, string> }).Variables;
        expect(variables.POWERTOOLS_LOGGER_SAMPLE_RATE).toBe('0.01');
        expect(variables.TOKENTRAIL_RETENTION_DAYS).toBe('0');
      }
    });

    it('grants no wildcard action in any IAM policy or role', () => {
      const statements = allStatements(template, 'AWS::IAM::Policy');
      expect(statements.length).toBeGreaterThan(0);
      expect(actionsOf(statements).filter((action) => action.includes('*'))).toEqual([]);
      for (const role of Object.values(template.findResources('AWS::IAM::Role')) as Resource[]) {
        const inline = (role.Properties.Policies ?? []) as {
          PolicyDocument: { Statement: { Action: string }[] };
        }[];
        const actions = actionsOf(inline.flatMap((policy) => policy.PolicyDocument.Statement));
        expect(actions.filter((action) => action.includes('*'))).toEqual([]);
      }
    });

    it('switches the tables to provisioned capacity with write auto-scaling at 70% from context', () => {
      const app = new App({
        context: { 'aws:cdk:bundling-stacks': [], 'tokentrail:billing': 'provisioned' },
      });
      const custom = Template.fromStack(stackFromContext(app, 'Tokentrail-prov', 'prov'));
      custom.allResourcesProperties('AWS::DynamoDB::GlobalTable', {
        BillingMode: 'PROVISIONED',
        WriteProvisionedThroughputSettings: {
          WriteCapacityAutoScalingSettings: Match.objectLike({
            TargetTrackingScalingPolicyConfiguration: { TargetValue: 70 },
          }),
        },
      });
    });

    it('passes retention days and log level from context to the functions', () => {
      const app = new App({
        context: {
          'aws:cdk:bundling-stacks': [],
          'tokentrail:retentionDays': '90',
          'tokentrail:logLevel': 'WARN',
        },
      });
      const custom = Template.fromStack(stackFromContext(app, 'Tokentrail-ret', 'ret'));
      custom.allResourcesProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({ TOKENTRAIL_RETENTION_DAYS: '90', POWERTOOLS_LOG_LEVEL: 'WARN' }),
        },
      });
    });
  });
});
