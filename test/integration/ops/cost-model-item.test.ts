/**
 * The cost model prices the item it predicts the processor writes. This test stores the same
 * representative interaction through the real processor and checks that the predicted item has
 * the stored item's attributes and billed size, so the model cannot drift from the store.
 */
import { readFileSync } from 'node:fs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { itemBytes, writeUnits } from '../../../infra/cost-model/dynamo-size';
import { representativeItem, SAMPLE_TEXT_FILE } from '../../../infra/cost-model/interaction-item';
import type { LocalStack } from '../../../infra/local/twin';
import { dynamo } from '../../../shared/adapters/aws/clients';
import { ENV, requireEnv } from '../../../shared/adapters/aws/config';
import { sqsRecord } from '../../support/sqs';
import { api, startTestStack } from '../../support/stack';

const TEXT = readFileSync(SAMPLE_TEXT_FILE, 'utf8');

describe('cost model: the predicted item is the stored item', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startTestStack({ startConsumers: false });
    // The model assumes a retention (TTL attribute); give the project the same one.
    expect((await api(stack, 'PUT', '/admin/retention', { body: { days: 365 } })).status).toBe(200);
  });
  afterAll(async () => {
    await stack.stop();
  });

  it.each([
    ['with a session id', true],
    ['without a session id', false],
  ])('2 KB chat completion %s: same attributes, same billed size', async (_, withSession) => {
    const { processRecord } = await import('../../../functions/process/handler');
    // Same id length as the model's own example, one per case.
    const id = withSession ? 'chat-2026-11-22-000043' : 'chat-2026-11-22-000044';
    const expected = representativeItem({ payloadBytes: 2048, text: TEXT, withSession, id });
    await processRecord(sqsRecord(expected.envelope, `m-${id}`), {});

    const { Item: stored } = await dynamo().send(
      new GetCommand({ TableName: requireEnv(ENV.ledgerTable), Key: { pk: `INT#default#${id}`, sk: 'INT' } }),
    );
    expect(stored).toBeDefined();
    expect(Object.keys(stored!).sort()).toEqual(Object.keys(expected.item).sort());
    // Times of processing differ in value, not in length.
    expect(itemBytes(stored!)).toBe(itemBytes(expected.item));
    expect(writeUnits(itemBytes(stored!))).toBe(writeUnits(itemBytes(expected.item)));
  });
});
