import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { lambdaContext } from '../../../infra/local/api-gateway';
import type { LocalStack } from '../../../infra/local/twin';
import { ENVELOPE_VERSION } from '../../../shared/domain/ingest/envelope';
import { sqsRecord } from '../../support/sqs';
import { api, openAiChat, startTestStack } from '../../support/stack';

const envelope = (id: string, sessionId: string) =>
  JSON.stringify({
    v: ENVELOPE_VERSION,
    project: 'default',
    id,
    receivedAt: new Date().toISOString(),
    interaction: { ...openAiChat({ id, sessionId }), phase: 'completed' },
  });

describe('ingest queue semantics', () => {
  let stack: LocalStack;
  let sqs: SQSClient;

  beforeAll(async () => {
    stack = await startTestStack();
    sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
  });
  afterAll(async () => {
    sqs.destroy();
    await stack.stop();
  });

  const send = (body: string) =>
    sqs.send(new SendMessageCommand({ QueueUrl: stack.resources.ingestQueueUrl, MessageBody: body }));

  const sessionIds = async (sessionId: string) => {
    const answer = await api<{ interactions: { id: string }[] }>(
      stack,
      'GET',
      `/v1/interactions?sessionId=${sessionId}`,
    );
    return answer.body.interactions.map((item) => item.id);
  };

  it('stores a message delivered twice exactly once', async () => {
    const body = envelope('dup-1', 'session-dup');
    await send(body);
    await send(body);
    await stack.drain();
    expect(await sessionIds('session-dup')).toEqual(['dup-1']);
  });

  it('reports only the failing record of a batch, so only it is retried', async () => {
    const { handler } = await import('../../../functions/process/handler');
    const event: SQSEvent = {
      Records: [
        sqsRecord(envelope('batch-1', 'session-batch'), 'm-1'),
        sqsRecord('{"not": "an envelope"}', 'm-2'),
        sqsRecord(envelope('batch-3', 'session-batch'), 'm-3'),
      ],
    };
    const response = await handler(event, lambdaContext('process'));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-2' }]);
    expect(await sessionIds('session-batch')).toEqual(['batch-1', 'batch-3']);
  });

  it('moves a poison record to the DLQ after maxReceiveCount while its batch mates are stored once', async () => {
    await send(envelope('mate-1', 'session-poison'));
    await send('this is not JSON');
    await send(envelope('mate-2', 'session-poison'));
    await stack.drain();

    expect(await sessionIds('session-poison')).toEqual(['mate-1', 'mate-2']);
    const dead = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: stack.resources.deadLetterQueueUrl,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    expect(dead.Messages?.map((message) => message.Body)).toEqual(['this is not JSON']);
  });
});
