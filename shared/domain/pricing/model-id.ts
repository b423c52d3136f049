/** Bedrock cross-region inference profile prefixes (geographic and `global.`). */
const BEDROCK_PROFILE_PREFIX = /^(?:us|eu|apac|jp|au|ca|us-gov|global)\.(?=[a-z0-9-]+\.)/;
/** Bedrock model ids are `<vendor>.<model>`: the vendor part is dropped as a last resort. */
const BEDROCK_VENDOR_PREFIX =
  /^(?:anthropic|amazon|meta|mistral|cohere|ai21|deepseek|qwen|openai|writer|twelvelabs|stability|luma|moonshot|minimax|google|nvidia)\./;
/** Router and SDK prefixes put in front of a vendor's own id (`openai/gpt-4o`). */
const ROUTER_PREFIX =
  /^(?:openai|anthropic|google|mistralai|mistral|meta-llama|amazon|x-ai|xai|deepseek|deepseek-ai)\//;
/** Providers whose own ids contain a `vendor/` part: it is never stripped for them. */
const SLASHED_ID_PROVIDERS = new Set(['openrouter', 'together', 'fireworks', 'groq']);

/**
 * The ids rules are matched against, most specific first: lower case and trimmed, then without the
 * wrappers clients put around a model id. The first id some rule prices wins.
 * - Bedrock ARNs (`…:foundation-model/<id>`, `…:inference-profile/<id>`) → `<id>`; application
 *   inference profile ARNs stay whole (only a project's model map or override can price them).
 * - Bedrock profiles keep their prefix first (`eu.anthropic.claude-…` is priced apart from
 *   `global.anthropic.claude-…`), then fall back to the in-region id and the bare model id.
 * - Vertex AI resource names (`projects/p/locations/l/publishers/google/models/gemini-2.5-pro`,
 *   `publishers/anthropic/models/claude-sonnet-4-5@20250929`) and Gemini's `models/…` → the id; a
 *   regional Vertex location is tried first as `regional.<id>` (Vertex's regional premium).
 * - Router prefixes (`openai/gpt-4o`) → also the bare id, except for providers whose ids are
 *   `vendor/model` (OpenRouter, Together, Fireworks, Groq).
 * - Fine-tunes (`ft:gpt-4o-mini-2024-07-18:org::id`) are kept as they are: only `ft:` rules price them.
 *
 * @example
 * modelLookupKeys('bedrock', 'eu.anthropic.claude-haiku-4-5-20251001-v1:0');
 * // ['eu.anthropic.claude-haiku-4-5-20251001-v1:0', 'anthropic.claude-haiku-4-5-20251001-v1:0', 'claude-haiku-4-5-20251001-v1:0']
 */
export function modelLookupKeys(providerKey: string, model: string): string[] {
  let id = model.trim().toLowerCase();
  const keys: string[] = [];
  if (id.startsWith('arn:')) {
    const resource = id.slice(id.indexOf('/') + 1);
    if (/:application-inference-profile\//.test(id) || resource === id) return [id];
    id = resource;
  }
  const vertex = /^(?:projects\/[^/]+\/locations\/([^/]+)\/)?(?:publishers\/[^/]+\/)?models\/(.+)$/.exec(id);
  if (vertex) {
    id = vertex[2]!;
    if (vertex[1] && vertex[1] !== 'global') keys.push(`regional.${id}`);
  }
  keys.push(id);
  if (!SLASHED_ID_PROVIDERS.has(providerKey) && ROUTER_PREFIX.test(id))
    keys.push(id.replace(ROUTER_PREFIX, ''));
  const last = keys.at(-1)!;
  const inRegion = last.replace(BEDROCK_PROFILE_PREFIX, '');
  if (inRegion !== last) keys.push(inRegion);
  const bare = inRegion.replace(BEDROCK_VENDOR_PREFIX, '');
  if (bare !== inRegion && providerKey === 'bedrock') keys.push(bare);
  return keys;
}

/**
 * A model's id without any wrapper (ARN, resource name, router prefix, Bedrock profile prefix): the
 * least specific of {@link modelLookupKeys}, for grouping a vendor's reports with our records.
 *
 * @example
 * canonicalModelId('us.anthropic.claude-3-5-sonnet-20241022-v2:0'); // 'anthropic.claude-3-5-sonnet-20241022-v2:0'
 */
export function canonicalModelId(model: string): string {
  return modelLookupKeys('', model).at(-1)!;
}
