import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * Starts DynamoDB Local and fauxqs once per test run, in a child process, and hands their
 * endpoints to the test workers through the environment.
 */
export default async function globalSetup(): Promise<void> {
  const root = join(__dirname, '..', '..');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'test/support/emulators-process.ts')],
    {
      cwd: root,
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const endpoints = await new Promise<{ dynamodbEndpoint: string; awsEndpoint: string }>(
    (resolve, reject) => {
      const lines = createInterface({ input: child.stdout });
      lines.once('line', (line) => resolve(JSON.parse(line)));
      child.once('exit', (code) => reject(new Error(`emulators exited early with code ${code}`)));
    },
  );
  process.env.TOKENTRAIL_TEST_DYNAMODB_ENDPOINT = endpoints.dynamodbEndpoint;
  process.env.TOKENTRAIL_TEST_AWS_ENDPOINT = endpoints.awsEndpoint;
  (globalThis as { __tokentrailEmulators?: typeof child }).__tokentrailEmulators = child;
}
