/**
 * Issue 18, classes 7 and 8: DynamoDB stopped for a minute while interactions arrive. This file
 * runs its OWN emulators (the harness's DynamoDB Local is shared by every test file), persisted
 * to disk as `npm start` runs them, so DynamoDB can be stopped and started again with its tables,
 * and the DLQ tools meet the same SQS emulator mode a developer's stack has.
 *
 * It takes about 90 s of wall time on purpose: the issue asks for a minute-long outage.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type Emulators, spawnEmulators } from '../../../infra/local/emulators';
import { type LocalStack, startLocalStack } from '../../../infra/local/twin';
import { ENV } from '../../../shared/adapters/aws/config';
import type { DeadLetterSummary } from '../../../shared/adapters/aws/dlq';
import { run as dlq } from '../../../shared/cli/commands/dlq';
import type { CliIo } from '../../../shared/cli/io';
import { writeLocalTarget } from '../../../shared/cli/target';
import { api, openAiChat } from '../../support/stack';

const OUTAGE_MS = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

jest.setTimeout(240_000);

describe('a DynamoDB outage while interactions arrive (issue 18)', () => {
  let dataDir: string;
  let emulators: Emulators;
  let stack: LocalStack;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
    process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
    // Deferred records come back within 3 s here (15 minutes at most on AWS).
    process.env.PROCESS_DEFER_MAX_SECONDS = '3';
    dataDir = mkdtempSync(join(tmpdir(), 'tokentrail-outage-'));
    emulators = await spawnEmulators({ dataDir });
    stack = await startLocalStack({
      port: 0,
      prefix: 'outage',
      emulators,
      // Not 0: fauxqs persisting to disk loses a message whose visibility is set to 0 (see dlq.ts).
      retryDelaySeconds: 1,
      onError: () => undefined,
    });
    env = { TOKENTRAIL_DATA_DIR: dataDir };
    const environment: Record<string, string> = {};
    for (const name of Object.values(ENV)) if (process.env[name]) environment[name] = process.env[name];
    writeLocalTarget(env, {
      url: stack.url,
      dynamodbEndpoint: emulators.dynamodbEndpoint,
      awsEndpoint: emulators.awsEndpoint,
      environment,
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await emulators?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      readStdin: async () => '',
      env,
    };
    const code = await dlq(args, io);
    return { code, stdout: out.join(''), stderr: err.join('') };
  }

  it('stores every accepted interaction once DynamoDB is back, with no redrive; the DLQ holds only the bad record', async () => {
    const accepted: string[] = [];
    const post = async (batch: number) => {
      const interactions = Array.from({ length: 5 }, (_, i) => openAiChat({ id: `outage-${batch}-${i}` }));
      const answer = await api<{ results: { id: string; status: string }[] }>(
        stack,
        'POST',
        '/v1/interactions',
        {
          key: stack.apiKey,
          body: { interactions },
        },
      );
      // Accepted, or refused as a whole with "retry" (never a 500, never a silent loss).
      expect([202, 503]).toContain(answer.status);
      if (answer.status === 202)
        accepted.push(...answer.body.results.filter((r) => r.status === 'accepted').map((r) => r.id));
      return answer.status;
    };

    expect(await post(0)).toBe(202);
    await stack.drain();
    expect((await api(stack, 'GET', '/health?check=dependencies', { key: null })).status).toBe(200);

    // A record bad in itself: it must reach the DLQ, outage or not.
    const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
    const poisonId = (
      await sqs.send(
        new SendMessageCommand({ QueueUrl: stack.resources.ingestQueueUrl, MessageBody: 'not json' }),
      )
    ).MessageId!;

    await emulators.stopDynamoDb();
    const outageEnds = Date.now() + OUTAGE_MS;
    let batch = 1;
    let healthDuringOutage: { status: number; body: Record<string, unknown> } | undefined;
    while (Date.now() < outageEnds) {
      await post(batch++);
      if (batch === 4)
        healthDuringOutage = await api(stack, 'GET', '/health?check=dependencies', { key: null });
      await sleep(3_000);
    }
    expect(healthDuringOutage).toMatchObject({
      status: 503,
      body: {
        ok: false,
        dependencies: { ledgerTable: { ok: false }, keysTable: { ok: false }, payloadBucket: { ok: true } },
      },
    });
    // Ingest kept accepting during the outage (the recently used key stays valid while the keys table is down).
    expect(accepted.length).toBeGreaterThan(5 * 10);

    await emulators.startDynamoDb();
    await stack.drain(120_000);

    const missing: string[] = [];
    for (const id of accepted) {
      const answer = await api(stack, 'GET', `/v1/interactions/${id}`, { key: stack.apiKey });
      if (answer.status !== 200) missing.push(`${id}: ${answer.status}`);
    }
    expect(missing).toEqual([]);

    // The DLQ holds the bad record only; listing it and redriving at once both work locally.
    const listed = await cli('list', '--json');
    expect(listed.code).toBe(0);
    const letters = JSON.parse(listed.stdout) as DeadLetterSummary[];
    expect(letters.map((letter) => letter.messageId)).toEqual([poisonId]);
    expect(letters[0]!.interactionId).toBeUndefined();
    const redriven = await cli('redrive');
    expect(redriven).toMatchObject({ code: 0 });
    expect(JSON.parse(redriven.stdout)).toEqual({ moved: 1, failed: 0 });
    // Still bad: it returns to the DLQ, and nothing else is there.
    await stack.drain(60_000);
    const again = JSON.parse((await cli('list', '--json')).stdout) as DeadLetterSummary[];
    expect(again).toHaveLength(1);
    sqs.destroy();
  });
});
