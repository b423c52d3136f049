/**
 * Writes ready-made ledger items straight into the local ledger table (BatchWriteItem, 25 an
 * request, `concurrency` requests at once, unprocessed items retried): for tests of jobs over
 * large days, where posting every interaction through the API would test the processor instead.
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../shared/adapters/aws/clients';
import { ENV } from '../../shared/adapters/aws/config';
import { mapLimit } from '../../shared/domain/concurrency';

export async function seedItems(items: Record<string, unknown>[], concurrency = 32): Promise<void> {
  const batches = Array.from({ length: Math.ceil(items.length / 25) }, (_, index) =>
    items.slice(index * 25, index * 25 + 25),
  );
  const table = process.env[ENV.ledgerTable]!;
  await mapLimit(batches, concurrency, async (batch) => {
    let pending: Record<string, unknown>[] = batch.map((Item) => ({ PutRequest: { Item } }));
    while (pending.length > 0) {
      const result = await dynamo().send(
        new BatchWriteCommand({ RequestItems: { [table]: pending as never } }),
      );
      pending = (result.UnprocessedItems?.[table] ?? []) as Record<string, unknown>[];
    }
  });
}
