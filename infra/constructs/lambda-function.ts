import { join } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../shared/observability';
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
}

/**
 * One tokentrail function: Node.js 22 on arm64, bundled by esbuild from its handler entry,
 * with its own log group (retention set) and Powertools configured by environment.
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
