/**
 * The provider-report port: what the reconcile job needs from a provider's billing data.
 * OpenAI and Anthropic implement it over their admin APIs (shared/adapters/provider-reports);
 * Gemini and Bedrock, billed through the cloud account, would implement it over Cost Explorer
 * or the Cost and Usage Report, with the scope naming a cost allocation tag or an account.
 */
import type { ProviderReport } from './types';

/** Which part of a provider account belongs to one tokentrail project. */
export interface ProviderScope {
  /** OpenAI project ids (`proj_…`). */
  projectIds?: string[];
  /** Anthropic workspace ids (`wrkspc_…`). */
  workspaceIds?: string[];
  /** API key ids (either provider). */
  apiKeyIds?: string[];
}

export interface ProviderReportRequest {
  /** First UTC day, inclusive. */
  from: string;
  /** Last UTC day, inclusive. */
  to: string;
  scope: ProviderScope;
}

/** Reads a provider's usage and cost reports for a range of days. */
export interface ProviderReportPort {
  /** The ledger's provider name this report reconciles (`openai`, `anthropic`). */
  readonly provider: string;
  /**
   * Usage per day × model and cost per day × model, summed over the scope; follows every page
   * and retries rate limits itself.
   *
   * @throws {ProviderReportError} when the provider refuses or keeps failing (never quoting a key)
   */
  read(request: ProviderReportRequest): Promise<ProviderReport>;
}

/**
 * A provider report that could not be read. Carries the provider, HTTP status and error code
 * only: never the admin key, never the provider's message (which may quote part of the key).
 */
export class ProviderReportError extends Error {
  public readonly provider: string;
  public readonly status: number | null;
  public readonly code: string | null;

  public constructor(provider: string, status: number | null, code: string | null, what = 'report') {
    super(
      `${provider} ${what} could not be read (${status === null ? 'no answer' : `HTTP ${status}`}${code ? `, ${code}` : ''})`,
    );
    this.name = 'ProviderReportError';
    this.provider = provider;
    this.status = status;
    this.code = code;
  }
}
