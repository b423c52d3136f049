/**
 * What a function's code reads from its environment and which metrics it emits, found in the
 * code esbuild bundles for it from the entry the stack deploys (not minified, packages left
 * out), so only code that survives tree-shaking counts. Read from the syntax tree, so comments
 * and examples do not count: a property of an environment-name group (`ENV.ledgerTable`,
 * `NOTIFY_ENV.topicArn`, ...) or `RETENTION_ENV` counts as a read, as does `process.env.X`; a
 * `METRIC.x` counts as emitting that metric (function code names metrics only to emit them, to
 * Powertools directly or through a job's metrics port), and a metric name typed as a string
 * instead of the constant is reported.
 */
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import ts from 'typescript';
import type { FunctionSpec } from '../../infra/catalog';
import { ENV_GROUPS, RETENTION_ENV } from '../../shared/domain/env-names';
import { METRIC } from '../../shared/domain/metric-names';

const ROOT = join(__dirname, '..', '..');

/** Where names are declared rather than read: the name modules and the catalog's declarations. */
const DECLARATIONS = new Set([
  'shared/domain/env-names.ts',
  'shared/domain/metric-names.ts',
  'infra/catalog.ts',
]);

export interface FunctionFacts {
  /** Source files with code in the bundle. */
  readonly files: readonly string[];
  /** Environment variable names read through the constants. */
  readonly envNames: ReadonlySet<string>;
  /** `process.env.X` / `process.env['X']` with a literal name: `file: X`. */
  readonly literalEnvReads: readonly string[];
  /** Metric names emitted through `METRIC.x`. */
  readonly metrics: ReadonlySet<string>;
  /** Metric names typed as strings (`addMetric('X')`, `'RollupsWritten'`): `file: text`. */
  readonly literalMetrics: readonly string[];
}

/** esbuild renames a top-level binding that collides (`ENV` → `ENV2`). */
const binding = (text: string) => text.replace(/\d+$/, '');

const factsByFunction = new Map<string, FunctionFacts>();

/** The facts of a function's bundle (cached per function). */
export function functionFacts(spec: FunctionSpec): FunctionFacts {
  const cached = factsByFunction.get(spec.name);
  if (cached) return cached;
  const result = buildSync({
    entryPoints: [join(ROOT, spec.entry)],
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    logLevel: 'silent',
  });
  const text = result.outputFiles[0]!.text;
  // esbuild starts each module's code with a `// path` comment line.
  const sections = [...text.matchAll(/^\/\/ (\S+\.[cm]?[jt]s)$/gm)].map((match) => ({
    file: match[1]!,
    start: match.index,
  }));
  const fileAt = (position: number) => {
    let file = '(prelude)';
    for (const section of sections) {
      if (section.start > position) break;
      file = section.file;
    }
    return file;
  };
  const envNames = new Set<string>();
  const literalEnvReads: string[] = [];
  const metrics = new Set<string>();
  const literalMetrics: string[] = [];
  const groups = ENV_GROUPS as Record<string, Record<string, string>>;
  const metricNames = METRIC as Record<string, string>;
  const metricValues = new Set(Object.values(metricNames));
  const source = ts.createSourceFile('bundle.js', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const isProcessEnv = (node: ts.Node) => node.getText(source) === 'process.env';
  const visit = (node: ts.Node): void => {
    const file = fileAt(node.getStart(source));
    if (DECLARATIONS.has(file)) return;
    if (ts.isPropertyAccessExpression(node)) {
      const name = groups[binding(node.expression.getText(source))]?.[node.name.text];
      if (name) envNames.add(name);
      if (isProcessEnv(node.expression)) literalEnvReads.push(`${file}: ${node.name.text}`);
    }
    if (
      ts.isElementAccessExpression(node) &&
      isProcessEnv(node.expression) &&
      ts.isStringLiteral(node.argumentExpression)
    ) {
      literalEnvReads.push(`${file}: ${node.argumentExpression.text}`);
    }
    if (ts.isIdentifier(node) && binding(node.text) === 'RETENTION_ENV') envNames.add(RETENTION_ENV);
    if (ts.isPropertyAccessExpression(node) && binding(node.expression.getText(source)) === 'METRIC') {
      const metric = metricNames[node.name.text];
      if (metric) metrics.add(metric);
    }
    if (ts.isStringLiteral(node) && metricValues.has(node.text))
      literalMetrics.push(`${file}: '${node.text}'`);
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === 'addMetric' &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      literalMetrics.push(`${file}: addMetric(${node.arguments[0].getText(source)})`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  const facts = {
    files: [...new Set(sections.map((section) => section.file))],
    envNames,
    literalEnvReads,
    metrics,
    literalMetrics,
  };
  factsByFunction.set(spec.name, facts);
  return facts;
}
