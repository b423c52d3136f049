import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ANALYSIS_ADMIN_FUNCTION, BATCH_CREATOR_FUNCTION, BATCH_POLLER_FUNCTION } from '../../infra/catalog';
import { isStackGrant, stackFromContext, synthStack } from './support';

type FunctionProperties = {
  Role: { 'Fn::GetAtt': [string, string] };
  Environment: { Variables: Record<string, string> };
};
type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

function functionOf(
  template: Template,
  description: string,
): { logicalId: string; properties: FunctionProperties } {
  const found = template.findResources('AWS::Lambda::Function', { Properties: { Description: description } });
  const [[logicalId, resource]] = Object.entries(found) as [string, { Properties: FunctionProperties }][];
  return { logicalId: logicalId!, properties: resource!.Properties };
}

/** The IAM statements attached to a function's role. */
function statementsOf(template: Template, description: string): Statement[] {
  const roleRef = (functionOf(template, description).properties.Role as { 'Fn::GetAtt': [string, string] })[
    'Fn::GetAtt'
  ][0];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleRef))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[])
    .filter((statement) => !isStackGrant(statement));
}

const actionsOf = (statements: Statement[]) =>
  [
    ...new Set(
      statements.flatMap((statement) =>
        Array.isArray(statement.Action) ? statement.Action : [statement.Action],
      ),
    ),
  ].sort();

describe('BatchAnalysis construct', () => {
  const { template } = synthStack();

  it('schedules the batch creator every 10 minutes and the poller every 2 minutes', () => {
    for (const [spec, expression] of [
      [BATCH_CREATOR_FUNCTION, 'rate(10 minutes)'],
      [BATCH_POLLER_FUNCTION, 'rate(2 minutes)'],
    ] as const) {
      const { logicalId } = functionOf(template, spec.description);
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: expression,
        Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalId, 'Arn'] } }),
      });
    }
    const outputs = Object.keys(template.findOutputs('*'));
    expect(outputs).toEqual(expect.arrayContaining(['BatchCreatorFunctionName', 'BatchPollerFunctionName']));
  });

  it('grants the jobs read access to the OpenAI secret referenced by name, and nothing else of Secrets Manager', () => {
    for (const spec of [BATCH_CREATOR_FUNCTION, BATCH_POLLER_FUNCTION]) {
      const statements = statementsOf(template, spec.description);
      const secretStatements = statements.filter((statement) =>
        actionsOf([statement]).some((action) => action.startsWith('secretsmanager:')),
      );
      expect(actionsOf(secretStatements)).toEqual([
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
      ]);
      expect(JSON.stringify(secretStatements.map((statement) => statement.Resource))).toContain(
        ':secret:tokentrail/openai-??????',
      );
      expect(functionOf(template, spec.description).properties.Environment.Variables).toMatchObject({
        OPENAI_SECRET_NAME: 'tokentrail/openai',
        ANALYSIS_MIN_BATCH_SIZE: '100',
        ANALYSIS_MAX_WAIT_SECONDS: '3600',
        ANALYSIS_MAX_ATTEMPTS: '3',
      });
    }
    const admin = statementsOf(template, ANALYSIS_ADMIN_FUNCTION.description);
    expect(actionsOf(admin).some((action) => action.startsWith('secretsmanager:'))).toBe(false);
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
  });

  it('takes the secret name and thresholds from context', () => {
    const app = new App({
      context: {
        'aws:cdk:bundling-stacks': [],
        'tokentrail:openAiSecretName': 'acme/openai-keys',
        'tokentrail:analysisMinBatchSize': 500,
      },
    });
    const stack = stackFromContext(app, 'Tokentrail-ctx', 'test');
    const contextTemplate = Template.fromStack(stack);
    const creator = statementsOf(contextTemplate, BATCH_CREATOR_FUNCTION.description);
    expect(JSON.stringify(creator.map((statement) => statement.Resource))).toContain(
      ':secret:acme/openai-keys-??????',
    );
    expect(
      functionOf(contextTemplate, BATCH_CREATOR_FUNCTION.description).properties.Environment.Variables,
    ).toMatchObject({
      OPENAI_SECRET_NAME: 'acme/openai-keys',
      ANALYSIS_MIN_BATCH_SIZE: '500',
    });
  });

  it('gives each analysis function only explicit actions (no wildcard), the creator the payloads prefix read-only', () => {
    const expected: Record<string, string[]> = {
      [BATCH_CREATOR_FUNCTION.description]: [
        'dynamodb:BatchGetItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        's3:GetObject',
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
      ],
      [BATCH_POLLER_FUNCTION.description]: [
        'dynamodb:BatchGetItem',
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
      ],
      [ANALYSIS_ADMIN_FUNCTION.description]: [
        'dynamodb:BatchGetItem',
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ],
    };
    for (const [description, actions] of Object.entries(expected)) {
      const statements = statementsOf(template, description);
      // X-Ray or log permissions CDK adds are not ours; the analysis grants are exactly these.
      expect(actionsOf(statements).filter((action) => !action.startsWith('xray:'))).toEqual(actions);
      for (const action of actionsOf(statements)) expect(action).not.toContain('*');
    }
    const allActions = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) =>
      actionsOf(policy.Properties.PolicyDocument.Statement as Statement[]),
    );
    expect(allActions.filter((action) => action.includes('*'))).toEqual([]);
  });

  it('routes the analysis admin API to its function', () => {
    for (const route of ANALYSIS_ADMIN_FUNCTION.routes!) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: `${route.method} ${route.path}`,
      });
    }
  });

  it('passes cdk-nag with a custom secret name too', () => {
    const app = new App({
      context: { 'aws:cdk:bundling-stacks': [], 'tokentrail:openAiSecretName': 'team/openai' },
    });
    stackFromContext(app, 'Tokentrail-nag-analysis', 'test');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });
});
