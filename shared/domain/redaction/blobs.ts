/**
 * Binary payloads carried as text: `data:` URLs and long base64 runs (images, audio, files in
 * OpenAI, Anthropic and Gemini message parts). They cannot contain addresses, phone numbers or
 * structured secrets with separators, so instead of the full scan they get one cheap class test
 * and a scan for the few key formats whose alphabet fits inside base64.
 */
import type { BuiltinDetectorType } from './detectors';

/** Shorter strings are scanned normally: the saving would not pay for the test. */
export const MIN_BLOB_LENGTH = 256;

const DATA_URL_PREFIX = /^data:[\w.+-]{1,64}\/[\w.+-]{1,128}(?:;[\w.+-]{1,64}=[\w.+"-]{1,128}){0,8};base64,/;
const BASE64_BODY = /[A-Za-z0-9+/=_\r\n-]*/y;

/**
 * Whether a string is a binary blob: a base64 `data:` URL, or at least 256 characters of
 * base64/base64url alphabet (line breaks allowed).
 *
 * @example
 * isBinaryBlob('data:image/png;base64,iVBORw0KGgo='); // true
 * isBinaryBlob('hello world'); // false
 */
export function isBinaryBlob(text: string): boolean {
  let bodyStart = 0;
  if (text.startsWith('data:')) {
    const prefix = DATA_URL_PREFIX.exec(text.slice(0, 512));
    if (prefix === null) return false;
    bodyStart = prefix[0].length;
  } else if (text.length < MIN_BLOB_LENGTH) {
    return false;
  }
  BASE64_BODY.lastIndex = bodyStart;
  BASE64_BODY.test(text);
  return BASE64_BODY.lastIndex === text.length;
}

/**
 * Detectors that can match inside base64 text (letters, digits, `+/=_-` only, with a literal
 * prefix); everything else is disabled when scanning a blob.
 */
export const BLOB_DETECTOR_TYPES: readonly BuiltinDetectorType[] = [
  'AWS_ACCESS_KEY',
  'OPENAI_KEY',
  'ANTHROPIC_KEY',
  'GITHUB_TOKEN',
  'SLACK_TOKEN',
  'STRIPE_KEY',
  'GOOGLE_API_KEY',
  'HUGGINGFACE_TOKEN',
  'NPM_TOKEN',
  'GITLAB_TOKEN',
  'TWILIO_KEY',
  'GOOGLE_OAUTH_SECRET',
  'PYPI_TOKEN',
  'DIGITALOCEAN_TOKEN',
  'SHOPIFY_TOKEN',
  'GROQ_KEY',
  'XAI_KEY',
];
