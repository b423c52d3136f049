import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  activeKey,
  analysisBatchKey,
  analysisCounterKey,
  analysisRequestKey,
  analysisStatusIndexKey,
  anomalyItemKey,
  apiKeyItemKey,
  batchWork,
  budgetEventItemKey,
  catalogVersionKey,
  dayIndexKey,
  idOfDaySortKey,
  interactionKey,
  notificationPartition,
  openIndexKey,
  pendingWork,
  projectSettingsKey,
  reconciliationItemKey,
  repriceCursorKey,
  repriceRunPartition,
  repriceSliceSortKey,
  rollupItemKey,
  sessionIndexKey,
  storedRollupKey,
  unpricedIndexKey,
} from '../../../shared/domain/table/keys';
import { LEDGER_TABLE, ledgerIndex } from '../../../shared/domain/table/layout';
import { PENDING_SHARDS, shardOf } from '../../../shared/domain/table/shards';

describe('table keys: the formats deployed tables hold', () => {
  it('keeps every item key format', () => {
    expect(interactionKey('acme', 'call-42')).toEqual({ pk: 'INT#acme#call-42', sk: 'INT' });
    expect(sessionIndexKey('acme', 's-1')).toEqual({ sessionPk: 'SES#acme#s-1' });
    expect(dayIndexKey('acme', '2026-11-21T09:00:00.000Z', 'call-42')).toEqual({
      dayPk: `DAY#acme#2026-11-21#${shardOf('call-42', 16)}`,
      daySk: '2026-11-21T09:00:00.000Z#call-42',
    });
    expect(unpricedIndexKey('acme', 'call-42')).toEqual({
      unpricedPk: `UNPRICED#acme#${shardOf('call-42', 8)}`,
    });
    expect(openIndexKey('acme', 'call-42')).toEqual({ openPk: `OPEN#acme#${shardOf('call-42', 8)}` });
    expect(apiKeyItemKey('abc')).toEqual({ pk: 'KEY#abc' });
    expect(projectSettingsKey('acme')).toEqual({ pk: 'PROJECT#acme', sk: 'SETTINGS' });
    expect(analysisRequestKey('acme', 'ar_1')).toEqual({ pk: 'AREQ#acme#ar_1', sk: 'AREQ' });
    expect(analysisBatchKey('acme', 'b1')).toEqual({ pk: 'ABATCH#acme', sk: 'ABATCH#b1' });
    expect(analysisCounterKey('acme', 3)).toEqual({ pk: 'ASTAT#acme', sk: 'SHARD#3' });
    expect(analysisStatusIndexKey('acme', 'pending_batching', '2026-11-21T09:00:00.000Z', 'ar_1')).toEqual({
      statusPk: 'ASTATUS#acme#pending_batching',
      statusSk: '2026-11-21T09:00:00.000Z#ar_1',
    });
    expect(batchWork('b1', 'ar_1', 't')).toEqual({ workPk: 'AWORK#batch#b1', workSk: 't#ar_1' });
    expect(activeKey('2026-11-21', 'acme')).toEqual({ pk: 'ACTIVE#2026-11-21', sk: 'acme' });
    expect(anomalyItemKey('acme', 'a1')).toEqual({ pk: 'ANOMALY#acme', sk: 'a1' });
    expect(budgetEventItemKey('acme', 'e1')).toEqual({ pk: 'BUDGET#acme', sk: 'e1' });
    expect(repriceCursorKey('acme', 'UNPRICED#acme#3')).toEqual({
      pk: 'REPRICE#acme',
      sk: 'CURSOR#UNPRICED#acme#3',
    });
    expect(repriceRunPartition('r1')).toBe('REPRICE#RUN#r1');
    expect(repriceSliceSortKey({ shard: 2, hour: 6, hours: 1 })).toBe('SLICE#2#6#1');
    expect(reconciliationItemKey('a/b', { date: '2026-11-21', provider: 'openai', model: 'gpt#4' })).toEqual({
      pk: 'RECON#a%2Fb',
      sk: '2026-11-21#openai#gpt%234',
    });
    expect(catalogVersionKey(42)).toBe('VERSION#000042');
    expect(notificationPartition('acme')).toBe('NOTIFICATION#acme');
  });

  it('keeps the pending-queue shard of every request id (sha-256, first 16 bits)', () => {
    fc.assert(
      fc.property(fc.string(), (id) => {
        const old = createHash('sha256').update(id).digest().readUInt16BE(0) % PENDING_SHARDS;
        expect(pendingWork(id, 't')).toEqual({ workPk: `AWORK#pending#${old}`, workSk: `t#${id}` });
      }),
    );
  });

  it('reads the id back from an interaction index sort key', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (id) => {
        expect(idOfDaySortKey(dayIndexKey('acme', '2026-11-21T09:00:00.000Z', id).daySk)).toBe(id);
      }),
    );
  });

  it('escapes rollup names so that different groups never share a key, and totals never meet a model', () => {
    const base = { granularity: 'day' as const, period: '2026-11-21', project: 'acme', provider: 'openai' };
    expect(rollupItemKey({ ...base, model: 'gpt-4o', tag: { key: 'team', value: 'a#b' } })).toEqual({
      pk: 'ROLLUP#acme#day',
      sk: '2026-11-21#openai#gpt-4o#TAG#team=a%23b',
    });
    expect(storedRollupKey({ ...base, model: '*' }, 'project')).toEqual({
      pk: 'ROLLUP#acme#day',
      sk: '2026-11-21##!',
    });
    expect(storedRollupKey({ ...base, model: '*' }, 'provider')).toEqual({
      pk: 'ROLLUP#acme#day',
      sk: '2026-11-21#openai#!',
    });
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.string(), (m1, m2, p1, p2) => {
        const a = rollupItemKey({ ...base, provider: p1, model: m1 });
        const b = rollupItemKey({ ...base, provider: p2, model: m2 });
        expect(a.sk === b.sk).toBe(p1 === p2 && m1 === m2);
      }),
    );
  });

  it('looks indexes up by name', () => {
    expect(ledgerIndex('byDay').sortKey.name).toBe('daySk');
    expect(LEDGER_TABLE.globalSecondaryIndexes.map((index) => ledgerIndex(index.indexName))).toEqual(
      LEDGER_TABLE.globalSecondaryIndexes,
    );
  });
});
