/**
 * Provider families: each names one catalog provider and one preferred way to read ambiguous usage
 * blocks. This is the canonical provider list: names are stable (stored records and catalog files
 * use them); add a provider here, with the spellings clients send, before pricing it.
 */
export type ProviderFamily =
  | 'openai'
  | 'azure'
  | 'anthropic'
  | 'google'
  | 'bedrock'
  | 'mistral'
  | 'deepseek'
  | 'xai'
  | 'groq'
  | 'together'
  | 'fireworks'
  | 'openrouter'
  | 'cohere'
  | 'perplexity'
  | 'cerebras'
  | 'moonshotai'
  | 'unknown';

const FAMILY_BY_NAME: Record<string, ProviderFamily> = {
  openai: 'openai',
  'azure-openai': 'azure',
  azure: 'azure',
  'azure-ai': 'azure',
  azure_openai: 'azure',
  anthropic: 'anthropic',
  claude: 'anthropic',
  google: 'google',
  gemini: 'google',
  'google-genai': 'google',
  vertex: 'google',
  'vertex-ai': 'google',
  vertex_ai: 'google',
  vertexai: 'google',
  'google-vertex': 'google',
  'gcp.vertex_ai': 'google',
  'gcp.gemini': 'google',
  bedrock: 'bedrock',
  'aws-bedrock': 'bedrock',
  'amazon-bedrock': 'bedrock',
  'aws.bedrock': 'bedrock',
  aws: 'bedrock',
  mistral: 'mistral',
  mistralai: 'mistral',
  mistral_ai: 'mistral',
  deepseek: 'deepseek',
  xai: 'xai',
  'x-ai': 'xai',
  grok: 'xai',
  groq: 'groq',
  together: 'together',
  'together-ai': 'together',
  together_ai: 'together',
  togetherai: 'together',
  fireworks: 'fireworks',
  'fireworks-ai': 'fireworks',
  fireworks_ai: 'fireworks',
  openrouter: 'openrouter',
  cohere: 'cohere',
  perplexity: 'perplexity',
  cerebras: 'cerebras',
  moonshot: 'moonshotai',
  moonshotai: 'moonshotai',
  kimi: 'moonshotai',
};

/**
 * Maps a client-supplied provider name (case-insensitive) to its family.
 *
 * @example
 * providerFamily('Azure-OpenAI'); // 'azure'
 * providerFamily('vertex');       // 'google'
 * providerFamily('x-ai');         // 'xai'
 */
export function providerFamily(provider: string): ProviderFamily {
  return FAMILY_BY_NAME[provider.trim().toLowerCase()] ?? 'unknown';
}

/** Every canonical provider name (the families, without `unknown`). */
export const PROVIDER_FAMILIES: readonly ProviderFamily[] = [...new Set(Object.values(FAMILY_BY_NAME))];
