const BEDROCK_GEO_PREFIX = /^(?:us|eu|apac|global|us-gov|ca|jp|au)\.(?=[a-z0-9-]+\.)/;
const VENDOR_PREFIX = /^(?:openai|anthropic|google|mistralai|mistral|meta-llama|amazon)\//;

/**
 * The id rules are matched against: lower-case, without the wrappers clients put around a model id.
 * - Bedrock ARNs (`arn:aws:bedrock:…:foundation-model/<id>` or `…:inference-profile/<id>`) → `<id>`.
 * - Bedrock cross-region inference profiles (`us.`, `eu.`, `apac.`, `global.` …) → the model id;
 *   their on-demand prices equal the source region's.
 * - Gemini resource names (`models/gemini-2.5-pro`) and router prefixes (`openai/gpt-4o`) → the bare id.
 *
 * @example
 * canonicalModelId('us.anthropic.claude-3-5-sonnet-20241022-v2:0'); // 'anthropic.claude-3-5-sonnet-20241022-v2:0'
 */
export function canonicalModelId(model: string): string {
  let id = model.trim().toLowerCase();
  if (id.startsWith('arn:')) id = id.slice(id.lastIndexOf('/') + 1);
  if (id.startsWith('models/')) id = id.slice('models/'.length);
  id = id.replace(VENDOR_PREFIX, '');
  return id.replace(BEDROCK_GEO_PREFIX, '');
}
