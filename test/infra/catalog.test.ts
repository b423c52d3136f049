/**
 * Each function's environment, both ways: the stack gives every function what its catalog spec
 * declares (and nothing undeclared), and no function's code reads a variable its spec does not
 * declare (read from the source files esbuild bundles for it).
 */
import { FUNCTIONS, type FunctionSpec } from '../../infra/catalog';
import { type EnvName, LOCAL_ONLY_ENVIRONMENT, SHARED_ENVIRONMENT } from '../../shared/domain/env-names';
import { functionFacts } from './function-sources';
import { synthStack } from './support';

/** Set by the stack's function construct for the Lambda runtime and Powertools, not read by our code. */
const RUNTIME_ENVIRONMENT = [
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_METRICS_NAMESPACE',
  'POWERTOOLS_LOG_LEVEL',
  'POWERTOOLS_LOGGER_SAMPLE_RATE',
  'NODE_OPTIONS',
];

const declared = (spec: FunctionSpec): EnvName[] => [...SHARED_ENVIRONMENT, ...(spec.environment ?? [])];
const readable = (spec: FunctionSpec): string[] => [
  ...declared(spec),
  ...(spec.optionalEnvironment ?? []),
  ...LOCAL_ONLY_ENVIRONMENT,
];

describe('function environments', () => {
  const { template } = synthStack();
  const environments = new Map<string, Record<string, unknown>>();
  for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
    const variables = (fn.Properties.Environment?.Variables ?? {}) as Record<string, unknown>;
    const name = variables.POWERTOOLS_SERVICE_NAME;
    if (typeof name === 'string') environments.set(name, variables);
  }

  it.each(FUNCTIONS.map((spec) => [spec.name, spec] as const))(
    '%s gets what its spec declares, and nothing undeclared',
    (_, spec) => {
      const variables = environments.get(spec.name);
      expect(variables).toBeDefined();
      const names = Object.keys(variables!);
      expect(declared(spec).filter((name) => !names.includes(name))).toEqual([]);
      const allowed = [...readable(spec), ...RUNTIME_ENVIRONMENT];
      expect(names.filter((name) => !allowed.includes(name))).toEqual([]);
    },
  );

  it.each(FUNCTIONS.map((spec) => [spec.name, spec] as const))(
    '%s reads only what its spec declares, through the shared name constants',
    (_, spec) => {
      const facts = functionFacts(spec);
      expect(facts.files.length).toBeGreaterThan(1);
      // Every variable name lives in shared/domain/env-names.ts: no literal process.env reads.
      expect(facts.literalEnvReads).toEqual([]);
      const allowed = readable(spec);
      expect([...facts.envNames].filter((name) => !allowed.includes(name)).sort()).toEqual([]);
    },
  );

  it('declares no variable a function does not read (beyond the shared ones)', () => {
    for (const spec of FUNCTIONS) {
      const reads = functionFacts(spec).envNames;
      const unused = [...(spec.environment ?? []), ...(spec.optionalEnvironment ?? [])].filter(
        (name) => !reads.has(name),
      );
      expect({ function: spec.name, unused }).toEqual({ function: spec.name, unused: [] });
    }
  });
});
