/**
 * What a function's code reads from its environment and which metrics it emits, found in the
 * source files esbuild bundles for it (the same entry the stack deploys). Read from the syntax
 * tree, so comments and examples do not count: a property of an environment-name group
 * (`ENV.ledgerTable`, `NOTIFY_ENV.topicArn`, ...) or `RETENTION_ENV` counts as a read, as does
 * `process.env.X`; a metric counts when it is the first argument of an `addMetric` call.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildSync } from 'esbuild';
import ts from 'typescript';
import type { FunctionSpec } from '../../infra/catalog';
import { ENV_GROUPS, RETENTION_ENV } from '../../shared/env-names';
import { METRIC } from '../../shared/metric-names';

const ROOT = join(__dirname, '..', '..');

/** Where names are declared rather than read: the name modules and the catalog's declarations. */
const DECLARATIONS = new Set(['shared/env-names.ts', 'shared/metric-names.ts', 'infra/catalog.ts']);

export interface SourceFacts {
  /** Environment variable names read through the constants. */
  readonly envNames: ReadonlySet<string>;
  /** `process.env.X` / `process.env['X']` with a literal name: `file: X`. */
  readonly literalEnvReads: readonly string[];
  /** Metric names emitted through `METRIC.x`. */
  readonly metrics: ReadonlySet<string>;
  /** `addMetric` calls whose name is not a `METRIC` constant: `file: text`. */
  readonly literalMetrics: readonly string[];
}

/** Repository-relative source files whose code is in the function's bundle. */
export function bundledSources(spec: FunctionSpec): string[] {
  const result = buildSync({
    entryPoints: [join(ROOT, spec.entry)],
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs)[0]!;
  return Object.entries(output.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([file]) => relative(ROOT, join(ROOT, file)))
    .filter((file) => !file.includes('node_modules'));
}

const factsByFile = new Map<string, SourceFacts>();

/** The facts of one source file (cached). */
export function sourceFacts(file: string): SourceFacts {
  const cached = factsByFile.get(file);
  if (cached) return cached;
  const envNames = new Set<string>();
  const literalEnvReads: string[] = [];
  const metrics = new Set<string>();
  const literalMetrics: string[] = [];
  if (!DECLARATIONS.has(file)) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const groups = ENV_GROUPS as Record<string, Record<string, string>>;
    const isProcessEnv = (node: ts.Node) => node.getText(source) === 'process.env';
    const visit = (node: ts.Node): void => {
      if (ts.isPropertyAccessExpression(node)) {
        const group = groups[node.expression.getText(source)];
        const name = group?.[node.name.text];
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
      if (
        ts.isIdentifier(node) &&
        node.text === 'RETENTION_ENV' &&
        !ts.isImportSpecifier(node.parent) &&
        !ts.isExportSpecifier(node.parent)
      ) {
        envNames.add(RETENTION_ENV);
      }
      if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        node.expression.name.text === 'addMetric'
      ) {
        const [nameArgument] = node.arguments;
        const key =
          nameArgument &&
          ts.isPropertyAccessExpression(nameArgument) &&
          nameArgument.expression.getText(source) === 'METRIC'
            ? nameArgument.name.text
            : undefined;
        const metric = key === undefined ? undefined : (METRIC as Record<string, string>)[key];
        if (metric) metrics.add(metric);
        else literalMetrics.push(`${file}: ${nameArgument?.getText(source) ?? '(none)'}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  const facts = { envNames, literalEnvReads, metrics, literalMetrics };
  factsByFile.set(file, facts);
  return facts;
}

const factsByFunction = new Map<string, SourceFacts & { files: readonly string[] }>();

/** The facts of a function: the union over its bundled sources (cached). */
export function functionFacts(spec: FunctionSpec): SourceFacts & { files: readonly string[] } {
  const cached = factsByFunction.get(spec.name);
  if (cached) return cached;
  const files = bundledSources(spec);
  const all = files.map(sourceFacts);
  const facts = {
    files,
    envNames: new Set(all.flatMap((facts) => [...facts.envNames])),
    literalEnvReads: all.flatMap((facts) => facts.literalEnvReads),
    metrics: new Set(all.flatMap((facts) => [...facts.metrics])),
    literalMetrics: all.flatMap((facts) => facts.literalMetrics),
  };
  factsByFunction.set(spec.name, facts);
  return facts;
}
