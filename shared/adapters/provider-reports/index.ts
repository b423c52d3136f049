/**
 * Provider-report adapters: one per provider whose admin API reports usage and cost. Bedrock and
 * Gemini (billed through the cloud account) would add a Cost Explorer / CUR adapter here.
 */
import type { ProviderAccount } from '../../domain/reconcile/accounts';
import type { ProviderReportPort } from '../../domain/reconcile/port';
import { createAnthropicReport } from './anthropic';
import { createOpenAiReport } from './openai';

export { type AnthropicReportOptions, createAnthropicReport } from './anthropic';
export { createOpenAiReport, type OpenAiReportOptions } from './openai';

/**
 * The report client of a provider account, or undefined when tokentrail has no adapter for it.
 *
 * @example
 * reportFor({ provider: 'openai', adminKey: 'sk-admin-…', scope: {} })?.read({ from, to, scope: {} });
 */
export function reportFor(account: ProviderAccount): ProviderReportPort | undefined {
  const base = { adminKey: account.adminKey, ...(account.baseURL ? { baseURL: account.baseURL } : {}) };
  switch (account.provider) {
    case 'openai':
      return createOpenAiReport(base);
    case 'anthropic':
      return createAnthropicReport(base);
    default:
      return undefined;
  }
}
