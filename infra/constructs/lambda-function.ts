import { join } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../shared/adapters/observability';
import { bundleOptionsFor } from '../bundling';
import type { FunctionSpec } from '../catalog';

const ROOT = join(__dirname, '..', '..');

export interface LambdaFunctionProps {
  spec: FunctionSpec;
  environment: Record<string, string>;
  logRetention: logs.RetentionDays;
  /** Powertools log level (default `INFO`; `WARN` drops the INFO lines handlers write per invocation). */
  logLevel?: string;
  /**
   * Fraction of invocations logged at DEBUG whatever the level (Powertools sampling), so a
   * trace of correlation ids exists without paying for debug logs everywhere. Default 0.01.
   */
  debugSampleRate?: number;
  /** Concurrency kept for this function alone (and its cap); none by default. */
  reservedConcurrency?: number;
  /** X-Ray active tracing (context `tokentrail:tracing` = `xray`); off by default. */
  tracing?: boolean;
}

/**
 * One tokentrail function: Node.js 22 on arm64, bundled by esbuild from its handler entry
 * (infra/bundling.ts), with its own log group (retention set), Powertools configured by
 * environment, and its own role, which may write to that log group only (instead of
 * AWSLambdaBasicExecutionRole's `logs:*` on every log group).
 */
export class LambdaFunction extends Construct {
  public readonly function: nodejs.NodejsFunction;

  public constructor(scope: Construct, id: string, props: LambdaFunctionProps) {
    super(scope, id);
    const { spec } = props;
    const bundle = bundleOptionsFor(spec);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `tokentrail ${spec.name} function`,
    });
    // The log group exists before the function, so creating groups is not needed either.
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: join(ROOT, spec.entry),
      handler: 'handler',
      projectRoot: ROOT,
      depsLockFilePath: join(ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      description: spec.description,
      reservedConcurrentExecutions: props.reservedConcurrency,
      logGroup,
      role,
      tracing: props.tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        POWERTOOLS_SERVICE_NAME: spec.name,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
        POWERTOOLS_LOGGER_SAMPLE_RATE: String(props.debugSampleRate ?? 0.01),
        ...(bundle.sourceMap ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
        ...props.environment,
      },
      bundling: {
        minify: bundle.minify,
        sourceMap: bundle.sourceMap,
        sourcesContent: false,
        target: bundle.target,
        format: nodejs.OutputFormat.CJS,
        // The Lambda runtime ships the AWS SDK v3, but pinning our own keeps local and cloud identical.
        externalModules: [],
      },
    });
  }
}
