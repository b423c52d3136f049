import { Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges a cdk-nag finding on a construct (and its children), always with a reason.
 * Synth fails on any finding that is not acknowledged here, and the infra tests fail on an
 * acknowledgement that matches no finding. IAM findings of a function are acknowledged on its
 * role, which is where they arise (each function has its own role beside it, see LambdaFunction).
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  const target =
    scope instanceof lambda.Function && id.startsWith('AwsSolutions-IAM') && scope.role ? scope.role : scope;
  Validations.of(target).acknowledge({ id, reason });
}
