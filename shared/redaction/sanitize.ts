/**
 * Error messages and log lines pass through here before they are written anywhere durable.
 */
import { createRedactor, type Redactor } from './redactor';

/** Longest sanitized message, in characters (before the ellipsis). */
export const MAX_SANITIZED_LENGTH = 500;

/** Longer inputs are cut (at whitespace) before redaction; the output is far shorter anyway. */
const MAX_SCANNED_LENGTH = 64 * 1024;

let defaultRedactor: Redactor | undefined;

/**
 * Redacts a message with the default configuration and truncates it to about 500 characters.
 *
 * @example
 * sanitizeErrorMessage('401 for key sk-proj-abc123DEF456ghi789JKL012 (ada@example.com)');
 * // '401 for key [REDACTED:OPENAI_KEY] ([REDACTED:EMAIL])'
 */
export function sanitizeErrorMessage(message: string): string {
  defaultRedactor ??= createRedactor();
  let input = String(message);
  if (input.length > MAX_SCANNED_LENGTH) {
    // Cutting inside a token could leave a fragment too short to recognise: drop the partial token.
    const cut = input.slice(0, MAX_SCANNED_LENGTH);
    const lastSpace = cut.search(/\s\S*$/);
    input = lastSpace > 0 ? cut.slice(0, lastSpace) : '';
  }
  const { text } = defaultRedactor.redactText(input);
  return text.length > MAX_SANITIZED_LENGTH ? `${text.slice(0, MAX_SANITIZED_LENGTH)}…` : text;
}
