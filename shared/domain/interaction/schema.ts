import * as z from 'zod';
import { normalizeUsage } from '../normalize/normalize';
import { usageProblems } from '../normalize/validate';
import { type InputIssue, InvalidInteractionError } from './errors';

/** Most interactions one `POST /v1/interactions` may carry. */
export const MAX_INTERACTIONS_PER_REQUEST = 100;

/**
 * Most tokens one count of one call may have: ten times the largest context window offered
 * today (10M). A larger count is a bug in the client, and priced it would be thousands of dollars.
 */
export const MAX_TOKENS_PER_COUNT = 100_000_000;

/** Times outside `[EARLIEST_TIME, LATEST_TIME)` are refused: they are typos or placeholders (0000, 9999). */
export const EARLIEST_TIME = '2000-01-01T00:00:00.000Z';
export const LATEST_TIME = '2100-01-01T00:00:00.000Z';

/** True for a string DynamoDB, SQS and UTF-8 can carry: no lone surrogate halves. */
const wellFormed = (value: string) => !/\p{Cs}/u.test(value);
const WELL_FORMED = 'contains a lone surrogate (invalid UTF-16); it cannot be stored';

/** An id chosen by the client (`id`, `sessionId`, `parentId`, `traceId`): stored, indexed and logged as sent. */
export const identifierSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:@/-]*$/,
    'use letters, digits and . _ : @ / - (starting with a letter or digit)',
  );

/**
 * A model id as vendors spell them: `gpt-5.4-mini`, `claude-sonnet-4-5@20250929`,
 * `publishers/google/models/gemini-3-pro`, `us.anthropic.claude-haiku-4-5-20251001-v1:0`, Bedrock
 * ARNs, `ft:gpt-4o-mini-2024-07-18:org::abc123`, `meta-llama/llama-4-scout:free`, Azure deployment
 * names. Surrounding spaces are trimmed; case is kept.
 */
export const modelIdSchema = z
  .string()
  .trim()
  .min(1)
  .max(256)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:@/+-]*$/,
    'use letters, digits and . _ : @ / + - (starting with a letter or digit)',
  );
/**
 * A page size in a query string: decimal digits only (`0x10`, `1e2` and ` 5` are refused, not
 * coerced), 1 to 100.
 */
export const listLimitSchema = z
  .string()
  .regex(/^\d{1,3}$/, 'expected a whole number from 1 to 100')
  .transform(Number)
  .pipe(z.number().int().min(1).max(100));

const shortText = z.string().min(1).max(256).refine(wellFormed, WELL_FORMED);
const tokenCount = z.number().int().nonnegative().max(MAX_TOKENS_PER_COUNT);

/** An ISO 8601 time with an offset, between 2000 and 2100. */
export const isoTimestamp = z.iso.datetime({ offset: true }).refine(
  (value) => {
    const time = Date.parse(value);
    // An unparseable value already has the format's issue.
    return Number.isNaN(time) || (time >= Date.parse(EARLIEST_TIME) && time < Date.parse(LATEST_TIME));
  },
  { message: `expected a time from ${EARLIEST_TIME.slice(0, 4)} to before ${LATEST_TIME.slice(0, 4)}` },
);

/**
 * Explicit usage, with the same semantics as the normalized usage shape: `inputTokens`
 * includes cached reads and cache writes; `outputTokens` includes reasoning tokens.
 */
export const explicitUsageSchema = z
  .strictObject({
    inputTokens: tokenCount,
    outputTokens: tokenCount,
    cachedInputTokens: tokenCount.optional(),
    cacheWriteInputTokens: tokenCount.optional(),
    reasoningTokens: tokenCount.optional(),
  })
  .superRefine((usage, ctx) => {
    // Compared only once every count is itself valid (each invalid one has its own issue).
    const counts = Object.values(usage);
    if (!counts.every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0)) return;
    const cached = (usage.cachedInputTokens ?? 0) + (usage.cacheWriteInputTokens ?? 0);
    if (cached > usage.inputTokens) {
      ctx.addIssue({
        code: 'custom',
        path: [usage.cachedInputTokens ? 'cachedInputTokens' : 'cacheWriteInputTokens'],
        message: `cachedInputTokens + cacheWriteInputTokens (${cached}) exceed inputTokens (${usage.inputTokens}), which includes them`,
      });
    }
    if ((usage.reasoningTokens ?? 0) > usage.outputTokens) {
      ctx.addIssue({
        code: 'custom',
        path: ['reasoningTokens'],
        message: `reasoningTokens (${usage.reasoningTokens}) exceed outputTokens (${usage.outputTokens}), which includes them`,
      });
    }
  });

/** One interaction as a client sends it (the HTTP contract of `POST /v1/interactions`). */
export const interactionInputSchema = z
  .strictObject({
    id: identifierSchema.optional(),
    provider: z
      .string()
      .trim()
      .toLowerCase()
      .min(1)
      .max(64)
      .regex(/^[a-z0-9][a-z0-9._-]*$/, 'use letters, digits and . _ - (starting with a letter or digit)'),
    model: modelIdSchema.optional(),
    // `content`: the call's messages observed apart from it (OTLP log events); they fill gaps only.
    phase: z.enum(['started', 'completed', 'content']).default('completed'),
    request: z.unknown().optional(),
    response: z.unknown().optional(),
    usage: explicitUsageSchema.optional(),
    latencyMs: z.number().nonnegative().max(86_400_000).optional(),
    status: z.enum(['success', 'error']).optional(),
    errorClass: shortText.optional(),
    errorMessage: z.string().max(16_384).optional(),
    tags: z
      .record(
        z.string().min(1).max(128).refine(wellFormed, WELL_FORMED),
        z.string().max(256).refine(wellFormed, WELL_FORMED),
      )
      .optional(),
    metadata: z.record(z.string().max(128), z.unknown()).optional(),
    sessionId: identifierSchema.optional(),
    parentId: identifierSchema.optional(),
    userId: shortText.optional(),
    traceId: identifierSchema.optional(),
    startedAt: isoTimestamp.optional(),
    endedAt: isoTimestamp.optional(),
    batch: z.boolean().optional(),
    analyze: z.boolean().optional(),
  })
  .superRefine(
    (value, ctx) => {
      // A `content` event carries messages only; the call it belongs to names the model.
      if (value.model === undefined && value.phase !== 'content') {
        const fromResponse = modelFromResponse(value.response);
        if (fromResponse === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['model'],
            message: 'model is required unless response.model names it',
          });
        } else {
          const checked = modelIdSchema.safeParse(fromResponse);
          for (const issue of checked.error?.issues ?? []) {
            ctx.addIssue({ code: 'custom', path: ['response', 'model'], message: issue.message });
          }
        }
      }
      // Other fields may be invalid here (this runs to list every problem at once): read usage only
      // from a well-typed provider.
      if (
        value.phase === 'completed' &&
        value.usage === undefined &&
        value.response !== undefined &&
        typeof value.provider === 'string'
      ) {
        const problem = responseUsageProblem(value.provider, value.request, value.response);
        if (problem) ctx.addIssue({ code: 'custom', path: ['response'], message: problem });
      }
      const { startedAt, endedAt } = value;
      if (
        typeof startedAt === 'string' &&
        typeof endedAt === 'string' &&
        Date.parse(endedAt) < Date.parse(startedAt)
      ) {
        ctx.addIssue({ code: 'custom', path: ['endedAt'], message: 'endedAt is before startedAt' });
      }
    },
    // Run even when other fields are invalid, so one answer lists every problem.
    { when: (payload) => !!payload.value && typeof payload.value === 'object' },
  );

/** One interaction as validated (defaults applied); what clients send is the schema's input. */
export type ParsedInteraction = z.output<typeof interactionInputSchema>;
export type ExplicitUsage = z.output<typeof explicitUsageSchema>;

/** An interaction after ingest: it always has an id and the time it was received. */
export type AcceptedInteraction = ParsedInteraction & { id: string; model: string };

/** The model named by a raw provider response, when it names one (trimmed, as `model` is). */
export function modelFromResponse(response: unknown): string | undefined {
  if (response && typeof response === 'object' && 'model' in response) {
    const model = (response as { model: unknown }).model;
    if (typeof model === 'string' && model.trim().length > 0) return model.trim();
  }
  return undefined;
}

/**
 * What makes the usage read from a raw response impossible to price truthfully: parts larger
 * than their totals, or a count beyond {@link MAX_TOKENS_PER_COUNT}. Absent usage is no problem
 * (the interaction is stored unpriced, with its reason).
 */
function responseUsageProblem(provider: string, request: unknown, response: unknown): string | undefined {
  const usage = normalizeUsage({ provider, request, response });
  if (!usage) return undefined;
  const problems = usageProblems(usage);
  for (const [key, value] of Object.entries(usage)) {
    if (typeof value === 'number' && value > MAX_TOKENS_PER_COUNT)
      problems.push(`${key} (${value}) exceeds ${MAX_TOKENS_PER_COUNT} tokens`);
  }
  return problems.length > 0
    ? `usage read from the response is impossible: ${problems.join('; ')}`
    : undefined;
}

/** Turns zod issues into `{path, message}` pairs, with `prefix` before each path. */
export function toInputIssues(error: z.ZodError, prefix: (string | number)[] = []): InputIssue[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path].map(String).join('.'),
    message: issue.message,
  }));
}

/**
 * Validates one interaction and returns it with its model resolved.
 *
 * @throws {InvalidInteractionError} with one issue per problem, each with its path.
 * @example
 * const interaction = parseInteraction({ provider: 'openai', model: 'gpt-4o', usage: { inputTokens: 10, outputTokens: 2 } });
 */
export function parseInteraction(
  raw: unknown,
  prefix: (string | number)[] = [],
): ParsedInteraction & { model: string } {
  const result = interactionInputSchema.safeParse(raw);
  if (!result.success) throw new InvalidInteractionError(toInputIssues(result.error, prefix));
  const model = result.data.model ?? modelFromResponse(result.data.response)!;
  return { ...result.data, model };
}
