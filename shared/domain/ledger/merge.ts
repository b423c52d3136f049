/**
 * The lifecycle merge: how the events of one interaction (`started`, `completed`, `content`),
 * in any order and any number of times, become its single record. Pure: it plans conditional
 * writes (no read-modify-write) and, from what a write found, what follows; the ledger store
 * (shared/adapters/aws/ledger-store.ts) only executes the plan. The rules:
 * - `completed` is applied only if no completion was stored yet, so a repeated completion never
 *   prices twice; request-side fields it carries fill gaps only.
 * - `started` sets the request side and the start time (the start event is their authority),
 *   and marks the record in progress only while no completion exists, so a late `started`
 *   never erases completion data.
 * - `content` (messages observed apart from the call) replaces the content part and fills only
 *   what a record needs to exist.
 * - `latencyMs` the client gave wins; else it is derived from `startedAt`/`endedAt` once both are
 *   known ({@link latencyBetween}, the one latency rule).
 * - The sweep marks a record abandoned only while it is in progress and has no completion.
 * This module is the one place that writes the `in_progress` and `abandoned` statuses.
 */
import type { PreparedInteraction } from '../pipeline/prepare';
import { isCatalogMiss } from '../pricing';
import { dayIndexKey, openIndexKey, sessionIndexKey, unpricedIndexKey } from '../table/keys';
import { type PlannedWrite, UpdateBuilder } from '../table/update';
import { type InteractionStatus, type PayloadPart, storedCounts, sumCounts } from './record';

/** Status of a record whose call started and has not completed. */
export const IN_PROGRESS: InteractionStatus = 'in_progress';
/** Status the sweep gives a call that started and never completed in time. */
export const ABANDONED: InteractionStatus = 'abandoned';

/** What the store reports for one event. */
export type SaveOutcome =
  | {
      status: 'created' | 'merged';
      phase: 'started' | 'completed' | 'content';
      payloadStore: 'inline' | 's3';
    }
  | { status: 'duplicate'; phase: 'started' | 'completed' | 'content' };

/** The payload parts of one event, as stored (inline or in the bucket) before the item is written. */
export interface EventParts {
  requestPart?: PayloadPart;
  responsePart?: PayloadPart;
  contentPart?: PayloadPart;
}

/** The stored item as a write returned it (`ALL_OLD`); undefined when there was none. */
export type StoredItem = Readonly<Record<string, unknown>> | undefined;

/** The writes of one event: `write` first; when its condition fails, `fallback`, or none (a duplicate). */
export interface MergePlan {
  write: PlannedWrite;
  /** Written when `write`'s condition failed (a completion is stored); absent: the event is a duplicate. */
  fallback?: PlannedWrite;
}

/** What the executed writes found: whether one was applied, and the item as it was before it. */
export interface MergeResult {
  applied: boolean;
  old: StoredItem;
}

/** What follows once the event's writes are done. */
export interface MergeSettlement {
  outcome: SaveOutcome;
  /** Bucket objects this event wrote or replaced that the record no longer points at: delete them. */
  unreferencedObjects: string[];
  /** Stores the derived latency when it just became known (its condition failing is fine: another event did). */
  latency?: PlannedWrite;
}

/**
 * Milliseconds from start to end, never negative; undefined until both are known.
 *
 * @example
 * latencyBetween('2026-11-20T09:00:00.000Z', '2026-11-20T09:00:01.500Z'); // 1500
 */
export function latencyBetween(startedAt?: string, endedAt?: string): number | undefined {
  if (!startedAt || !endedAt) return undefined;
  return Math.max(0, Date.parse(endedAt) - Date.parse(startedAt));
}

/**
 * The serialized payloads one event stores: the request and response sides, or for a `content`
 * event both sides as one part (`{request, response}`).
 */
export function payloadsToStore(prepared: PreparedInteraction): {
  request?: string;
  response?: string;
  content?: string;
} {
  if (prepared.phase !== 'content') return { request: prepared.requestJson, response: prepared.responseJson };
  const parts = [prepared.requestJson, prepared.responseJson].filter((json) => json !== undefined);
  if (parts.length === 0) return {};
  return { content: JSON.stringify(Object.assign({}, ...parts.map((part) => JSON.parse(part)))) };
}

/**
 * The writes one event makes to its interaction's item.
 *
 * @example
 * const plan = planMerge(prepared, { requestPart, responsePart });
 */
export function planMerge(prepared: PreparedInteraction, parts: EventParts): MergePlan {
  const update = interactionUpdate(prepared, parts);
  const noCompletion = { absent: ['completedAt'] };
  switch (prepared.phase) {
    case 'content':
      return { write: { update } };
    case 'completed':
      return { write: { update, condition: noCompletion } };
    case 'started': {
      const { project, id } = prepared.record;
      const inProgress = update
        .clone()
        .set('status', IN_PROGRESS)
        .set('openPk', openIndexKey(project, id).openPk);
      // Already completed: still record the request side, never the status.
      return { write: { update: inProgress, condition: noCompletion }, fallback: { update } };
    }
  }
}

/**
 * What follows an event's executed writes: the outcome to report, the bucket objects no longer
 * referenced, and the derived latency to store.
 */
export function settleMerge(
  prepared: PreparedInteraction,
  parts: EventParts,
  result: MergeResult,
): MergeSettlement {
  const { phase } = prepared;
  const { old } = result;
  const oldPart = (name: keyof EventParts) => old?.[name] as PayloadPart | undefined;
  const created = old ? ('merged' as const) : ('created' as const);
  if (phase === 'content') {
    return {
      outcome: { status: created, phase, payloadStore: parts.contentPart?.store ?? 'inline' },
      unreferencedObjects: replaced(parts.contentPart, oldPart('contentPart')),
    };
  }
  if (phase === 'completed' && !result.applied) {
    return {
      outcome: { status: 'duplicate', phase },
      unreferencedObjects: [
        ...notKept(parts.requestPart, oldPart('requestPart')),
        ...notKept(parts.responsePart, oldPart('responsePart')),
      ],
    };
  }
  const stores = [parts.requestPart, parts.responsePart, oldPart('requestPart'), oldPart('responsePart')];
  const latency = latencyWrite(prepared, old);
  return {
    outcome: {
      status: created,
      phase,
      payloadStore: stores.some((part) => part?.store === 's3') ? 's3' : 'inline',
    },
    unreferencedObjects:
      phase === 'completed'
        ? // A completion fills the request side only when none was stored.
          notKept(parts.requestPart, oldPart('requestPart') ?? parts.requestPart)
        : replaced(parts.requestPart, oldPart('requestPart')),
    ...(latency ? { latency } : {}),
  };
}

/** Our object, when the record keeps another part instead (a lost race, or a duplicate). */
function notKept(ours: PayloadPart | undefined, kept: PayloadPart | undefined): string[] {
  return ours?.key && kept?.key !== ours.key ? [ours.key] : [];
}

/** The previous object, when our part replaced it. */
function replaced(ours: PayloadPart | undefined, previous: PayloadPart | undefined): string[] {
  return ours && previous?.key && previous.key !== ours.key ? [previous.key] : [];
}

/**
 * Once start and end are both known and no latency was given, stores their difference. The
 * condition pins the values it was computed from, so concurrent events cannot store a stale one.
 */
function latencyWrite(prepared: PreparedInteraction, old: StoredItem): PlannedWrite | undefined {
  const { record, phase } = prepared;
  const startedAt =
    phase === 'started' && prepared.explicitStart
      ? record.startedAt
      : ((old?.startedAt as string | undefined) ?? record.startedAt);
  const endedAt = (old?.endedAt as string | undefined) ?? record.endedAt;
  const completed = phase === 'completed' || old?.completedAt !== undefined;
  const latencyKnown =
    old?.latencyMs !== undefined || (phase === 'completed' && record.latencyMs !== undefined);
  if (!completed || latencyKnown || !startedAt || !endedAt) return undefined;
  return {
    update: new UpdateBuilder().set('latencyMs', latencyBetween(startedAt, endedAt)),
    condition: { absent: ['latencyMs'], equals: { startedAt, endedAt } },
  };
}

/**
 * The update one lifecycle event makes to its interaction's item (see the module header for the
 * merge rules), without the `in_progress` status a start adds only while no completion exists
 * ({@link planMerge}). The cost model builds the item it prices from it, as the processor stores it.
 *
 * @example
 * const item = { ...interactionKey(project, id), ...interactionUpdate(prepared, { requestPart }).attributes() };
 */
export function interactionUpdate(prepared: PreparedInteraction, parts: EventParts): UpdateBuilder {
  const { record, phase } = prepared;
  const { requestPart, responsePart } = parts;
  if (phase === 'content') return contentUpdate(prepared, parts.contentPart);
  const dayKeys = dayIndexKey(record.project, record.timestamp, record.id);
  const sessionKeys = record.sessionId ? sessionIndexKey(record.project, record.sessionId) : undefined;

  const update = identityUpdate(prepared).set('processedAt', record.processedAt);
  // The start event is the authority on when and what was asked; a completion fills gaps only.
  const startAuthority = phase === 'started' && prepared.explicitStart;
  const onStart = (builder: UpdateBuilder, attribute: string, value: unknown) =>
    phase === 'started' ? builder.set(attribute, value) : builder.setIfAbsent(attribute, value);
  for (const [attribute, value] of Object.entries({
    startedAt: record.startedAt,
    timestamp: record.timestamp,
    ...dayKeys,
    ...(sessionKeys ?? {}),
  })) {
    if (startAuthority) update.set(attribute, value);
    else update.setIfAbsent(attribute, value);
  }
  onStart(update, 'provider', record.provider);
  onStart(update, 'sessionId', record.sessionId);
  onStart(update, 'parentId', record.parentId);
  onStart(update, 'userId', record.userId);
  onStart(update, 'traceId', record.traceId);
  onStart(update, 'tags', record.tags);
  if (requestPart) {
    onStart(update, 'requestPart', requestPart);
    // No counts are stored as no attribute; the start authority clears counts of a request it replaces.
    const counts = storedCounts(record.requestRedactions);
    if (counts === undefined && phase === 'started') update.remove('requestRedactions');
    else onStart(update, 'requestRedactions', counts);
  }
  if (phase === 'completed') {
    update
      .set('status', record.status)
      .set('completedAt', record.processedAt)
      .set('model', record.model)
      .set('usage', record.usage)
      .set('cost', record.cost)
      .set('pricedAs', record.pricedAs)
      .set('endedAt', record.endedAt)
      .set('errorClass', record.errorClass)
      .set('batch', record.batch)
      .set('analyze', record.analyze)
      .set('responsePart', responsePart)
      .set('responseRedactions', responsePart ? storedCounts(record.responseRedactions) : undefined);
    if (isCatalogMiss(record.cost.unpricedReason)) {
      for (const [attribute, value] of Object.entries(unpricedIndexKey(record.project, record.id))) {
        update.set(attribute, value);
      }
    }
    // Completed: no longer in the sweep's work queue (removing an absent attribute writes nothing).
    update.remove('openPk');
    // Latency the client measured wins; one derived from this event's own times fills a gap only.
    if (prepared.explicitLatency) update.set('latencyMs', record.latencyMs);
    else update.setIfAbsent('latencyMs', record.latencyMs);
  } else {
    update.setIfAbsent('model', record.model).setIfAbsent('cost', record.cost);
  }
  return update;
}

/** What every event writes for the record to exist; the first event stored sets it. */
function identityUpdate(prepared: PreparedInteraction): UpdateBuilder {
  const { record } = prepared;
  return (
    new UpdateBuilder()
      .setIfAbsent('entity', record.entity)
      .setIfAbsent('id', record.id)
      .setIfAbsent('project', record.project)
      .setIfAbsent('receivedAt', record.receivedAt)
      // Retention (TTL) is fixed by the first event stored; undefined (keep forever) sets nothing.
      .setIfAbsent('expiresAt', prepared.expiresAt)
  );
}

/**
 * The update of a `content` event (messages observed apart from the call, e.g. OTLP log events):
 * it replaces the content part and fills nothing else but what a record needs to exist (never
 * the status, times, usage or cost of a call already stored). Reads overlay the content on the
 * request and response messages the call's own events did not carry.
 */
function contentUpdate(prepared: PreparedInteraction, contentPart: PayloadPart | undefined): UpdateBuilder {
  const { record } = prepared;
  const counts = storedCounts(sumCounts(record.requestRedactions, record.responseRedactions));
  return identityUpdate(prepared)
    .setIfAbsent('provider', record.provider)
    .setIfAbsent('traceId', record.traceId)
    .setIfAbsent('status', IN_PROGRESS)
    .setIfAbsent('cost', record.cost)
    .set('processedAt', record.processedAt)
    .set('contentPart', contentPart)
    .set('contentRedactions', counts);
}

/**
 * The sweep's write for an interaction that started but never completed: abandoned, and out of
 * the sweep's work queue. Conditional: a completion stored meanwhile wins, and a completion
 * arriving later still completes it (its condition only asks for no completion).
 *
 * @example
 * const write = abandonWrite('2026-11-21T09:30:00.000Z');
 */
export function abandonWrite(now: string): PlannedWrite {
  return {
    update: new UpdateBuilder().set('status', ABANDONED).set('abandonedAt', now).remove('openPk'),
    condition: { absent: ['completedAt'], equals: { status: IN_PROGRESS } },
  };
}
