import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FUNCTIONS, INGEST_QUEUE, PROCESS_FUNCTION } from '../../infra/catalog';
import { LEDGER_TABLE } from '../../shared/domain/table/layout';
import { synthStack } from './support';

describe('TokentrailStack', () => {
  const { template } = synthStack();

  describe('ingest queue and DLQ', () => {
    it('gives the queue a visibility timeout of at least 6× the processor timeout and a redrive to the DLQ', () => {
      const queues = template.findResources('AWS::SQS::Queue', {
        Properties: { RedrivePolicy: Match.anyValue() },
      });
      const [queue] = Object.values(queues);
      expect(queue!.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * PROCESS_FUNCTION.timeoutSeconds);
      expect(queue!.Properties.RedrivePolicy.maxReceiveCount).toBe(INGEST_QUEUE.maxReceiveCount);
      expect(queue!.Properties.SqsManagedSseEnabled).toBe(true);
    });

    it('keeps dead letters for 14 days, encrypted', () => {
      template.hasResourceProperties('AWS::SQS::Queue', {
        MessageRetentionPeriod: 14 * 86_400,
        SqsManagedSseEnabled: true,
      });
    });

    it('denies non-TLS access to every queue (ingest, DLQ, failures)', () => {
      template.resourceCountIs('AWS::SQS::QueuePolicy', 3);
      template.allResourcesProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });
  });

  it('maps the queue to the processor with partial batch failure reporting', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: PROCESS_FUNCTION.queue!.batchSize,
      MaximumBatchingWindowInSeconds: PROCESS_FUNCTION.queue!.maxBatchingWindowSeconds,
    });
  });

  describe('tables', () => {
    it('are on-demand, encrypted, point-in-time recoverable and deletion-protected', () => {
      template.resourceCountIs('AWS::DynamoDB::GlobalTable', 2);
      template.allResourcesProperties('AWS::DynamoDB::GlobalTable', {
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        Replicas: [
          Match.objectLike({
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            DeletionProtectionEnabled: true,
          }),
        ],
      });
    });

    it('build the ledger indexes from the shared definition', () => {
      template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        GlobalSecondaryIndexes: LEDGER_TABLE.globalSecondaryIndexes.map((index) =>
          Match.objectLike({ IndexName: index.indexName }),
        ),
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      });
    });
  });

  describe('payload bucket', () => {
    it('blocks public access, is encrypted and logs access', () => {
      template.hasResourceProperties('AWS::S3::Bucket', {
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'payload-bucket/' }),
      });
    });

    it('expires claim-check staging objects after longer than a message can live in the DLQ', () => {
      template.hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: {
          Rules: Match.arrayWith([
            Match.objectLike({
              Prefix: 'staging/',
              Status: 'Enabled',
              ExpirationInDays: INGEST_QUEUE.deadLetterRetentionDays + 1,
            }),
          ]),
        },
      });
    });

    it('denies non-TLS requests', () => {
      template.allResourcesProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });
  });

  describe('functions', () => {
    it('run Node.js 22 on arm64, one per catalog entry', () => {
      const functions = template.findResources('AWS::Lambda::Function');
      expect(Object.keys(functions)).toHaveLength(FUNCTIONS.length);
      for (const fn of Object.values(functions)) {
        expect(fn.Properties.Runtime).toBe('nodejs22.x');
        expect(fn.Properties.Architectures).toEqual(['arm64']);
      }
    });

    it('write logs to log groups with a retention', () => {
      template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: Match.anyValue() });
    });

    it('grant no wildcard IAM action', () => {
      const policies = template.findResources('AWS::IAM::Policy');
      const actions = Object.values(policies).flatMap((policy) =>
        (policy.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap(
          (statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]),
        ),
      );
      expect(actions.length).toBeGreaterThan(0);
      expect(actions.filter((action) => action.includes('*'))).toEqual([]);
    });
  });

  it('routes every catalog route through the HTTP API, with throttling on the stage', () => {
    const routes = FUNCTIONS.flatMap((spec) => spec.routes ?? []).map(
      (route) => `${route.method} ${route.path}`,
    );
    for (const routeKey of routes)
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: routeKey });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: Match.objectLike({
        ThrottlingRateLimit: Match.anyValue(),
        ThrottlingBurstLimit: Match.anyValue(),
      }),
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });
});

describe('cdk-nag AwsSolutions checks', () => {
  it('pass on the stack, every finding acknowledged with a reason', () => {
    const { app } = synthStack(true);
    expect(() => app.synth()).not.toThrow();
  });

  it('fail synth on an unacknowledged finding', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Insecure');
    new s3.Bucket(stack, 'Plain');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow();
  });
});
