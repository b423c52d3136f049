/** The batch analysis construct alone, in a bare feature scope (no TokentrailStack). */
import { Template } from 'aws-cdk-lib/assertions';
import {
  ANALYSIS_ADMIN_FUNCTION,
  BATCH_CREATOR_FUNCTION,
  BATCH_POLLER_FUNCTION,
} from '../../../infra/catalog';
import { BatchAnalysis } from '../../../infra/constructs/batch-analysis';
import { ANALYSIS_ENV, OPENAI_ENV } from '../../../shared/domain/env-names';
import { BareFeatureScope, variablesOf } from './scopes';

describe('BatchAnalysis in a bare scope', () => {
  it('adds its three functions through the scope, the jobs with the environment their specs declare', () => {
    const scope = new BareFeatureScope();
    new BatchAnalysis(scope, 'BatchAnalysis');
    const template = Template.fromStack(scope);
    expect(Object.keys(scope.added).sort()).toEqual(
      [ANALYSIS_ADMIN_FUNCTION, BATCH_CREATOR_FUNCTION, BATCH_POLLER_FUNCTION]
        .map((spec) => spec.name)
        .sort(),
    );
    for (const spec of [BATCH_CREATOR_FUNCTION, BATCH_POLLER_FUNCTION]) {
      expect(variablesOf(template, spec.description)).toMatchObject({
        [OPENAI_ENV.secretName]: 'tokentrail/openai',
        [ANALYSIS_ENV.minBatchSize]: '100',
        [ANALYSIS_ENV.maxWaitSeconds]: '3600',
        [ANALYSIS_ENV.maxAttempts]: '3',
      });
      expect(Object.keys(variablesOf(template, spec.description))).toEqual(
        expect.arrayContaining([...(spec.environment ?? [])]),
      );
    }
  });

  it('takes the secret name and the thresholds from its props', () => {
    const scope = new BareFeatureScope();
    new BatchAnalysis(scope, 'BatchAnalysis', {
      openAiSecretName: 'acme/openai',
      minBatchSize: 10,
      maxWaitSeconds: 60,
      maxAttempts: 5,
    });
    const template = Template.fromStack(scope);
    expect(variablesOf(template, BATCH_POLLER_FUNCTION.description)).toMatchObject({
      [OPENAI_ENV.secretName]: 'acme/openai',
      [ANALYSIS_ENV.minBatchSize]: '10',
      [ANALYSIS_ENV.maxWaitSeconds]: '60',
      [ANALYSIS_ENV.maxAttempts]: '5',
    });
    expect(JSON.stringify(template.toJSON())).toContain(':secret:acme/openai-??????');
  });
});
