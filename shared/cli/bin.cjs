#!/usr/bin/env node
// Entry point: checks the Node.js version before anything else loads, then runs the CLI.
// - Bundled (shared/cli/build.mjs → dist/tokentrail.cjs, the package's `bin`, built by `prepare` at
//   `npm install`): the commands are in the bundle and start in tens of milliseconds.
// - Unbundled (`npm start`), and `local` always, since it starts the TypeScript handlers and
//   emulators: the TypeScript sources run through tsx.
'use strict';
const { spawn } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { nodeVersionProblem } = require('./node-version.cjs');

// TOKENTRAIL_NODE_VERSION: the version the check believes (tests simulate an older Node with it).
const problem = nodeVersionProblem(process.env.TOKENTRAIL_NODE_VERSION || process.versions.node);
if (problem) {
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}

const args = process.argv.slice(2);
// Defined by the bundler only.
const bundled = typeof __TOKENTRAIL_COMMANDS__ !== 'undefined';
if (bundled && args[0] !== 'local') {
  // V8's compiled code is cached on disk (Node >= 22.1), so later starts skip most parsing.
  require('node:module').enableCompileCache?.();
  require('./main.ts').runCli(args);
} else {
  const cliDir = existsSync(join(__dirname, 'main.ts')) ? __dirname : join(__dirname, '..', 'shared', 'cli');
  // `--conditions=import` lets CommonJS code load ESM-only packages (middy) through require(esm).
  const child = spawn(
    process.execPath,
    ['--conditions=import', '--import', 'tsx', join(cliDir, 'main.ts'), ...args],
    { stdio: 'inherit' },
  );
  // Ctrl-C reaches the child as well (same terminal): it stops its emulators and exits; wait for it.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
}
