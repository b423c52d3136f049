import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

/**
 * The design's one-way dependency rule, checked on every file: domain code under `shared/`
 * imports neither the AWS SDK, Powertools, middy nor any adapter, HTTP, CLI or infra module.
 * A new folder under `shared/` counts as domain unless it is listed below as an outer layer,
 * so a new feature cannot slip past the rule by living in a folder of its own.
 */
const SHARED = resolve(__dirname, '../../../shared');

/** Folders of `shared/` that adapt the domain to the outside world, and may import it all. */
const OUTER_LAYERS = new Set(['aws', 'adapters', 'http', 'cli']);
/** Files directly in `shared/` that belong to an outer layer. */
const OUTER_FILES = new Set(['observability.ts']);

const FORBIDDEN_PACKAGES = [
  /^@aws-sdk\//,
  /^@aws-lambda-powertools\//,
  /^@middy\//,
  /^aws-cdk-lib/,
  /^constructs$/,
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(c|m)?tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every module specifier a file names in `import`/`export … from`, `import()` or `require()`. */
function importedSpecifiers(source: string): string[] {
  const pattern =
    /(?:^|[\s;])(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/gm;
  return [...source.matchAll(pattern)].map((match) => match[1] ?? match[2] ?? match[3]);
}

/** Why importing `specifier` from `file` breaks the rule, or undefined when it does not. */
function violation(file: string, specifier: string): string | undefined {
  if (FORBIDDEN_PACKAGES.some((pattern) => pattern.test(specifier))) return `imports ${specifier}`;
  if (!specifier.startsWith('.')) return undefined;
  const target = relative(SHARED, resolve(join(file, '..'), specifier));
  if (target.startsWith('..')) return `imports ${specifier}, outside shared/`;
  const [top] = target.split(sep);
  if (OUTER_LAYERS.has(top) || OUTER_FILES.has(`${top}.ts`) || OUTER_FILES.has(top)) {
    return `imports the outer layer ${specifier}`;
  }
  return undefined;
}

function domainFiles(): string[] {
  return readdirSync(SHARED)
    .filter((name) => statSync(join(SHARED, name)).isDirectory() && !OUTER_LAYERS.has(name))
    .flatMap((name) => sourceFiles(join(SHARED, name)));
}

describe('dependency rule: domain code imports no SDK, Powertools or adapter', () => {
  it('finds the import forms the rule must see', () => {
    const source = [
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
      "import type { X } from '../aws/ledger-store';",
      "export * from '../http/errors';",
      "import '../cli/main';",
      "const lazy = await import('../adapters/openai');",
      "const old = require('@aws-lambda-powertools/logger');",
    ].join('\n');
    expect(importedSpecifiers(source)).toEqual([
      '@aws-sdk/client-dynamodb',
      '../aws/ledger-store',
      '../http/errors',
      '../cli/main',
      '../adapters/openai',
      '@aws-lambda-powertools/logger',
    ]);
    const file = join(SHARED, 'pricing', 'price.ts');
    expect(importedSpecifiers(source).map((specifier) => violation(file, specifier))).toEqual([
      'imports @aws-sdk/client-dynamodb',
      'imports the outer layer ../aws/ledger-store',
      'imports the outer layer ../http/errors',
      'imports the outer layer ../cli/main',
      'imports the outer layer ../adapters/openai',
      'imports @aws-lambda-powertools/logger',
    ]);
    expect(violation(file, '../money')).toBeUndefined();
    expect(violation(file, 'zod')).toBeUndefined();
    expect(violation(file, '../observability')).toBe('imports the outer layer ../observability');
  });

  it('holds for every domain file under shared/', () => {
    const files = domainFiles();
    expect(files.length).toBeGreaterThan(50);
    const problems = files.flatMap((file) =>
      importedSpecifiers(readFileSync(file, 'utf8')).flatMap((specifier) => {
        const why = violation(file, specifier);
        return why ? [`${relative(SHARED, file)} ${why}`] : [];
      }),
    );
    expect(problems).toEqual([]);
  });
});
