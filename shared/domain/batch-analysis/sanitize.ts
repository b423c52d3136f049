/**
 * Provider error text can echo request content (a quoted parameter value, a fragment of a
 * prompt) or credentials (OpenAI's 401 message quotes part of the key). Anything that leaves
 * this module for storage or logs goes through these helpers first.
 */

const MAX_MESSAGE_LENGTH = 200;
const CODE = /^[A-Za-z0-9_.:-]{1,64}$/;
// Quoted fragments are where providers echo caller input; credentials have recognisable shapes.
const QUOTED = /"[^"]*"|'[^']*'|`[^`]*`|“[^”]*”/g;
const SECRET_LIKE =
  /\b(?:sk|pk|rk|key|sess)-[A-Za-z0-9_*.-]{3,}[A-Za-z0-9_*]|\bBearer\s+\S+|\b[A-Za-z0-9_-]{32,}\b/gi;

/**
 * Shortens a provider error message and removes what could be payload text or a credential:
 * quoted fragments, key-shaped tokens and long opaque strings. Returns `undefined` for
 * non-strings.
 *
 * @example
 * sanitizeProviderMessage("Invalid value: 'my secret prompt'. Key sk-abc123***xyz rejected");
 * // 'Invalid value: …. Key … rejected'
 */
export function sanitizeProviderMessage(message: unknown): string | undefined {
  if (typeof message !== 'string') return undefined;
  const cleaned = message.replace(QUOTED, '…').replace(SECRET_LIKE, '…').replace(/\s+/g, ' ').trim();
  if (cleaned.length <= MAX_MESSAGE_LENGTH) return cleaned;
  return `${cleaned.slice(0, MAX_MESSAGE_LENGTH - 1)}…`;
}

/**
 * Keeps a provider error code or type only when it looks like an identifier
 * (`rate_limit_exceeded`, `server_error`); anything else is dropped.
 *
 * @example
 * sanitizeProviderCode('rate_limit_exceeded'); // 'rate_limit_exceeded'
 * sanitizeProviderCode('free text with spaces'); // undefined
 */
export function sanitizeProviderCode(code: unknown): string | undefined {
  return typeof code === 'string' && CODE.test(code) ? code : undefined;
}
