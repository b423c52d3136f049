import { randomUUID } from 'node:crypto';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { LocalStack } from '../../../infra/local/twin';
import type { DeadLetterSummary } from '../../../shared/adapters/aws/dlq';
import { putStagingObject } from '../../../shared/adapters/aws/payload-store';
import { run as dlq } from '../../../shared/cli/commands/dlq';
import type { CliIo } from '../../../shared/cli/io';
import { ENVELOPE_VERSION } from '../../../shared/domain/ingest/envelope';
import { STAGING_PREFIX } from '../../../shared/domain/ledger/objects';
import { api, openAiChat, startCliTestStack } from '../../support/stack';

/** Unredacted content that must never be printed by the DLQ tools. */
const PLANTED = 'jane.doe@example.com sk-proj-DLQPLANTEDSECRET0000000000000000';

describe('tokentrail dlq list|redrive', () => {
  let stack: LocalStack;
  let sqs: SQSClient;
  let stop: () => Promise<void>;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    ({ stack, env, stop } = await startCliTestStack());
    sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
  });
  afterAll(async () => {
    sqs.destroy();
    await stop();
  });

  /** Runs the command as the CLI would, capturing what it prints. */
  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = {
      stdout: (text) => out.push(text),
      stderr: (text) => err.push(text),
      readStdin: async () => '',
      env,
    };
    const code = await dlq(args, io);
    return { code, stdout: out.join(''), stderr: err.join('') };
  }

  const send = async (body: string) =>
    (await sqs.send(new SendMessageCommand({ QueueUrl: stack.resources.ingestQueueUrl, MessageBody: body })))
      .MessageId!;

  const depth = async (queueUrl: string) => {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(Attributes?.ApproximateNumberOfMessages) +
      Number(Attributes?.ApproximateNumberOfMessagesNotVisible)
    );
  };

  const interactionId = `dlq-${randomUUID()}`;
  const stagingKey = `${STAGING_PREFIX}dlq-test/${randomUUID()}.json`;
  const inline = {
    v: ENVELOPE_VERSION,
    project: 'default',
    id: interactionId,
    receivedAt: new Date().toISOString(),
    interaction: { ...openAiChat({ id: interactionId, sessionId: `session-${interactionId}` }, PLANTED) },
  };
  let poisonId: string;
  let claimCheckId: string;

  it('dead-letters a poison message and a claim check whose object is missing', async () => {
    poisonId = await send(`this is not JSON: ${PLANTED}`);
    claimCheckId = await send(
      JSON.stringify({ ...inline, interaction: undefined, claimCheck: { key: stagingKey } }),
    );
    await stack.drain();
    expect(await depth(stack.resources.deadLetterQueueUrl)).toBe(2);
    expect(await depth(stack.resources.ingestQueueUrl)).toBe(0);
  });

  it('lists ids, receive counts, sent times and sizes, never a body', async () => {
    const listed = await cli('list');
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    const poison = lines.find((line) => line.startsWith(poisonId))!;
    expect(poison).toMatch(
      /receives=\d+ {2}sent=\d{4}-\d\d-\d\dT[\d:.]+Z {2}bytes=\d+ {2}not an ingest envelope$/,
    );
    const claimCheck = lines.find((line) => line.startsWith(claimCheckId))!;
    expect(claimCheck).toContain(`interaction=default/${interactionId}`);
    expect(listed.stdout + listed.stderr).not.toContain('jane.doe');
    expect(listed.stdout + listed.stderr).not.toContain('DLQPLANTEDSECRET');
    expect(listed.stdout).not.toContain('not JSON');
    expect(listed.stderr).toContain('2 message(s)');

    const json = JSON.parse((await cli('list', '--json')).stdout) as DeadLetterSummary[];
    expect(json.map((letter) => letter.messageId).sort()).toEqual([poisonId, claimCheckId].sort());
    expect(JSON.stringify(json)).not.toContain('jane.doe');
    const poisonSummary = json.find((letter) => letter.messageId === poisonId)!;
    expect(poisonSummary.sizeBytes).toBe(Buffer.byteLength(`this is not JSON: ${PLANTED}`));
    // Listing leaves the messages where they were, visible.
    expect(await depth(stack.resources.deadLetterQueueUrl)).toBe(2);
  });

  it('redrives a fixed message back to the ingest queue, where it is stored exactly once', async () => {
    // The fix: the claim-check object exists now.
    await putStagingObject(stagingKey, JSON.stringify(inline));
    const redriven = await cli('redrive', '--id', claimCheckId);
    expect(redriven.code).toBe(0);
    expect(JSON.parse(redriven.stdout)).toEqual({ moved: 1, failed: 0 });
    await stack.drain();

    const stored = await api<{ id: string; redactions: Record<string, number> }>(
      stack,
      'GET',
      `/v1/interactions/${interactionId}`,
    );
    expect(stored.status).toBe(200);
    expect(stored.body.redactions.EMAIL).toBe(1);
    const session = await api<{ interactions: { id: string }[] }>(
      stack,
      'GET',
      `/v1/interactions?sessionId=session-${interactionId}`,
    );
    expect(session.body.interactions.map((item) => item.id)).toEqual([interactionId]);

    // Only the poison message is left, untouched by the selective redrive.
    const left = JSON.parse((await cli('list', '--json')).stdout) as DeadLetterSummary[];
    expect(left.map((letter) => letter.messageId)).toEqual([poisonId]);
  });

  it('redriving everything moves the rest; a poison message dead-letters again, nothing is lost', async () => {
    const redriven = await cli('redrive');
    expect(JSON.parse(redriven.stdout)).toEqual({ moved: 1, failed: 0 });
    await stack.drain();
    const left = JSON.parse((await cli('list', '--json')).stdout) as DeadLetterSummary[];
    expect(left).toHaveLength(1);
    expect(left[0]!.sizeBytes).toBe(Buffer.byteLength(`this is not JSON: ${PLANTED}`));
    // Still one record for the interaction redriven before.
    const session = await api<{ interactions: { id: string }[] }>(
      stack,
      'GET',
      `/v1/interactions?sessionId=session-${interactionId}`,
    );
    expect(session.body.interactions).toHaveLength(1);
  });

  it('answers usage errors with exit code 2', async () => {
    expect((await cli('purge')).code).toBe(2);
    expect((await cli('list', '--max', '0')).code).toBe(2);
  });
});
