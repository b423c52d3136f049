/**
 * Runs the emulators in their own process: prints one JSON line with their endpoints, then
 * keeps them up until stdin closes or a signal arrives. A separate process keeps fauxqs (ESM,
 * fastify) and the Java process apart from the handlers' module system, as in AWS.
 *
 * Usage: node --import tsx infra/local/emulators-process.ts [dataDir]
 * stdin: `dynamodb stop` / `dynamodb start` (one a line) stop and restart DynamoDB Local alone.
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
  // Commands, one a line, each answered by one JSON line: `dynamodb stop`, `dynamodb start`.
  const { createInterface } = await import('node:readline');
  createInterface({ input: process.stdin }).on('line', (line) => {
    const command = line.trim();
    const action =
      command === 'dynamodb stop'
        ? emulators.stopDynamoDb()
        : command === 'dynamodb start'
          ? emulators.startDynamoDb()
          : Promise.reject(new Error(`unknown command "${command.slice(0, 40)}"`));
    action.then(
      () => process.stdout.write(`${JSON.stringify({ ok: true })}\n`),
      (error: unknown) => process.stdout.write(`${JSON.stringify({ ok: false, error: String(error) })}\n`),
    );
  });
  process.stdout.write(
    `${JSON.stringify({ dynamodbEndpoint: emulators.dynamodbEndpoint, awsEndpoint: emulators.awsEndpoint })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`emulators failed to start: ${String(error)}\n`);
  process.exit(1);
});
