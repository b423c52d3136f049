#!/usr/bin/env node
// Installed entry point: registers tsx so the TypeScript CLI runs without a build step.
require('tsx/cjs');
require('./main.ts')
  .main(process.argv.slice(2))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`tokentrail: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
