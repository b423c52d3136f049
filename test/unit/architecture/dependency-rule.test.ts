import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/**
 * The design's one-way dependency rule, checked on every file: domain code (`shared/domain/`)
 * imports neither the AWS SDK, Powertools, middy, CDK nor anything outside `shared/domain/`
 * (adapters, HTTP, CLI, client, infra). The folder says the role, so a new domain module is
 * checked by being where it belongs, and one that reaches out cannot hide in a folder of its own.
 */
const SHARED = resolve(__dirname, '../../../shared');
const DOMAIN = join(SHARED, 'domain');

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

/** Why importing `specifier` from the domain file `file` breaks the rule, or undefined when it does not. */
function violation(file: string, specifier: string): string | undefined {
  if (FORBIDDEN_PACKAGES.some((pattern) => pattern.test(specifier))) return `imports ${specifier}`;
  if (!specifier.startsWith('.')) return undefined;
  const target = relative(DOMAIN, resolve(join(file, '..'), specifier));
  if (target.startsWith('..')) return `imports ${specifier}, outside shared/domain/`;
  return undefined;
}

describe('dependency rule: domain code imports no SDK, Powertools or adapter', () => {
  it('finds the import forms the rule must see', () => {
    const source = [
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
      "import type { X } from '../../adapters/aws/ledger-store';",
      "export * from '../../http/errors';",
      "import '../../cli/main';",
      "const lazy = await import('../../adapters/openai');",
      "const old = require('@aws-lambda-powertools/logger');",
    ].join('\n');
    expect(importedSpecifiers(source)).toEqual([
      '@aws-sdk/client-dynamodb',
      '../../adapters/aws/ledger-store',
      '../../http/errors',
      '../../cli/main',
      '../../adapters/openai',
      '@aws-lambda-powertools/logger',
    ]);
    const file = join(DOMAIN, 'pricing', 'price.ts');
    expect(importedSpecifiers(source).map((specifier) => violation(file, specifier))).toEqual([
      'imports @aws-sdk/client-dynamodb',
      'imports ../../adapters/aws/ledger-store, outside shared/domain/',
      'imports ../../http/errors, outside shared/domain/',
      'imports ../../cli/main, outside shared/domain/',
      'imports ../../adapters/openai, outside shared/domain/',
      'imports @aws-lambda-powertools/logger',
    ]);
    expect(violation(file, '../money')).toBeUndefined();
    expect(violation(file, 'zod')).toBeUndefined();
    expect(violation(file, '../../adapters/observability')).toBe(
      'imports ../../adapters/observability, outside shared/domain/',
    );
    expect(violation(file, '../ledger/keys')).toBeUndefined();
  });

  it('holds for every file under shared/domain/', () => {
    const files = sourceFiles(DOMAIN);
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
