// Bundles the CLI (entry shared/cli/bin.cjs) into dist/tokentrail.cjs, the package's `bin` (run by
// `npm install` through the `prepare` script):
// one file of our own code, so a command starts without transpiling TypeScript. The small
// libraries every quick command loads (zod, re2js) are bundled too, since Node spends more time
// finding and reading their many files than running them; middy ships ESM only and is bundled.
// The rest (AWS SDK, OpenAI…) stays in node_modules and loads only when a command needs it.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const commands = readdirSync(join(root, 'shared/cli/commands'))
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
  .map((file) => file.slice(0, -3))
  .sort();

const BUNDLED = ['@middy', 'zod', 're2js'];

await build({
  entryPoints: [join(root, 'shared/cli/bin.cjs')],
  outfile: join(root, 'dist/tokentrail.cjs'),
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  external: [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})].filter(
    (name) => !BUNDLED.some((prefix) => name === prefix || name.startsWith(`${prefix}/`)),
  ),
  define: { __TOKENTRAIL_COMMANDS__: JSON.stringify(commands) },
  minify: true,
  // Stack traces still name our files and functions.
  keepNames: true,
  logLevel: 'warning',
});
