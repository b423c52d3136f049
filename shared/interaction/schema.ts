import * as z from 'zod';
import { type InputIssue, InvalidInteractionError } from './errors';

/** Most interactions one `POST /v1/interactions` may carry. */
export const MAX_INTERACTIONS_PER_REQUEST = 100;

const identifier = z
  .string()
  .min(1)
  .max(128)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:@/-]*$/,
    'use letters, digits and . _ : @ / - (starting with a letter or digit)',
  );
const shortText = z.string().min(1).max(256);
const tokenCount = z.number().int().nonnegative().max(1e10);
const isoTimestamp = z.iso.datetime({ offset: true });

/**
 * Explicit usage, with the same semantics as the normalized usage shape: `inputTokens`
 * includes cached reads and cache writes; `outputTokens` includes reasoning tokens.
 */
export const explicitUsageSchema = z.strictObject({
  inputTokens: tokenCount,
  outputTokens: tokenCount,
  cachedInputTokens: tokenCount.optional(),
  cacheWriteInputTokens: tokenCount.optional(),
  reasoningTokens: tokenCount.optional(),
});

/** One interaction as a client sends it (the HTTP contract of `POST /v1/interactions`). */
export const interactionInputSchema = z
  .strictObject({
    id: identifier.optional(),
    provider: z
      .string()
      .min(1)
      .max(64)
      .transform((value) => value.toLowerCase()),
    model: shortText.optional(),
    phase: z.enum(['started', 'completed']).default('completed'),
    request: z.unknown().optional(),
    response: z.unknown().optional(),
    usage: explicitUsageSchema.optional(),
    latencyMs: z.number().nonnegative().max(86_400_000).optional(),
    status: z.enum(['success', 'error']).optional(),
    errorClass: shortText.optional(),
    errorMessage: z.string().max(16_384).optional(),
    tags: z.record(z.string().min(1).max(128), z.string().max(256)).optional(),
    metadata: z.record(z.string().max(128), z.unknown()).optional(),
    sessionId: identifier.optional(),
    parentId: identifier.optional(),
    userId: shortText.optional(),
    traceId: shortText.optional(),
    startedAt: isoTimestamp.optional(),
    endedAt: isoTimestamp.optional(),
    batch: z.boolean().optional(),
    analyze: z.boolean().optional(),
  })
  .superRefine(
    (value, ctx) => {
      if (value.model === undefined && modelFromResponse(value.response) === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['model'],
          message: 'model is required unless response.model names it',
        });
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

export type InteractionInput = z.output<typeof interactionInputSchema>;
export type ExplicitUsage = z.output<typeof explicitUsageSchema>;

/** An interaction after ingest: it always has an id and the time it was received. */
export type AcceptedInteraction = InteractionInput & { id: string; model: string };

/** The model named by a raw provider response, when it names one. */
export function modelFromResponse(response: unknown): string | undefined {
  if (response && typeof response === 'object' && 'model' in response) {
    const model = (response as { model: unknown }).model;
    if (typeof model === 'string' && model.length > 0 && model.length <= 256) return model;
  }
  return undefined;
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
): InteractionInput & { model: string } {
  const result = interactionInputSchema.safeParse(raw);
  if (!result.success) throw new InvalidInteractionError(toInputIssues(result.error, prefix));
  const model = result.data.model ?? modelFromResponse(result.data.response)!;
  return { ...result.data, model };
}
