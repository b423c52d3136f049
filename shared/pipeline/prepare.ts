/**
 * The processor's domain step: one accepted interaction → normalized usage → redacted
 * payload → priced ledger record. Pure (no AWS): the handler persists what this returns.
 */
import type { InlineEnvelope } from '../ingest/envelope';
import { parseInteraction } from '../interaction/schema';
import type { InteractionPayload, InteractionRecord, InteractionStatus } from '../ledger/record';
import { normalizeUsage } from '../normalize';
import { type PricingRule, priceUsage } from '../pricing';
import type { RedactionCounts, Redactor } from '../redaction';

export interface PrepareContext {
  redactor: Redactor;
  /** Project pricing overrides, consulted before the catalog. */
  pricingRules?: PricingRule[];
  now?: Date;
}

/** A record ready to persist, minus where its payload goes (the store decides by size). */
export interface PreparedInteraction {
  record: Omit<InteractionRecord, 'payloadStore' | 'payload' | 'payloadKey' | 'payloadBytes'>;
  /** Redacted payload, serialized. */
  payloadJson: string;
}

/**
 * Normalizes, redacts and prices one interaction.
 *
 * @throws {InvalidInteractionError} when the queued interaction no longer satisfies the contract.
 * @example
 * const { record, payloadJson } = prepareInteraction(envelope, { redactor: createRedactor() });
 */
export function prepareInteraction(envelope: InlineEnvelope, context: PrepareContext): PreparedInteraction {
  const input = parseInteraction(envelope.interaction);
  const { redactor } = context;
  const counts: RedactionCounts = {};
  const redact = <T>(value: T): T => {
    if (value === undefined) return value;
    const result = redactor.redactValue(value);
    for (const [type, n] of Object.entries(result.counts)) counts[type] = (counts[type] ?? 0) + n;
    return result.value;
  };

  const payload: InteractionPayload = redact({
    request: input.request,
    response: input.response,
    metadata: input.metadata,
    errorMessage: input.errorMessage,
  });
  // Stored in UTC (`Z`), so the day index, rollup periods and string ordering all agree.
  const startedAt = toUtc(input.startedAt);
  const endedAt = toUtc(input.endedAt);
  const timestamp = startedAt ?? endedAt ?? envelope.receivedAt;
  const usage = normalizeUsage({ provider: input.provider, response: input.response, usage: input.usage });
  const cost = priceUsage({
    provider: input.provider,
    model: input.model,
    usage,
    at: timestamp,
    batch: input.batch,
    rules: context.pricingRules,
  });

  const record: PreparedInteraction['record'] = {
    entity: 'interaction',
    id: envelope.id,
    project: envelope.project,
    provider: input.provider,
    model: input.model,
    status: statusOf(input),
    timestamp,
    receivedAt: envelope.receivedAt,
    processedAt: (context.now ?? new Date()).toISOString(),
    startedAt,
    endedAt,
    latencyMs: input.latencyMs ?? latencyBetween(input.startedAt, input.endedAt),
    tokens: usage && {
      input: usage.inputTokens,
      output: usage.outputTokens,
      cachedInput: usage.cachedInputTokens,
      cacheWriteInput: usage.cacheWriteInputTokens,
      reasoning: usage.reasoningTokens,
    },
    cost,
    redactions: counts,
    errorClass: redact(input.errorClass),
    tags: redact(input.tags),
    sessionId: input.sessionId,
    parentId: input.parentId,
    userId: redact(input.userId),
    traceId: input.traceId,
    batch: input.batch,
    analyze: input.analyze,
  };
  return { record, payloadJson: JSON.stringify(payload) };
}

function statusOf(input: ReturnType<typeof parseInteraction>): InteractionStatus {
  if (input.phase === 'started') return 'in_progress';
  if (input.status) return input.status;
  return input.errorClass || input.errorMessage ? 'error' : 'success';
}

function latencyBetween(startedAt?: string, endedAt?: string): number | undefined {
  if (!startedAt || !endedAt) return undefined;
  return Math.max(0, Date.parse(endedAt) - Date.parse(startedAt));
}

function toUtc(timestamp: string | undefined): string | undefined {
  return timestamp === undefined ? undefined : new Date(timestamp).toISOString();
}
