/** The analytics construct alone, in a bare feature scope (no TokentrailStack). */
import { Match, Template } from 'aws-cdk-lib/assertions';
import {
  ANOMALY_FUNCTION,
  INSIGHTS_FUNCTION,
  RECONCILE_FUNCTION,
  ROLLUP_FUNCTION,
} from '../../../infra/catalog';
import { Analytics } from '../../../infra/constructs/analytics';
import { ANALYTICS_ENV, PROVIDER_ACCOUNTS_ENV } from '../../../shared/domain/env-names';
import { BareFeatureScope, variablesOf } from './scopes';

describe('Analytics in a bare scope', () => {
  const scope = new BareFeatureScope();
  new Analytics(scope, 'Analytics', {
    alarmEmail: 'ops@example.com',
    rollupTagKeys: 'team,feature',
    providerAdminSecretName: 'acme/admin',
    mapConcurrency: 7,
  });
  const template = Template.fromStack(scope);

  it('adds its functions through the scope', () => {
    expect(Object.keys(scope.added).sort()).toEqual(
      [ROLLUP_FUNCTION, ANOMALY_FUNCTION, RECONCILE_FUNCTION, INSIGHTS_FUNCTION]
        .map((spec) => spec.name)
        .sort(),
    );
  });

  it('gives each function the environment its spec declares', () => {
    for (const spec of [ROLLUP_FUNCTION, ANOMALY_FUNCTION, RECONCILE_FUNCTION, INSIGHTS_FUNCTION]) {
      expect(Object.keys(variablesOf(template, spec.description))).toEqual(
        expect.arrayContaining([...(spec.environment ?? [])]),
      );
    }
  });

  it('takes tag keys, the admin secret and the map concurrency from its props', () => {
    expect(variablesOf(template, ROLLUP_FUNCTION.description)[ANALYTICS_ENV.rollupTagKeys]).toBe(
      'team,feature',
    );
    expect(variablesOf(template, RECONCILE_FUNCTION.description)[PROVIDER_ACCOUNTS_ENV.secretName]).toBe(
      'acme/admin',
    );
    const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    expect(JSON.stringify(machine!.Properties.DefinitionString)).toMatch(/MaxConcurrency\\?":7/);
  });

  it("subscribes the e-mail with the scope's failure queue as dead-letter queue", () => {
    const [failureQueueId] = Object.keys(template.findResources('AWS::SQS::Queue'));
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [failureQueueId, 'Arn'] } },
    });
  });

  it('schedules its state machine and dead-letters undeliverable starts to the failure queue', () => {
    template.resourceCountIs('AWS::Scheduler::Schedule', ROLLUP_FUNCTION.schedules!.length);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Target: Match.objectLike({
        RetryPolicy: { MaximumRetryAttempts: 2 },
        DeadLetterConfig: Match.anyValue(),
      }),
    });
  });

  it('subscribes nobody and rolls up no tags by default', () => {
    const bare = new BareFeatureScope();
    new Analytics(bare, 'Analytics');
    const defaults = Template.fromStack(bare);
    defaults.resourceCountIs('AWS::SNS::Subscription', 0);
    expect(variablesOf(defaults, ROLLUP_FUNCTION.description)[ANALYTICS_ENV.rollupTagKeys]).toBeUndefined();
    expect(variablesOf(defaults, RECONCILE_FUNCTION.description)[PROVIDER_ACCOUNTS_ENV.secretName]).toBe(
      'tokentrail/provider-admin',
    );
  });
});
