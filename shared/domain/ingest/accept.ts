/**
 * Ingest's domain step: a request body → validated interactions with ids, ready to queue,
 * and a per-item result for each. Pure (no AWS).
 */
import { randomUUID } from 'node:crypto';
import type { InputIssue } from '../interaction/errors';
import { InvalidInteractionError } from '../interaction/errors';
import { MAX_INTERACTIONS_PER_REQUEST, parseInteraction } from '../interaction/schema';
import { createRedactor, type Redactor } from '../redaction';
import { ENVELOPE_VERSION, type InlineEnvelope } from './envelope';

/**
 * Fields stored as sent (keys, index entries, log fields, metric dimensions), so never redacted:
 * a value the built-in detectors would redact is refused instead.
 */
const VERBATIM_FIELDS = ['id', 'sessionId', 'parentId', 'traceId', 'model'] as const;

let builtinRedactor: Redactor | undefined;

/** Issues for verbatim fields that hold personal data or a secret (the type is named, never the value). */
function personalDataIssues(
  interaction: Partial<Record<(typeof VERBATIM_FIELDS)[number], string>>,
  prefix: (string | number)[],
  modelFromResponse: boolean,
): InputIssue[] {
  builtinRedactor ??= createRedactor();
  const issues: InputIssue[] = [];
  for (const field of VERBATIM_FIELDS) {
    const value = interaction[field];
    if (value === undefined) continue;
    const found = Object.keys(builtinRedactor.redactText(value).counts);
    if (found.length > 0) {
      issues.push({
        path: [...prefix, ...(field === 'model' && modelFromResponse ? ['response'] : []), field].join('.'),
        message: `looks like ${found.join(', ')}; identifiers are stored and logged as sent, so send an opaque one`,
      });
    }
  }
  return issues;
}

export type ItemResult =
  | { index: number; id: string; status: 'accepted' }
  | { index: number; id?: string; status: 'rejected'; issues: InputIssue[] }
  | { index: number; id: string; status: 'failed'; retryable: true; code: string };

export interface AcceptedBatch {
  /** Interactions to queue, in request order. */
  envelopes: InlineEnvelope[];
  /** One result per request item; `accepted` until queueing says otherwise. */
  results: ItemResult[];
  /** True when the body was `{"interactions": [...]}` rather than one interaction. */
  batched: boolean;
}

/**
 * Validates a request body: one interaction, or `{"interactions": [...]}` with up to 100.
 * Each item is validated on its own; issue paths name the item (`interactions.3.model`).
 * Throws only when the envelope itself is wrong (then nothing is accepted).
 *
 * @throws {InvalidInteractionError} when the body is neither shape, or has too many items.
 * @example
 * const { envelopes, results } = acceptInteractions(body, { project: 'default', now: new Date() });
 */
export function acceptInteractions(body: unknown, context: { project: string; now: Date }): AcceptedBatch {
  const batched = !!body && typeof body === 'object' && !Array.isArray(body) && 'interactions' in body;
  const items = batched ? (body as { interactions: unknown }).interactions : [body];
  if (!Array.isArray(items)) {
    throw new InvalidInteractionError([{ path: 'interactions', message: 'expected an array' }]);
  }
  if (batched && Object.keys(body as object).length > 1) {
    const extra = Object.keys(body as object).filter((key) => key !== 'interactions');
    throw new InvalidInteractionError(extra.map((key) => ({ path: key, message: 'unrecognized key' })));
  }
  if (items.length === 0 || items.length > MAX_INTERACTIONS_PER_REQUEST) {
    throw new InvalidInteractionError([
      {
        path: 'interactions',
        message: `expected 1 to ${MAX_INTERACTIONS_PER_REQUEST} interactions, got ${items.length}`,
      },
    ]);
  }

  const receivedAt = context.now.toISOString();
  const envelopes: InlineEnvelope[] = [];
  const results: ItemResult[] = [];
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const prefix = batched ? ['interactions', index] : [];
    try {
      const interaction = parseInteraction(item, prefix);
      const personal = personalDataIssues(
        interaction,
        prefix,
        (item as { model?: unknown }).model === undefined,
      );
      if (personal.length > 0) throw new InvalidInteractionError(personal);
      const id = interaction.id ?? randomUUID();
      // A repeated event (same id and phase) in one request is a duplicate; events of different
      // phases (`started`, then `completed`) are each queued, and the processor merges them.
      const event = `${id}\u0000${interaction.phase}`;
      if (seen.has(event)) {
        results.push({ index, id, status: 'accepted' });
        return;
      }
      seen.add(event);
      envelopes.push({
        v: ENVELOPE_VERSION,
        project: context.project,
        id,
        receivedAt,
        interaction: { ...interaction, id },
      });
      results.push({ index, id, status: 'accepted' });
    } catch (error) {
      if (!(error instanceof InvalidInteractionError)) throw error;
      results.push({ index, status: 'rejected', issues: error.issues });
    }
  });
  return { envelopes, results, batched };
}
