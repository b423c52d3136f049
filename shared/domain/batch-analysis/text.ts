/**
 * The text an analysis sees: the conversation of one stored (already redacted) interaction as
 * `Role: text` lines, read from the provider shapes the ledger accepts (OpenAI Chat and
 * Responses, Anthropic Messages, Gemini, Bedrock Converse). Pure.
 */

/** The redacted payload parts of an interaction, as the ledger stores them. */
export interface StoredPayload {
  request?: unknown;
  response?: unknown;
  errorMessage?: string;
}

/**
 * Builds `System: …`, `User: …`, `Assistant: …` lines from a stored payload. Shapes it does
 * not recognise fall back to their compact JSON, so nothing is silently dropped; the result
 * is only as long as the payload (the request line builder caps it).
 *
 * @example
 * interactionText({
 *   request: { messages: [{ role: 'user', content: 'my invoice is wrong' }] },
 *   response: { choices: [{ message: { role: 'assistant', content: 'Fixed.' } }] },
 * });
 * // 'User: my invoice is wrong\nAssistant: Fixed.'
 */
export function interactionText(payload: StoredPayload): string {
  const lines: string[] = [];
  const push = (role: string, text: string) => {
    const trimmed = text.trim();
    if (trimmed !== '') lines.push(`${label(role)}: ${trimmed}`);
  };
  const requestLines = requestTurns(payload.request);
  if (requestLines) for (const [role, text] of requestLines) push(role, text);
  else if (payload.request !== undefined) push('user', compactJson(payload.request));
  const responseLines = responseTurns(payload.response);
  if (responseLines) for (const [role, text] of responseLines) push(role, text);
  else if (payload.response !== undefined) push('assistant', compactJson(payload.response));
  if (payload.errorMessage) push('error', payload.errorMessage);
  return lines.join('\n');
}

type Turn = [role: string, text: string];

function requestTurns(request: unknown): Turn[] | undefined {
  if (typeof request === 'string') return [['user', request]];
  if (!isRecord(request)) return undefined;
  const turns: Turn[] = [];
  // Anthropic `system`, OpenAI Responses `instructions`, Gemini `systemInstruction`.
  for (const key of ['system', 'instructions', 'systemInstruction']) {
    const text = textOf(request[key]);
    if (text) turns.push(['system', text]);
  }
  const messages = request.messages ?? request.contents ?? request.input ?? request.prompt;
  if (typeof messages === 'string') turns.push(['user', messages]);
  else if (Array.isArray(messages)) {
    for (const message of messages) {
      if (typeof message === 'string') turns.push(['user', message]);
      else if (isRecord(message)) {
        const text = textOf(message.content ?? message.parts ?? message.text);
        if (text) turns.push([typeof message.role === 'string' ? message.role : 'user', text]);
      }
    }
  }
  return turns.length > 0 ? turns : undefined;
}

function responseTurns(response: unknown): Turn[] | undefined {
  if (typeof response === 'string') return [['assistant', response]];
  if (!isRecord(response)) return undefined;
  const texts: string[] = [];
  if (Array.isArray(response.choices)) {
    // OpenAI Chat (and streams assembled into choices).
    for (const choice of response.choices)
      if (isRecord(choice)) texts.push(textOf(choice.message ?? choice.delta ?? choice.text));
  } else if (typeof response.output_text === 'string') {
    texts.push(response.output_text);
  } else if (Array.isArray(response.output)) {
    // OpenAI Responses: message items with output_text parts.
    for (const item of response.output)
      if (isRecord(item) && item.type !== 'reasoning') texts.push(textOf(item.content));
  } else if (isRecord(response.output) && isRecord(response.output.message)) {
    texts.push(textOf(response.output.message.content)); // Bedrock Converse
  } else if (Array.isArray(response.candidates)) {
    for (const candidate of response.candidates)
      if (isRecord(candidate)) texts.push(textOf(candidate.content));
  } else if (Array.isArray(response.content)) {
    texts.push(textOf(response.content)); // Anthropic Messages
  } else if (typeof response.completion === 'string' || typeof response.generation === 'string') {
    texts.push(String(response.completion ?? response.generation));
  }
  const text = texts.filter(Boolean).join('\n');
  return text ? [['assistant', text]] : undefined;
}

/** Text of a content value: a string, parts with `text`, a message with `content`/`parts`. */
function textOf(value: unknown, depth = 0): string {
  if (depth > 4 || value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (Array.isArray(value))
    return value
      .map((part) => textOf(part, depth + 1))
      .filter(Boolean)
      .join('\n');
  if (!isRecord(value)) return '';
  if (typeof value.text === 'string') return value.text;
  if (isRecord(value.text) && typeof value.text.value === 'string') return value.text.value;
  return textOf(value.content ?? value.parts, depth + 1);
}

function label(role: string): string {
  switch (role) {
    case 'assistant':
    case 'model':
      return 'Assistant';
    case 'system':
    case 'developer':
      return 'System';
    case 'tool':
    case 'function':
      return 'Tool';
    case 'error':
      return 'Error';
    default:
      return 'User';
  }
}

function compactJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
