/** Provider families: each names one catalog and one preferred way to read ambiguous usage blocks. */
export type ProviderFamily = 'openai' | 'azure' | 'anthropic' | 'google' | 'bedrock' | 'mistral' | 'unknown';

const FAMILY_BY_NAME: Record<string, ProviderFamily> = {
  openai: 'openai',
  'azure-openai': 'azure',
  azure: 'azure',
  'azure-ai': 'azure',
  anthropic: 'anthropic',
  claude: 'anthropic',
  google: 'google',
  gemini: 'google',
  vertex: 'google',
  'vertex-ai': 'google',
  vertexai: 'google',
  'google-vertex': 'google',
  bedrock: 'bedrock',
  'aws-bedrock': 'bedrock',
  'amazon-bedrock': 'bedrock',
  aws: 'bedrock',
  mistral: 'mistral',
  mistralai: 'mistral',
};

/**
 * Maps a client-supplied provider name (case-insensitive) to its family.
 *
 * @example
 * providerFamily('Azure-OpenAI'); // 'azure'
 * providerFamily('vertex');       // 'google'
 */
export function providerFamily(provider: string): ProviderFamily {
  return FAMILY_BY_NAME[provider.trim().toLowerCase()] ?? 'unknown';
}
