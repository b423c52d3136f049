import { spawnEmulators } from '../../infra/local/emulators';

/**
 * Starts DynamoDB Local and fauxqs once per test run, in a child process, and hands their
 * endpoints to the test workers through the environment.
 */
export default async function globalSetup(): Promise<void> {
  const emulators = await spawnEmulators();
  process.env.TOKENTRAIL_TEST_DYNAMODB_ENDPOINT = emulators.dynamodbEndpoint;
  process.env.TOKENTRAIL_TEST_AWS_ENDPOINT = emulators.awsEndpoint;
  (globalThis as { __tokentrailEmulators?: typeof emulators }).__tokentrailEmulators = emulators;
}
