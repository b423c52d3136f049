/**
 * The processor's domain step: one accepted lifecycle event (`started`, `completed` or `content`)
 * → normalized usage → redacted payload parts → priced ledger fields. Pure (no AWS): the merge
 * plan (shared/domain/ledger/merge.ts) turns what this returns into writes to the interaction's single
 * record, and sets the statuses of a call that has not completed.
 */
import type { InlineEnvelope } from '../ingest/envelope';
import { type ParsedInteraction, parseInteraction } from '../interaction/schema';
import { latencyBetween } from '../ledger/merge';
import type {
  InteractionStatus,
  PricedAs,
  RequestPayload,
  ResponsePayload,
  StoredInteraction,
} from '../ledger/record';
import { expiresAtFor } from '../ledger/retention';
import { normalizeUsage, responseModelOf, serviceTierOf } from '../normalize';
import { type ModelMap, type PricingRule, priceUsage, pricingModel } from '../pricing';
import type { RedactionCounts, Redactor } from '../redaction';

export interface PrepareContext {
  redactor: Redactor;
  /** Project pricing overrides, consulted before the catalog. */
  pricingRules?: PricingRule[];
  /** The imported global catalog layer, consulted after overrides and before the shipped catalog. */
  catalogLayer?: readonly PricingRule[];
  /** The project's model map (deployment names, application inference profiles → model ids). */
  modelMap?: ModelMap;
  /** Days the project keeps interactions; 0 or absent keeps them forever. */
  retentionDays?: number;
  now?: Date;
}

/** The fields of one lifecycle event, ready to merge into the interaction's record. */
export interface PreparedInteraction {
  phase: 'started' | 'completed' | 'content';
  /** The record's fields; `status` only on a completion (its outcome), the merge sets the others. */
  record: Omit<StoredInteraction, 'requestPart' | 'responsePart' | 'status'> & { status?: InteractionStatus };
  /** Redacted request side (`request`, `metadata`), serialized, when the event carries it. */
  requestJson?: string;
  /** Redacted response side (`response`, `errorMessage`), serialized, when the event carries it. */
  responseJson?: string;
  /** True when the event named its start time itself (rather than it being the time received). */
  explicitStart: boolean;
  /** True when the client gave `latencyMs` (rather than it being derived from the event's times). */
  explicitLatency: boolean;
  /** DynamoDB TTL (epoch seconds) from the record's timestamp and the project's retention; absent keeps forever. */
  expiresAt?: number;
}

/**
 * Normalizes, redacts and prices one lifecycle event of an interaction.
 *
 * @throws {InvalidInteractionError} when the queued interaction no longer satisfies the contract.
 * @example
 * const prepared = prepareInteraction(envelope, { redactor: createRedactor() });
 */
export function prepareInteraction(envelope: InlineEnvelope, context: PrepareContext): PreparedInteraction {
  const input = parseInteraction(envelope.interaction);
  const requestSide = redactWith(context.redactor);
  const responseSide = redactWith(context.redactor);

  const requestPayload: RequestPayload = requestSide.redact({
    request: input.request,
    metadata: input.metadata,
  });
  const responsePayload: ResponsePayload = responseSide.redact({
    response: input.response,
    errorMessage: input.errorMessage,
  });
  // Stored in UTC (`Z`), so the day index, rollup periods and string ordering all agree.
  const startedAt = toUtc(input.startedAt);
  const endedAt = toUtc(input.endedAt);
  const timestamp = startedAt ?? endedAt ?? envelope.receivedAt;
  const completed = input.phase === 'completed';
  const usage = completed
    ? normalizeUsage({
        provider: input.provider,
        request: input.request,
        response: input.response,
        usage: input.usage,
      })
    : undefined;
  const pricedAs: PricedAs = {};
  if (completed) {
    const model = pricingModel({
      provider: input.provider,
      model: input.model,
      responseModel: responseModelOf(input.response),
      modelMap: context.modelMap,
    });
    if (model !== input.model) pricedAs.model = model;
    const serviceTier = serviceTierOf(input.response);
    if (serviceTier) pricedAs.serviceTier = serviceTier;
  }
  const cost = priceUsage({
    provider: input.provider,
    model: pricedAs.model ?? input.model,
    usage,
    at: timestamp,
    batch: input.batch,
    serviceTier: pricedAs.serviceTier,
    rules: context.pricingRules,
    layer: context.catalogLayer,
  });

  const record: PreparedInteraction['record'] = {
    entity: 'interaction',
    id: envelope.id,
    project: envelope.project,
    provider: input.provider,
    model: input.model,
    status: completed ? outcomeOf(input) : undefined,
    timestamp,
    receivedAt: envelope.receivedAt,
    processedAt: (context.now ?? new Date()).toISOString(),
    startedAt: startedAt ?? (completed ? undefined : envelope.receivedAt),
    endedAt,
    latencyMs: input.latencyMs ?? latencyBetween(startedAt, endedAt),
    usage,
    cost,
    pricedAs: Object.keys(pricedAs).length > 0 ? pricedAs : undefined,
    errorClass: responseSide.redact(input.errorClass),
    tags: requestSide.redact(input.tags),
    userId: requestSide.redact(input.userId),
    requestRedactions: requestSide.counts,
    responseRedactions: responseSide.counts,
    sessionId: input.sessionId,
    parentId: input.parentId,
    traceId: input.traceId,
    batch: input.batch,
    analyze: input.analyze,
  };
  const hasRequest = input.request !== undefined || input.metadata !== undefined;
  const hasResponse = input.response !== undefined || input.errorMessage !== undefined;
  return {
    phase: input.phase,
    record,
    requestJson: hasRequest ? JSON.stringify(requestPayload) : undefined,
    responseJson: hasResponse ? JSON.stringify(responsePayload) : undefined,
    explicitStart: startedAt !== undefined,
    explicitLatency: input.latencyMs !== undefined,
    expiresAt: expiresAtFor(timestamp, context.retentionDays),
  };
}

/** A redaction pass that sums the counts of everything it redacts. */
function redactWith(redactor: Redactor): { redact<T>(value: T): T; counts: RedactionCounts } {
  const counts: RedactionCounts = {};
  return {
    counts,
    redact<T>(value: T): T {
      if (value === undefined) return value;
      const result = redactor.redactValue(value);
      for (const [type, n] of Object.entries(result.counts)) counts[type] = (counts[type] ?? 0) + n;
      return result.value;
    },
  };
}

/** How a completed call ended: the status it names, else `error` when it carries an error. */
function outcomeOf(input: ParsedInteraction): InteractionStatus {
  if (input.status) return input.status;
  return input.errorClass || input.errorMessage ? 'error' : 'success';
}

function toUtc(timestamp: string | undefined): string | undefined {
  return timestamp === undefined ? undefined : new Date(timestamp).toISOString();
}
