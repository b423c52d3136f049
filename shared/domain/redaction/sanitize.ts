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
    // Cutting inside a token could leave a fragment too short to recognise: drop the partial token
    // (its last 1 KiB at most; a longer run keeps its head, where a key's prefix would be).
    let end = MAX_SCANNED_LENGTH;
    const floor = end - 1024;
    while (end > floor && !/\s/.test(input[end - 1]!)) end--;
    input = input.slice(0, end);
  }
  const { text } = defaultRedactor.redactText(input);
  return text.length > MAX_SANITIZED_LENGTH ? `${text.slice(0, MAX_SANITIZED_LENGTH)}…` : text;
}
