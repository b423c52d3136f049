import fc from 'fast-check';
import type { LocalStack } from '../../../infra/local/twin';
import { ENVELOPE_VERSION } from '../../../shared/domain/ingest/envelope';
import { sqsRecord } from '../../support/sqs';
import { api, startTestStack } from '../../support/stack';

const started = (id: string) => ({
  id,
  provider: 'openai',
  model: 'gpt-4o',
  phase: 'started',
  sessionId: 'lifecycle',
  startedAt: '2026-11-20T09:00:00.000Z',
  request: { model: 'gpt-4o', messages: [{ role: 'user', content: 'Reach me at ada@example.com' }] },
  tags: { team: 'search' },
});

const completed = (id: string) => ({
  id,
  provider: 'openai',
  model: 'gpt-4o',
  phase: 'completed',
  endedAt: '2026-11-20T09:00:01.500Z',
  response: {
    model: 'gpt-4o-2024-08-06',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Noted.' } }],
    usage: { prompt_tokens: 1000, completion_tokens: 100 },
  },
});

/** The stored record without what legitimately differs between deliveries (arrival and processing times). */
function comparable(body: Record<string, unknown>) {
  const { receivedAt: _r, ...rest } = body;
  return rest;
}

describe('interaction lifecycle: started and completed merge into one record', () => {
  let stack: LocalStack;
  let processRecord: typeof import('../../../functions/process/handler').processRecord;
  let counter = 0;

  beforeAll(async () => {
    stack = await startTestStack({ startConsumers: false });
    ({ processRecord } = await import('../../../functions/process/handler'));
  });
  afterAll(async () => {
    await stack.stop();
  });

  const deliver = (interaction: Record<string, unknown>) => {
    counter += 1;
    const envelope = {
      v: ENVELOPE_VERSION,
      project: 'default',
      id: interaction.id,
      receivedAt: new Date().toISOString(),
      interaction,
    };
    return processRecord(sqsRecord(envelope, `m-${counter}`), {});
  };
  const read = async (id: string) => (await api(stack, 'GET', `/v1/interactions/${id}`)).body;

  it('shows a started interaction as in progress, then completes it with latency derived', async () => {
    await deliver(started('life-1'));
    expect(await read('life-1')).toMatchObject({ status: 'in_progress', cost: { priced: false } });
    await deliver(completed('life-1'));
    expect(await read('life-1')).toMatchObject({
      status: 'success',
      latencyMs: 1500,
      startedAt: '2026-11-20T09:00:00.000Z',
      endedAt: '2026-11-20T09:00:01.500Z',
      model: 'gpt-4o',
      tokens: { input: 1000, output: 100 },
      // 1000 × $2.50/M + 100 × $10/M
      cost: { priced: true, totalNanoUsd: 3_500_000 },
      redactions: { EMAIL: 1 },
      tags: { team: 'search' },
    });
  });

  it('never lets a late started erase completion data', async () => {
    await deliver(completed('life-2'));
    await deliver(started('life-2'));
    const body = await read('life-2');
    expect(body).toMatchObject({
      status: 'success',
      latencyMs: 1500,
      cost: { priced: true, totalNanoUsd: 3_500_000 },
    });
    expect(JSON.stringify(body.request)).toContain('[REDACTED:EMAIL]');
  });

  it('takes the request side and its redaction counts from the start event, also when it has none', async () => {
    await deliver(completed('life-3'));
    await deliver(started('life-3'));
    expect(await read('life-3')).toMatchObject({ redactions: { EMAIL: 1 } });
    const clean = started('life-3');
    await deliver({ ...clean, request: { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] } });
    const body = await read('life-3');
    expect(body.redactions).toEqual({});
    expect(body).toMatchObject({ status: 'success', tokens: { input: 1000, output: 100 } });
  });
  it('converges to the same record for any order and multiplicity of events, delivered one by one or at once', async () => {
    await deliver(started('reference'));
    await deliver(completed('reference'));
    const reference = comparable(await read('reference'));
    delete reference.id;

    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
        fc.boolean(),
        async (startedCopies, completedCopies, shuffleKeys, concurrently) => {
          counter += 1;
          const id = `prop-${counter}`;
          const events = [
            ...Array.from({ length: startedCopies }, () => started(id)),
            ...Array.from({ length: completedCopies }, () => completed(id)),
          ]
            .map((event, i) => ({ event, key: shuffleKeys[i] ?? i }))
            .sort((a, b) => a.key - b.key)
            .map(({ event }) => event);
          if (concurrently) await Promise.all(events.map((event) => deliver(event)));
          else for (const event of events) await deliver(event);
          const stored = comparable(await read(id));
          delete stored.id;
          expect(stored).toEqual(reference);
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('abandoned interactions', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('marks a started interaction that never completes abandoned after the timeout; a late completion still completes it', async () => {
    const startedAt = '2026-11-21T08:00:00.000Z';
    const first = { ...started('abandon-1'), startedAt };
    const second = { ...started('abandon-2'), startedAt: '2026-11-21T08:50:00.000Z' };
    await api(stack, 'POST', '/v1/interactions', { body: { interactions: [first, second] } });
    await stack.drain();

    const swept = (await stack.runJob('sweep', { now: '2026-11-21T09:30:00.000Z', timeoutMinutes: 60 })) as {
      abandoned: number;
    };
    expect(swept.abandoned).toBe(1);
    expect((await api(stack, 'GET', '/v1/interactions/abandon-1')).body).toMatchObject({
      status: 'abandoned',
    });
    expect((await api(stack, 'GET', '/v1/interactions/abandon-2')).body).toMatchObject({
      status: 'in_progress',
    });
    expect(
      await stack.runJob('sweep', { now: '2026-11-21T09:30:00.000Z', timeoutMinutes: 60 }),
    ).toMatchObject({
      abandoned: 0,
    });

    await api(stack, 'POST', '/v1/interactions', { body: completed('abandon-1') });
    await stack.drain();
    expect((await api(stack, 'GET', '/v1/interactions/abandon-1')).body).toMatchObject({
      status: 'success',
      cost: { priced: true },
    });
  });
});
