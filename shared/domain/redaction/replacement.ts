/**
 * What a detected value is replaced with: a placeholder (`[REDACTED:EMAIL]`) or a keyed hash
 * (`[EMAIL:3f9a1c]`, HMAC-SHA256 under a per-project secret) so that equal values correlate
 * across records without being recoverable.
 */
import { createHmac } from 'node:crypto';

export type ReplacementStyle = 'placeholder' | 'hash';

/** Replaces one detected value of a type. */
export type Replacer = (type: string, value: string) => string;

/**
 * Canonical form of a value before hashing, so formatting differences (`4111-1111…` vs
 * `4111 1111…`, `Ada@Example.com` vs `ada@example.com`) hash alike.
 */
export function canonicalValue(type: string, value: string): string {
  switch (type) {
    case 'EMAIL':
    case 'IPV6':
      return value.toLowerCase();
    case 'CREDIT_CARD':
    case 'US_SSN':
      return value.replace(/\D/g, '');
    case 'PHONE': {
      const digits = value.replace(/\D/g, '');
      // +1 415 555 2671 and (415) 555-2671 are the same North American number.
      return digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
    }
    case 'IBAN':
      return value.replace(/\s/g, '').toUpperCase();
    default:
      return value;
  }
}

/**
 * Creates the replacer for a style.
 *
 * @example
 * createReplacer('placeholder')('EMAIL', 'ada@example.com'); // '[REDACTED:EMAIL]'
 * createReplacer('hash', 'project-secret-0123456789')('EMAIL', 'ada@example.com'); // '[EMAIL:…6 hex…]'
 */
export function createReplacer(style: ReplacementStyle, hashSecret?: string, hashLength = 6): Replacer {
  if (style === 'placeholder') return (type) => `[REDACTED:${type}]`;
  if (!hashSecret) throw new TypeError('the hash replacement style needs a hash secret');
  return (type, value) => {
    const digest = createHmac('sha256', hashSecret)
      .update(type)
      .update('\u0000')
      .update(canonicalValue(type, value))
      .digest('hex');
    return `[${type}:${digest.slice(0, hashLength)}]`;
  };
}
