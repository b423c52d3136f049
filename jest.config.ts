import type { Config } from 'jest';

/**
 * Three projects, so that `npm test` runs everything while unit tests never
 * wait for the emulators:
 * - unit: domain code, no network;
 * - infra: CDK template assertions and cdk-nag, offline;
 * - integration: real handlers against DynamoDB Local, fauxqs and the OpenAI
 *   Batch API emulator, which the global setup starts once per run.
 *
 * TypeScript is compiled by SWC. `@middy/*` ships ESM only: it is mapped to its
 * ESM entry file and transformed to CommonJS like our own code.
 */
const common = {
  transform: { '^.+\\.(c|m)?(t|j)sx?$': ['@swc/jest', {}] as [string, Record<string, unknown>] },
  // OpenTelemetry's exporter loads node:http with a dynamic import, which Jest's VM can only run once compiled.
  transformIgnorePatterns: ['/node_modules/(?!(@middy|@opentelemetry)/)'],
  moduleNameMapper: { '^@middy/([a-z-]+)$': '<rootDir>/node_modules/@middy/$1/index.js' },
  testEnvironment: 'node',
};

const config: Config = {
  // Integration tests wait for queues to drain; unit tests finish in milliseconds anyway.
  testTimeout: 60_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};

export default config;
