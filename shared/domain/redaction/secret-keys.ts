/**
 * Which JSON keys (or `key=value` / `"key": "value"` names in text) name secrets whose values
 * must be redacted whatever they look like.
 *
 * Names are compared normalized: lower case, with `_`, `-`, `.` and spaces removed, so
 * `api_key`, `apiKey`, `API-KEY` and `x-api-key` are all recognised.
 */

/** Exact (normalized) names that are always secret. */
const EXACT_SECRET_KEYS = new Set([
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'secret',
  'apikey',
  'xapikey',
  'apisecret',
  'clientsecret',
  'authorization',
  'proxyauthorization',
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'authtoken',
  'sessiontoken',
  'privatekey',
  'secretkey',
  'secretaccesskey',
  'cookie',
  'setcookie',
  'credential',
  'credentials',
]);

/** Any key ending in one of these is secret (`db_password`, `stripeSecret`, `openai_api_key`). */
const SECRET_SUFFIXES = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'apikey',
  'privatekey',
  'secretkey',
  'secretaccesskey',
  'authorization',
];

/**
 * Keys ending in `token` are secret unless the rest of the name says it is a vocabulary token
 * (`eos_token`, `pad_token`), a pagination cursor (`next_page_token`) or a count.
 */
const NON_SECRET_TOKEN_PREFIXES = [
  'eos',
  'bos',
  'pad',
  'unk',
  'sep',
  'cls',
  'mask',
  'stop',
  'start',
  'end',
  'next',
  'page',
  'continuation',
  'cursor',
  'max',
  'num',
  'special',
  'image',
  'audio',
  'video',
  'first',
  'last',
  'vocab',
  'cancellation',
  'sync',
  'resume',
];

/** Normalizes a key name for comparison: lower case, separators removed. */
export function normalizeKeyName(key: string): string {
  return key.toLowerCase().replace(/[\s_.-]/g, '');
}

/**
 * Whether a key names a secret.
 *
 * @param extraKeys normalized names added by the project configuration
 * @example
 * isSecretKeyName('client_secret'); // true
 * isSecretKeyName('max_tokens'); // false
 * isSecretKeyName('eos_token'); // false
 */
export function isSecretKeyName(key: string, extraKeys?: ReadonlySet<string>): boolean {
  if (key.length === 0 || key.length > 128) return false;
  const name = normalizeKeyName(key);
  if (EXACT_SECRET_KEYS.has(name) || extraKeys?.has(name)) return true;
  for (const suffix of SECRET_SUFFIXES) if (name.endsWith(suffix)) return true;
  if (name.endsWith('token')) {
    const prefix = name.slice(0, -'token'.length);
    return !NON_SECRET_TOKEN_PREFIXES.some((word) => prefix.endsWith(word));
  }
  return false;
}
