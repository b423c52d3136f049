/**
 * Ids that price as the wrong model when matching is careless: snapshots, `-latest` aliases, Bedrock
 * geo and global profiles, ARNs, Vertex resource names, OpenRouter ids, fine-tunes, TTS/audio/preview
 * variants, upper case and padding. Each must resolve to the rule named (or stay unpriced); a catalog
 * change that prices one as another model fails here.
 */
import { findRule } from '../../../shared/domain/pricing';

const AT = '2026-12-01T12:00:00Z';

const TRICKY: [provider: string, model: string, ruleId: string | null][] = [
  // Snapshots and aliases
  ['openai', 'gpt-4o', 'openai/gpt-4o@2024-10-02'],
  ['openai', 'gpt-4o-2024-05-13', 'openai/gpt-4o-2024-05-13'],
  ['openai', 'chatgpt-4o-latest', 'openai/chatgpt-4o-latest'],
  ['openai', 'gpt-5-chat-latest', 'openai/gpt-5'],
  ['openai', 'gpt-5.4-mini-2026-03-17', 'openai/gpt-5.4-mini'],
  ['anthropic', 'claude-3-5-sonnet-latest', 'anthropic/claude-3-5-sonnet'],
  ['anthropic', 'claude-sonnet-4-20250514', 'anthropic/claude-sonnet-4-0'],
  ['anthropic', 'claude-sonnet-5-5', 'anthropic/claude-sonnet-5-5@2026-10-07'],
  ['anthropic', 'claude-sonnet-5', 'anthropic/claude-sonnet-5'],
  ['anthropic', 'claude-opus-5-5', 'anthropic/claude-opus-5-5'],
  ['anthropic', 'claude-opus-5', 'anthropic/claude-opus-5'],
  ['anthropic', 'claude-haiku-5-5', 'anthropic/claude-haiku-5-5'],
  ['mistral', 'mistral-large-latest', 'mistral/mistral-large@2024-09-17'],
  ['mistral', 'mistral-small-4', 'mistral/mistral-small-2603'],
  ['xai', 'grok-4', 'xai/grok-4-0709'],
  ['xai', 'grok-4.5-20261001', 'xai/grok-4.5'],
  // TTS, audio, realtime, image and preview variants are not the text model
  ['openai', 'gpt-4o-mini-tts', 'openai/gpt-4o-mini-tts'],
  ['openai', 'gpt-4o-audio-preview', 'openai/gpt-4o-audio-preview'],
  ['openai', 'gpt-4o-mini-audio-preview-2024-12-17', 'openai/gpt-4o-mini-audio-preview'],
  ['openai', 'gpt-4o-realtime-preview', 'openai/gpt-4o-realtime-preview'],
  ['openai', 'gpt-4o-mini-transcribe', 'openai/gpt-4o-mini-transcribe'],
  ['google', 'gemini-2.5-flash-preview-tts', 'google/gemini-2.5-flash-tts'],
  ['google', 'gemini-2.5-pro-preview-tts', 'google/gemini-2.5-pro-tts'],
  ['google', 'gemini-2.5-flash-image', 'google/gemini-2.5-flash-image'],
  ['google', 'gemini-2.5-flash-lite', 'google/gemini-2.5-flash-lite'],
  ['google', 'gemini-1.5-flash-8b', 'google/gemini-1.5-flash-8b'],
  ['google', 'gemini-1.5-flash-8b-001', 'google/gemini-1.5-flash-8b'],
  ['google', 'gemini-3.5-flash-lite', 'google/gemini-3.5-flash-lite'],
  ['bedrock', 'amazon.titan-embed-text-v2:0', 'bedrock/amazon.titan-embed-text-v2'],
  ['bedrock', 'amazon.titan-embed-text-v1', 'bedrock/amazon.titan-embed-text-v1'],
  // Bedrock: geographic profiles and in-region ids carry the regional price, global. does not
  [
    'bedrock',
    'anthropic.claude-haiku-4-5-20251001-v1:0',
    'bedrock/regional.anthropic.claude-haiku-4-5-20251001-v1:0',
  ],
  [
    'bedrock',
    'eu.anthropic.claude-haiku-4-5-20251001-v1:0',
    'bedrock/regional.anthropic.claude-haiku-4-5-20251001-v1:0',
  ],
  [
    'bedrock',
    'jp.anthropic.claude-haiku-4-5-20251001-v1:0',
    'bedrock/regional.anthropic.claude-haiku-4-5-20251001-v1:0',
  ],
  [
    'bedrock',
    'global.anthropic.claude-haiku-4-5-20251001-v1:0',
    'bedrock/global.anthropic.claude-haiku-4-5-20251001-v1:0',
  ],
  [
    'bedrock',
    'au.anthropic.claude-sonnet-4-5-20250929-v1:0',
    'bedrock/regional.anthropic.claude-sonnet-4-5-20250929-v1:0',
  ],
  ['bedrock', 'global.anthropic.claude-sonnet-4-6', 'bedrock/global.anthropic.claude-sonnet-4-6-v1:0'],
  [
    'bedrock',
    'us.anthropic.claude-3-5-sonnet-20241022-v2:0',
    'bedrock/regional.anthropic.claude-3-5-sonnet-20241022-v2:0',
  ],
  [
    'bedrock',
    'apac.anthropic.claude-sonnet-4-20250514-v1:0',
    'bedrock/regional.anthropic.claude-sonnet-4-20250514-v1:0',
  ],
  ['bedrock', 'amazon.nova-2-lite-v1:0', 'bedrock/regional.amazon.nova-2-lite-v1:0'],
  ['bedrock', 'us.amazon.nova-2-lite-v1:0', 'bedrock/regional.amazon.nova-2-lite-v1:0'],
  ['bedrock', 'global.amazon.nova-2-lite-v1:0', 'bedrock/global.amazon.nova-2-lite-v1:0'],
  // ARNs: foundation models and system profiles by their id; application profiles only through a mapping
  [
    'bedrock',
    'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    'bedrock/regional.anthropic.claude-sonnet-4-5-20250929-v1:0',
  ],
  [
    'bedrock',
    'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
    'bedrock/regional.anthropic.claude-3-haiku-20240307-v1:0',
  ],
  ['bedrock', 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4', null],
  // Vertex AI resource names; Claude on Vertex with @date ids, regional locations at the regional price
  ['vertex', 'publishers/google/models/gemini-2.5-pro', 'google/gemini-2.5-pro'],
  [
    'vertex',
    'projects/p1/locations/us-central1/publishers/google/models/gemini-2.5-flash',
    'google/gemini-2.5-flash',
  ],
  ['vertex', 'claude-sonnet-4-5@20250929', 'google/claude-sonnet-4-5'],
  [
    'vertex',
    'projects/p1/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929',
    'google/regional.claude-sonnet-4-5',
  ],
  [
    'vertex',
    'projects/p1/locations/global/publishers/anthropic/models/claude-sonnet-4-5@20250929',
    'google/claude-sonnet-4-5',
  ],
  [
    'vertex',
    'projects/p1/locations/europe-west1/publishers/anthropic/models/claude-haiku-4-5@20251001',
    'google/regional.claude-haiku-4-5',
  ],
  // A model before 4.5 has no regional premium on Vertex: the regional location falls back to its price
  [
    'vertex',
    'projects/p1/locations/us-east5/publishers/anthropic/models/claude-3-5-haiku@20241022',
    'google/claude-3-5-haiku',
  ],
  ['google', 'models/gemini-2.5-pro', 'google/gemini-2.5-pro'],
  // OpenRouter keeps vendor/model; router prefixes elsewhere are dropped
  ['openrouter', 'anthropic/claude-sonnet-4.5', 'openrouter/anthropic/claude-sonnet-4.5'],
  ['openrouter', 'openai/gpt-4o', 'openrouter/openai/gpt-4o'],
  ['openai', 'openai/gpt-4o', 'openai/gpt-4o@2024-10-02'],
  ['groq', 'openai/gpt-oss-120b', 'groq/openai/gpt-oss-120b'],
  ['together', 'meta-llama/Llama-3.3-70B-Instruct-Turbo', 'together/meta-llama/llama-3.3-70b-instruct-turbo'],
  ['fireworks', 'accounts/fireworks/models/deepseek-v3p2', 'fireworks/deepseek-v3p2'],
  // Fine-tunes at fine-tune prices, never at the base model's; unknown bases stay unpriced
  ['openai', 'ft:gpt-4o-mini-2024-07-18:acme::abc123', 'openai/ft:gpt-4o-mini'],
  ['openai', 'ft:some-unknown-base:acme::abc123', null],
  // Azure deployment names are priced only through response.model or the project's model map
  ['azure', 'my-prod-deployment', null],
  ['azure', 'gpt-4o', 'openai/gpt-4o@2024-10-02'],
  // Upper case and padding
  ['openai', '  GPT-4o  ', 'openai/gpt-4o@2024-10-02'],
  ['Anthropic', 'CLAUDE-HAIKU-4-5', 'anthropic/claude-haiku-4-5'],
  ['DeepSeek', 'deepseek-v4-flash', 'deepseek/deepseek-v4-flash@2026-08-17'],
];

describe('tricky model ids', () => {
  it.each(TRICKY)('%s %j → %s', (provider, model, ruleId) => {
    expect(findRule({ provider, model, at: AT })?.rule.rule.id ?? null).toBe(ruleId);
  });
});
