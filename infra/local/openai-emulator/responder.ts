/**
 * Deterministic chat completions: tokentrail analysis prompts get a valid analysis JSON
 * derived from the user text; anything else gets an echo. Usage is about one token per four
 * characters, so tests can predict it.
 *
 * Test hooks inside the user text: `[[emulator:invalid-json]]` makes the analysis answer
 * malformed JSON, `[[emulator:refusal]]` makes the model refuse.
 */
import { type AnalysisKind, analysisKindsFromPrompt } from '../../../shared/domain/batch-analysis';

export interface ChatMessage {
  role: string;
  content: unknown;
}

export interface ChatCompletionBody {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: {
    index: number;
    message: { role: 'assistant'; content: string | null; refusal: string | null; annotations: never[] };
    logprobs: null;
    finish_reason: 'stop';
  }[];
  usage: {
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    prompt_tokens_details: { cached_tokens: number; audio_tokens: number };
    completion_tokens_details: {
      reasoning_tokens: number;
      audio_tokens: number;
      accepted_prediction_tokens: number;
      rejected_prediction_tokens: number;
    };
  };
  service_tier: 'default';
  system_fingerprint: string;
}

const TOPICS: [string, RegExp][] = [
  ['billing', /\b(invoice|billing|bill|refund|payment|price|pricing|charge[ds]?|subscription)\b/i],
  ['technical support', /\b(error|bug|crash(es|ed)?|exception|broken|fails?|failed|outage|timeout)\b/i],
  ['programming', /\b(code|function|typescript|javascript|python|sql|api|regex|compile[rd]?)\b/i],
  ['shipping', /\b(delivery|shipping|shipment|package|parcel|tracking)\b/i],
  ['account', /\b(password|login|log in|sign in|account|email address)\b/i],
];
const POSITIVE = /\b(thanks|thank you|great|good|love|excellent|happy|perfect|awesome|helpful)\b/gi;
const NEGATIVE =
  /\b(bad|angry|terrible|hate|broken|problem|wrong|awful|annoyed|upset|worst|fails?|failed)\b/gi;
const APOLOGY = /\b(sorry|cannot|can't|unable|apolog(ize|ise))\b/i;

/**
 * The answer to one chat completion request body, as the Batch API puts it in
 * `response.body`.
 *
 * @example
 * const body = answerChatCompletion({ model: 'gpt-4o-mini', messages }, { id: 'chatcmpl-1', created: 0 });
 */
export function answerChatCompletion(
  request: { model: string; messages: ChatMessage[] },
  ids: { id: string; created: number },
): ChatCompletionBody {
  const system = request.messages.find(
    (message) => message.role === 'system' || message.role === 'developer',
  );
  const users = request.messages
    .filter((message) => message.role === 'user')
    .map((message) => textOf(message.content));
  const userText = users.join('\n');
  const kinds = system ? analysisKindsFromPrompt(textOf(system.content)) : undefined;

  let content: string | null;
  let refusal: string | null = null;
  if (kinds && userText.includes('[[emulator:refusal]]')) {
    content = null;
    refusal = "I'm sorry, I can't help with that.";
  } else if (kinds && userText.includes('[[emulator:invalid-json]]')) {
    content = '{"summary": "this answer is not valid JSON because it stops';
  } else if (kinds) {
    content = JSON.stringify(analyse(userText, kinds));
  } else {
    content = `echo: ${userText.replace(/\s+/g, ' ').trim().slice(0, 200)}`;
  }

  const promptChars = request.messages.reduce((sum, message) => sum + textOf(message.content).length, 0);
  const promptTokens = Math.ceil(promptChars / 4) + 4 * request.messages.length + 3;
  const reasoningTokens = /^(o\d|gpt-5)/.test(request.model) ? 64 : 0;
  const completionTokens = Math.ceil((content ?? refusal ?? '').length / 4) + reasoningTokens;
  // Prompt caching applies from 1,024 tokens in 128-token steps; half the prompt is "cached".
  const cachedTokens = promptTokens >= 1024 ? Math.floor(promptTokens / 2 / 128) * 128 : 0;
  return {
    id: ids.id,
    object: 'chat.completion',
    created: ids.created,
    model: request.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: cachedTokens, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: reasoningTokens,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    },
    service_tier: 'default',
    system_fingerprint: 'fp_emulator',
  };
}

/**
 * The deterministic analysis of a text: summary = first words, topic and sentiment by
 * keywords, quality by length and apologies.
 *
 * @example
 * analyse('Thanks, the refund arrived', ['topic', 'sentiment']); // { topic: 'billing', sentiment: 'positive' }
 */
export function analyse(text: string, kinds: readonly AnalysisKind[]): Record<string, unknown> {
  const words = text.replace(/\s+/g, ' ').trim().split(' ').filter(Boolean);
  const result: Record<string, unknown> = {};
  if (kinds.includes('summary')) {
    result.summary =
      words.length === 0
        ? 'Empty interaction.'
        : `${words.slice(0, 12).join(' ')}${words.length > 12 ? '…' : ''}`;
  }
  if (kinds.includes('topic'))
    result.topic = TOPICS.find(([, pattern]) => pattern.test(text))?.[0] ?? 'general';
  if (kinds.includes('sentiment')) {
    const positive = text.match(POSITIVE)?.length ?? 0;
    const negative = text.match(NEGATIVE)?.length ?? 0;
    result.sentiment =
      positive > 0 && negative > 0
        ? 'mixed'
        : positive > 0
          ? 'positive'
          : negative > 0
            ? 'negative'
            : 'neutral';
  }
  if (kinds.includes('quality')) {
    result.quality =
      words.length < 5
        ? { verdict: 'poor', reason: 'The interaction is too short to judge.' }
        : APOLOGY.test(text)
          ? { verdict: 'acceptable', reason: 'The assistant could not fully help.' }
          : { verdict: 'good', reason: 'The assistant answered the request.' };
  }
  return result;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (typeof part === 'object' && part !== null && 'text' in part ? String(part.text) : ''))
      .join('');
  }
  return '';
}
