import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { RouteSpec } from '../catalog';
import { acknowledge } from './acknowledge';

export interface HttpApiProps {
  /** Steady-state requests per second across the API. */
  rateLimit: number;
  burstLimit: number;
  logRetention: logs.RetentionDays;
}

/**
 * The HTTP API in front of the functions: one `$default` stage with throttling and JSON
 * access logs (request id, route, status, latency — never headers or bodies).
 */
export class HttpApi extends Construct {
  public readonly api: apigw.HttpApi;
  public readonly stage: apigw.HttpStage;

  public constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    this.api = new apigw.HttpApi(this, 'Api', {
      description: 'tokentrail ingest and read API',
      createDefaultStage: false,
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit, burstLimit: props.burstLimit },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            responseLength: '$context.responseLength',
            sourceIp: '$context.identity.sourceIp',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
  }

  /** Routes each spec to the function (payload format 2.0). */
  public addRoutes(functionName: string, handler: lambda.IFunction, routes: RouteSpec[]): void {
    const integration = new HttpLambdaIntegration(`${functionName}Integration`, handler);
    for (const route of routes) {
      this.api.addRoutes({
        path: route.path,
        methods: [apigw.HttpMethod[route.method]],
        integration,
      });
    }
    acknowledge(
      this.api,
      'AwsSolutions-APIG4',
      'Requests are authenticated by the functions against hashed, scoped API keys (see shared/http/auth.ts); /health is public by design.',
    );
  }

  public get url(): string {
    return this.stage.url;
  }
}
