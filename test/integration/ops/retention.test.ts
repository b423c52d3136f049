import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalStack } from '../../../infra/local/twin';
import { dynamo } from '../../../shared/adapters/aws/clients';
import { ENV } from '../../../shared/adapters/aws/config';
import { interactionKey } from '../../../shared/domain/table/keys';
import { api, openAiChat, startTestStack } from '../../support/stack';

describe('retention', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack.stop());

  const stored = async (id: string) =>
    (
      await dynamo().send(
        new GetCommand({ TableName: process.env[ENV.ledgerTable]!, Key: interactionKey(stack.project, id) }),
      )
    ).Item;

  it('keeps interactions forever by default, then expires them after the project retention', async () => {
    expect((await api(stack, 'GET', '/admin/retention')).body).toMatchObject({
      retention: { days: 0 },
      source: 'default',
    });
    const startedAt = '2026-03-01T10:00:00.000Z';
    await api(stack, 'POST', '/v1/interactions', { body: openAiChat({ id: 'keep-1', startedAt }) });
    await stack.drain();
    expect((await stored('keep-1'))?.expiresAt).toBeUndefined();

    expect((await api(stack, 'PUT', '/admin/retention', { body: { days: -1 } })).status).toBe(400);
    const saved = await api(stack, 'PUT', '/admin/retention', { body: { days: 30 } });
    expect(saved.status).toBe(200);
    expect((await api(stack, 'GET', '/admin/retention')).body).toMatchObject({
      retention: { days: 30 },
      source: 'project',
    });
    await api(stack, 'POST', '/v1/interactions', { body: openAiChat({ id: 'expire-1', startedAt }) });
    await stack.drain();
    // From the interaction's own timestamp, in epoch seconds (DynamoDB TTL).
    expect((await stored('expire-1'))?.expiresAt).toBe(Date.parse(startedAt) / 1000 + 30 * 86_400);
  });
});
