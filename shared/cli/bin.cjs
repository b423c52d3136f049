#!/usr/bin/env node
// Installed entry point: runs the TypeScript CLI through tsx. `--conditions=import` lets
// CommonJS code load ESM-only packages (middy) through Node 22's require(esm).
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const result = spawnSync(
  process.execPath,
  ['--conditions=import', '--import', 'tsx', join(__dirname, 'main.ts'), ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
process.exitCode = result.status ?? 1;
