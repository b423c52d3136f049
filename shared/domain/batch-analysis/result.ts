/**
 * The analysis answer contract and the reader of Batch API output and error files.
 *
 * Output lines arrive in any order and are matched by `custom_id`. A line is a success only
 * when its HTTP status is 2xx, it has no `error`, and its message content is a JSON object
 * that passes {@link AnalysisResultSchema}. Failed lines still carry `usage` when the provider
 * billed them, so batch cost stays exact.
 */
import * as z from 'zod';
import type { NormalizedUsage } from '../normalize';
import { ANALYSIS_KINDS, type AnalysisKind } from './prompt';
import { sanitizeProviderCode, sanitizeProviderMessage } from './sanitize';

export const SENTIMENTS = ['positive', 'neutral', 'negative', 'mixed'] as const;
export const QUALITY_VERDICTS = ['good', 'acceptable', 'poor'] as const;

/**
 * One analysis answer. Each key is present when its kind was requested; strings are
 * bounded so a runaway answer cannot bloat the record.
 */
export const AnalysisResultSchema = z
  .object({
    summary: z.string().trim().min(1).max(2_000).optional(),
    topic: z.string().trim().min(1).max(100).optional(),
    sentiment: z.enum(SENTIMENTS).optional(),
    quality: z
      .object({
        verdict: z.enum(QUALITY_VERDICTS),
        reason: z.string().trim().max(1_000),
      })
      .optional(),
  })
  .refine((result) => ANALYSIS_KINDS.some((kind) => result[kind] !== undefined), 'no analysis key present');

export type AnalysisResult = z.output<typeof AnalysisResultSchema>;

/** Why a line failed, as a short identifier. Provider codes pass through when they look like identifiers. */
export type BatchLineFailureCode =
  | 'invalid_analysis'
  | 'refusal'
  | 'malformed_line'
  | 'batch_expired'
  | 'batch_cancelled'
  | (string & {});

export interface BatchLineSuccess {
  ok: true;
  analysis: AnalysisResult;
  usage: NormalizedUsage;
  /** The model that answered, as the provider reports it (often a dated snapshot). */
  model?: string;
}

export interface BatchLineFailure {
  ok: false;
  code: BatchLineFailureCode;
  /** Sanitized and short: no quoted fragments, no key-shaped tokens. */
  message: string;
  /** HTTP status of the line's response, when it had one. */
  statusCode?: number;
  /** Present when the provider answered (and billed) but the answer was unusable. */
  usage?: NormalizedUsage;
  model?: string;
}

export type BatchLineResult = BatchLineSuccess | BatchLineFailure;

export interface ParsedBatchResults {
  /** By `custom_id` (the analysis request id). */
  results: Map<string, BatchLineResult>;
  /** Lines that were not JSON or had no `custom_id`: their requests look missing to the caller. */
  unreadableLineCount: number;
}

export interface ParseBatchResultsInput {
  outputJsonl?: string;
  errorJsonl?: string;
  /** Keys an answer must have; defaults to every kind. */
  requiredKinds?: readonly AnalysisKind[];
}

/**
 * Reads a batch's output and error files into results by `custom_id`. Blank lines are
 * skipped; order does not matter. When the same `custom_id` appears twice, a success wins
 * over a failure and otherwise the first line wins.
 *
 * @example
 * const { results } = parseBatchResults({ outputJsonl, errorJsonl });
 * const result = results.get('req-1');
 * if (result?.ok) console.log(result.analysis.sentiment, result.usage.inputTokens);
 */
export function parseBatchResults(input: ParseBatchResultsInput): ParsedBatchResults {
  const requiredKinds = input.requiredKinds ?? ANALYSIS_KINDS;
  const results = new Map<string, BatchLineResult>();
  let unreadableLineCount = 0;
  for (const text of [input.outputJsonl ?? '', input.errorJsonl ?? '']) {
    for (const raw of text.split('\n')) {
      if (raw.trim() === '') continue;
      const line = safeJson(raw);
      const customId = isRecord(line) && typeof line.custom_id === 'string' ? line.custom_id : undefined;
      if (!customId || !isRecord(line)) {
        unreadableLineCount += 1;
        continue;
      }
      const result = readLine(line, requiredKinds);
      const previous = results.get(customId);
      if (!previous || (!previous.ok && result.ok)) results.set(customId, result);
    }
  }
  return { results, unreadableLineCount };
}

function readLine(line: Record<string, unknown>, requiredKinds: readonly AnalysisKind[]): BatchLineResult {
  if (isRecord(line.error)) {
    return failure(
      sanitizeProviderCode(line.error.code) ?? 'batch_error',
      sanitizeProviderMessage(line.error.message) ?? 'the request was not executed',
    );
  }
  const response = isRecord(line.response) ? line.response : undefined;
  const statusCode = typeof response?.status_code === 'number' ? response.status_code : undefined;
  const body = isRecord(response?.body) ? response.body : undefined;
  if (!response || statusCode === undefined || !body)
    return failure('malformed_line', 'line has no response');
  const usage = readUsage(body.usage);
  const model = typeof body.model === 'string' ? body.model : undefined;
  const billed = { ...(usage ? { usage } : {}), ...(model ? { model } : {}) };

  if (statusCode < 200 || statusCode >= 300) {
    const error = isRecord(body.error) ? body.error : {};
    return {
      ...failure(
        sanitizeProviderCode(error.code) ?? sanitizeProviderCode(error.type) ?? `http_${statusCode}`,
        sanitizeProviderMessage(error.message) ?? `request failed with status ${statusCode}`,
      ),
      statusCode,
      ...billed,
    };
  }
  const choice = Array.isArray(body.choices) && isRecord(body.choices[0]) ? body.choices[0] : undefined;
  const message = isRecord(choice?.message) ? choice.message : undefined;
  if (typeof message?.refusal === 'string' && message.refusal !== '') {
    return { ...failure('refusal', 'the model refused to analyse the interaction'), statusCode, ...billed };
  }
  if (!usage) return { ...failure('malformed_line', 'response has no usage'), statusCode, ...billed };
  if (choice?.finish_reason === 'length') {
    return {
      ...failure('invalid_analysis', 'answer was cut at the output token limit'),
      statusCode,
      ...billed,
    };
  }
  const analysis = readAnalysis(message?.content, requiredKinds);
  if (typeof analysis === 'string')
    return { ...failure('invalid_analysis', analysis), statusCode, ...billed };
  return { ok: true, analysis, usage, ...(model ? { model } : {}) };
}

function readAnalysis(content: unknown, requiredKinds: readonly AnalysisKind[]): AnalysisResult | string {
  if (typeof content !== 'string') return 'answer has no text content';
  // Some models wrap JSON in a Markdown fence even in JSON mode.
  const unfenced = content
    .trim()
    .replace(/^```(?:json)?\s*/i, '')
    .replace(/\s*```$/, '');
  const json = safeJson(unfenced);
  if (json === undefined) return 'answer is not JSON';
  const parsed = AnalysisResultSchema.safeParse(json);
  if (!parsed.success) {
    const paths = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(root)'))];
    return `answer does not match the analysis schema at ${paths.slice(0, 5).join(', ')}`;
  }
  const missing = requiredKinds.filter((kind) => parsed.data[kind] === undefined);
  if (missing.length > 0) return `answer is missing ${missing.join(', ')}`;
  return parsed.data;
}

function readUsage(value: unknown): NormalizedUsage | undefined {
  if (!isRecord(value) || !isCount(value.prompt_tokens) || !isCount(value.completion_tokens))
    return undefined;
  const promptDetails = isRecord(value.prompt_tokens_details) ? value.prompt_tokens_details : {};
  const completionDetails = isRecord(value.completion_tokens_details) ? value.completion_tokens_details : {};
  return {
    inputTokens: value.prompt_tokens,
    outputTokens: value.completion_tokens,
    cachedInputTokens: isCount(promptDetails.cached_tokens) ? promptDetails.cached_tokens : 0,
    cacheWriteInputTokens: 0,
    reasoningTokens: isCount(completionDetails.reasoning_tokens) ? completionDetails.reasoning_tokens : 0,
  };
}

function failure(code: string, message: string): BatchLineFailure {
  return { ok: false, code, message };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
