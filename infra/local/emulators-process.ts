/**
 * Runs the emulators in their own process: prints one JSON line with their endpoints, then
 * keeps them up until stdin closes or a signal arrives. A separate process keeps fauxqs (ESM,
 * fastify) and the Java process apart from the handlers' module system, as in AWS.
 *
 * Usage: node --import tsx infra/local/emulators-process.ts [dataDir]
 */
import { startEmulators } from './emulators';

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  const emulators = await startEmulators(dataDir ? { dataDir } : {});
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await emulators.stop();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  process.stdout.write(
    `${JSON.stringify({ dynamodbEndpoint: emulators.dynamodbEndpoint, awsEndpoint: emulators.awsEndpoint })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`emulators failed to start: ${String(error)}\n`);
  process.exit(1);
});
