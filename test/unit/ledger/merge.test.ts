import fc from 'fast-check';
import { ENVELOPE_VERSION } from '../../../shared/domain/ingest/envelope';
import {
  abandonWrite,
  type EventParts,
  latencyBetween,
  type MergeResult,
  payloadsToStore,
  planMerge,
  type SaveOutcome,
  settleMerge,
} from '../../../shared/domain/ledger/merge';
import { inlinePart, type PayloadPart } from '../../../shared/domain/ledger/record';
import { type PreparedInteraction, prepareInteraction } from '../../../shared/domain/pipeline/prepare';
import { createRedactor } from '../../../shared/domain/redaction';
import { conditionHolds, type PlannedWrite } from '../../../shared/domain/table/update';

/**
 * The lifecycle merge plan, executed against one in-memory item with DynamoDB's semantics for a
 * conditional UpdateItem (`ALL_OLD` returned whether or not the condition held). Each event is a
 * sequence of writes; interleaving the writes of several events is what concurrent deliveries do.
 * The integration tests (test/integration/pipeline/lifecycle.test.ts) prove the same on DynamoDB Local.
 */
type Item = Record<string, unknown>;

interface Cell {
  item?: Item;
  /** Bucket objects the merge said no record points at any more. */
  deleted: string[];
}

function run(cell: Cell, write: PlannedWrite): MergeResult {
  const old = cell.item;
  if (write.condition && !conditionHolds(write.condition, old)) return { applied: false, old };
  cell.item = write.update.applyTo(old ?? {});
  return { applied: true, old };
}

/** One event's writes, pausing before each so a scheduler can interleave events. */
function* save(cell: Cell, prepared: PreparedInteraction, parts: EventParts): Generator<void, SaveOutcome> {
  const plan = planMerge(prepared, parts);
  yield;
  let result = run(cell, plan.write);
  if (!result.applied && plan.fallback) {
    yield;
    result = run(cell, plan.fallback);
  }
  const settled = settleMerge(prepared, parts, result);
  cell.deleted.push(...settled.unreferencedObjects);
  if (settled.latency) {
    yield;
    run(cell, settled.latency);
  }
  return settled.outcome;
}

function saveNow(cell: Cell, prepared: PreparedInteraction, parts = inlineParts(prepared)): SaveOutcome {
  const steps = save(cell, prepared, parts);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Runs events with their writes interleaved in the order `choices` picks. */
function interleave(cell: Cell, events: PreparedInteraction[], choices: number[]): void {
  const running = events.map((prepared) => save(cell, prepared, inlineParts(prepared)));
  let turn = 0;
  while (running.length > 0) {
    const at = (choices[turn++ % Math.max(1, choices.length)] ?? 0) % running.length;
    if (running[at]!.next().done) running.splice(at, 1);
  }
}

function inlineParts(prepared: PreparedInteraction): EventParts {
  const payloads = payloadsToStore(prepared);
  const part = (json: string | undefined) => (json === undefined ? undefined : inlinePart(json));
  return {
    requestPart: part(payloads.request),
    responsePart: part(payloads.response),
    contentPart: part(payloads.content),
  };
}

const NOW = new Date('2026-11-20T09:00:05.000Z');

function prepare(interaction: Record<string, unknown>, now = NOW): PreparedInteraction {
  return prepareInteraction(
    {
      v: ENVELOPE_VERSION,
      project: 'default',
      id: interaction.id as string,
      receivedAt: '2026-11-20T09:00:02.000Z',
      interaction,
    },
    { redactor: createRedactor(), now },
  );
}

// The same events as the integration test's.
const started = (id: string, extra: Record<string, unknown> = {}) =>
  prepare({
    id,
    provider: 'openai',
    model: 'gpt-4o',
    phase: 'started',
    sessionId: 'lifecycle',
    startedAt: '2026-11-20T09:00:00.000Z',
    request: { model: 'gpt-4o', messages: [{ role: 'user', content: 'Reach me at ada@example.com' }] },
    tags: { team: 'search' },
    ...extra,
  });

const completed = (id: string, extra: Record<string, unknown> = {}, now = NOW) =>
  prepare(
    {
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
      ...extra,
    },
    now,
  );

const emptyCell = (): Cell => ({ deleted: [] });

function reference(): Item {
  const cell = emptyCell();
  saveNow(cell, started('call'));
  saveNow(cell, completed('call'));
  return cell.item!;
}

describe('lifecycle merge plan', () => {
  it('shows a started interaction as in progress, then completes it with latency derived', () => {
    const cell = emptyCell();
    expect(saveNow(cell, started('call'))).toEqual({
      status: 'created',
      phase: 'started',
      payloadStore: 'inline',
    });
    expect(cell.item).toMatchObject({
      status: 'in_progress',
      cost: { priced: false },
      openPk: expect.any(String),
    });
    expect(saveNow(cell, completed('call'))).toEqual({
      status: 'merged',
      phase: 'completed',
      payloadStore: 'inline',
    });
    expect(cell.item).toMatchObject({
      status: 'success',
      latencyMs: 1500,
      startedAt: '2026-11-20T09:00:00.000Z',
      endedAt: '2026-11-20T09:00:01.500Z',
      model: 'gpt-4o',
      cost: { priced: true, totalNanos: 3_500_000 },
      requestRedactions: { EMAIL: 1 },
      tags: { team: 'search' },
    });
    expect(cell.item).not.toHaveProperty('openPk');
  });

  it('never lets a late started erase completion data, and still takes its request side', () => {
    const cell = emptyCell();
    saveNow(cell, completed('call'));
    expect(cell.item).not.toHaveProperty('latencyMs');
    expect(saveNow(cell, started('call'))).toMatchObject({ status: 'merged', phase: 'started' });
    expect(cell.item).toMatchObject({
      status: 'success',
      latencyMs: 1500,
      cost: { priced: true, totalNanos: 3_500_000 },
      requestRedactions: { EMAIL: 1 },
      startedAt: '2026-11-20T09:00:00.000Z',
      timestamp: '2026-11-20T09:00:00.000Z',
    });
    expect(cell.item).not.toHaveProperty('openPk');
  });

  it('takes the request side and its redaction counts from the start event, also when it has none', () => {
    const cell = emptyCell();
    saveNow(cell, completed('call'));
    saveNow(cell, started('call'));
    saveNow(
      cell,
      started('call', { request: { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] } }),
    );
    expect(cell.item).not.toHaveProperty('requestRedactions');
    expect(cell.item).toMatchObject({ status: 'success', usage: { inputTokens: 1000, outputTokens: 100 } });
  });

  it('reports a repeated completion as a duplicate and never prices it twice', () => {
    const cell = emptyCell();
    saveNow(cell, started('call'));
    saveNow(cell, completed('call'));
    const before = cell.item;
    const redelivered = completed(
      'call',
      { response: { model: 'gpt-4o', usage: { prompt_tokens: 5, completion_tokens: 5 } } },
      new Date('2026-11-20T10:00:01.000Z'),
    );
    expect(saveNow(cell, redelivered)).toEqual({ status: 'duplicate', phase: 'completed' });
    expect(cell.item).toBe(before);
  });

  it('converges to the same record for any order and multiplicity of events, one by one or interleaved', () => {
    const expected = reference();
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
        fc.array(fc.nat({ max: 5 }), { minLength: 1, maxLength: 24 }),
        fc.boolean(),
        (startedCopies, completedCopies, shuffleKeys, choices, concurrently) => {
          const events = [
            ...Array.from({ length: startedCopies }, () => started('call')),
            ...Array.from({ length: completedCopies }, () => completed('call')),
          ]
            .map((event, i) => ({ event, key: shuffleKeys[i] ?? i }))
            .sort((a, b) => a.key - b.key)
            .map(({ event }) => event);
          const cell = emptyCell();
          if (concurrently) interleave(cell, events, choices);
          else for (const event of events) saveNow(cell, event);
          expect(cell.item).toEqual(expected);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('reports every completion after the first as a duplicate, in any order', () => {
    for (const order of [
      ['completed', 'completed', 'started'],
      ['started', 'completed', 'completed'],
      ['completed', 'started', 'completed'],
    ]) {
      const cell = emptyCell();
      const outcomes = order.map((phase) =>
        saveNow(cell, phase === 'started' ? started('call') : completed('call')),
      );
      const completions = outcomes.filter((outcome) => outcome.phase === 'completed');
      expect(completions.map((outcome) => outcome.status)).toEqual([
        order[0] === 'completed' ? 'created' : 'merged',
        'duplicate',
      ]);
      expect(outcomes.filter((outcome) => outcome.phase === 'started').map((o) => o.status)).not.toContain(
        'duplicate',
      );
    }
  });

  it('keeps a latency the client gave over one derived from the times', () => {
    const cell = emptyCell();
    saveNow(cell, started('call'));
    saveNow(cell, completed('call', { latencyMs: 1234 }));
    expect(cell.item?.latencyMs).toBe(1234);
    const late = emptyCell();
    saveNow(late, completed('call', { latencyMs: 1234 }));
    saveNow(late, started('call'));
    expect(late.item?.latencyMs).toBe(1234);
  });

  it('never stores a latency computed from a start time that a later start replaced meanwhile', () => {
    const cell = emptyCell();
    saveNow(cell, started('call'));
    const completion = save(cell, completed('call'), inlineParts(completed('call')));
    const restart = started('call', { startedAt: '2026-11-20T09:00:01.000Z' });
    const correction = save(cell, restart, inlineParts(restart));
    completion.next(); // paused before its write
    completion.next(); // applied; its latency (from 09:00:00) waits
    correction.next(); // paused before its write
    correction.next(); // refused (completed); paused before the fallback
    correction.next(); // the later start time stored; its latency (from 09:00:01) waits
    for (let step = completion.next(); !step.done; step = completion.next()); // the stale latency write
    for (let step = correction.next(); !step.done; step = correction.next()); // the right one
    expect(cell.item).toMatchObject({ startedAt: '2026-11-20T09:00:01.000Z', latencyMs: 500 });
  });

  it('derives latency by one rule, never negative', () => {
    expect(latencyBetween('2026-11-20T09:00:00.000Z', '2026-11-20T09:00:01.500Z')).toBe(1500);
    expect(latencyBetween('2026-11-20T09:00:02.000Z', '2026-11-20T09:00:01.500Z')).toBe(0);
    expect(latencyBetween(undefined, '2026-11-20T09:00:01.500Z')).toBeUndefined();
    expect(completed('call', { startedAt: '2026-11-20T09:00:00.000Z' }).record.latencyMs).toBe(1500);
  });

  it('sets in_progress only from the merge: a prepared start carries no status', () => {
    expect(started('call').record.status).toBeUndefined();
    expect(completed('call').record.status).toBe('success');
    expect(completed('call', { errorClass: 'RateLimitError' }).record.status).toBe('error');
  });

  it('abandons only an in-progress call without completion; a late completion still completes it', () => {
    const cell = emptyCell();
    saveNow(cell, started('call'));
    expect(run(cell, abandonWrite('2026-11-21T09:30:00.000Z')).applied).toBe(true);
    expect(cell.item).toMatchObject({ status: 'abandoned', abandonedAt: '2026-11-21T09:30:00.000Z' });
    expect(cell.item).not.toHaveProperty('openPk');
    expect(run(cell, abandonWrite('2026-11-21T09:31:00.000Z')).applied).toBe(false);
    expect(saveNow(cell, completed('call')).status).toBe('merged');
    expect(cell.item).toMatchObject({ status: 'success', latencyMs: 1500, cost: { priced: true } });
    expect(run(cell, abandonWrite('2026-11-21T09:32:00.000Z')).applied).toBe(false);
  });

  it('never abandons a completed call nor one that does not exist', () => {
    const cell = emptyCell();
    expect(run(cell, abandonWrite('2026-11-21T09:30:00.000Z')).applied).toBe(false);
    saveNow(cell, completed('call'));
    expect(run(cell, abandonWrite('2026-11-21T09:30:00.000Z')).applied).toBe(false);
  });

  it('sets a content event on the record whatever its state, never its status, times or cost', () => {
    const content = prepare({
      id: 'call',
      provider: 'openai',
      model: 'gpt-4o',
      phase: 'content',
      request: { messages: [{ role: 'user', content: 'Reach me at ada@example.com' }] },
      response: { choices: [{ index: 0, message: { role: 'assistant', content: 'Noted.' } }] },
    });
    const first = emptyCell();
    expect(saveNow(first, content)).toEqual({ status: 'created', phase: 'content', payloadStore: 'inline' });
    expect(first.item).toMatchObject({ status: 'in_progress', contentRedactions: { EMAIL: 1 } });
    const done = emptyCell();
    saveNow(done, started('call'));
    saveNow(done, completed('call'));
    const before = { ...done.item };
    expect(saveNow(done, content).status).toBe('merged');
    expect(done.item).toMatchObject({
      status: before.status,
      cost: before.cost,
      latencyMs: before.latencyMs,
      startedAt: before.startedAt,
      contentPart: expect.any(Object),
    });
    expect(JSON.parse(payloadsToStore(content).content!)).toMatchObject({
      request: { messages: [{ content: 'Reach me at [REDACTED:EMAIL]' }] },
      response: { choices: [{ message: { content: 'Noted.' } }] },
    });
  });

  describe('payload objects in the bucket', () => {
    const s3 = (key: string): PayloadPart => ({ store: 's3', key, bytes: 70_000 });

    it('deletes our objects when a completion turns out to be a duplicate', () => {
      const cell = emptyCell();
      saveNow(cell, completed('call'), { requestPart: s3('req-1'), responsePart: s3('resp-1') });
      expect(
        saveNow(cell, completed('call'), { requestPart: s3('req-2'), responsePart: s3('resp-2') }),
      ).toEqual({
        status: 'duplicate',
        phase: 'completed',
      });
      expect(cell.deleted).toEqual(['req-2', 'resp-2']);
      expect(cell.item).toMatchObject({ requestPart: s3('req-1'), responsePart: s3('resp-1') });
    });

    it("deletes a completion's request object when the start's is kept", () => {
      const cell = emptyCell();
      saveNow(cell, started('call'), { requestPart: s3('req-start') });
      expect(
        saveNow(cell, completed('call'), { requestPart: s3('req-end'), responsePart: s3('resp') }),
      ).toEqual({
        status: 'merged',
        phase: 'completed',
        payloadStore: 's3',
      });
      expect(cell.deleted).toEqual(['req-end']);
      expect(cell.item).toMatchObject({ requestPart: s3('req-start'), responsePart: s3('resp') });
    });

    it('deletes the object a later start replaces, never the one it keeps', () => {
      const cell = emptyCell();
      saveNow(cell, completed('call'), { requestPart: s3('req-end'), responsePart: s3('resp') });
      saveNow(cell, started('call'), { requestPart: s3('req-start') });
      saveNow(cell, started('call'), { requestPart: s3('req-start') });
      expect(cell.deleted).toEqual(['req-end']);
      saveNow(cell, started('call'), { requestPart: inlinePart('{}') });
      expect(cell.deleted).toEqual(['req-end', 'req-start']);
    });

    it('deletes the content object a later content event replaces', () => {
      const content = prepare({
        id: 'call',
        provider: 'openai',
        model: 'gpt-4o',
        phase: 'content',
        request: {},
      });
      const cell = emptyCell();
      expect(saveNow(cell, content, { contentPart: s3('c-1') })).toMatchObject({ payloadStore: 's3' });
      saveNow(cell, content, { contentPart: s3('c-2') });
      expect(cell.deleted).toEqual(['c-1']);
    });
  });
});
