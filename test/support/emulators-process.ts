/**
 * Runs the emulators in a child process for the integration test run: prints one JSON line
 * with their endpoints, then keeps them up until stdin closes or a signal arrives. A child
 * process keeps the ESM-only fauxqs and the Java process out of Jest's module system.
 */
import { startEmulators } from '../../infra/local/emulators';

async function main(): Promise<void> {
  const emulators = await startEmulators();
  const stop = async () => {
    await emulators.stop();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
  process.stdout.write(
    `${JSON.stringify({ dynamodbEndpoint: emulators.dynamodbEndpoint, awsEndpoint: emulators.awsEndpoint })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`emulators failed to start: ${String(error)}\n`);
  process.exit(1);
});
