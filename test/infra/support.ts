import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readContext } from '../../infra/context';
import { TokentrailStack } from '../../infra/stack';

/**
 * Synthesizes the stack offline. Bundling is skipped (`aws:cdk:bundling-stacks` empty) so the
 * assertions run in seconds; `npm run synth` bundles for real.
 */
export function synthStack(withNag = false): { app: App; stack: TokentrailStack; template: Template } {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new TokentrailStack(app, 'Tokentrail-test', { stage: 'test' });
  if (withNag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, template: Template.fromStack(stack) };
}

/**
 * A stack with its props read from the app's context, as infra/app.ts builds it (the stack
 * itself reads no context).
 */
export function stackFromContext(app: App, id: string, stage: string): TokentrailStack {
  return new TokentrailStack(app, id, { ...readContext(app.node).stackProps, stage });
}

/**
 * Whether an IAM statement is one the stack gives every function (writing its own log group)
 * or every job (sending a failed run to the failure queue), rather than a feature's own grant.
 */
export function isStackGrant(statement: { Action: string | string[]; Resource?: unknown }): boolean {
  const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
  if (actions.every((action) => action.startsWith('logs:'))) return true;
  return (
    actions.every((action) => action.startsWith('sqs:')) &&
    /FailureQueue/.test(JSON.stringify(statement.Resource))
  );
}
