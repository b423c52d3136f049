/**
 * OpenAI's organization Usage API (completions and embeddings) and Costs API through the `openai` SDK, with an
 * admin key: every page is followed (`page` = the previous `next_page` while `has_more`), and
 * the SDK retries 429 (honouring `retry-after`) and 5xx. Errors become a ProviderReportError
 * with status and code only: OpenAI's messages may quote part of the key.
 */
import OpenAI from 'openai';
import { addDays } from '../../domain/analytics/period';
import {
  ProviderReportError,
  type ProviderReportPort,
  type ProviderReportRequest,
} from '../../domain/reconcile/port';
import { openAiCosts, openAiUsage } from '../../domain/reconcile/reports';

export interface OpenAiReportOptions {
  adminKey: string;
  /** Default `https://api.openai.com/v1`. */
  baseURL?: string;
  /** Retries of 429/5xx per call; default 5. */
  maxRetries?: number;
  /** Per-call timeout; default 60 s. */
  timeoutMs?: number;
}

const unixSeconds = (day: string) => Date.parse(`${day}T00:00:00Z`) / 1000;
const dayCount = (from: string, to: string) =>
  Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;

/**
 * A provider-report port over OpenAI's admin APIs.
 *
 * @example
 * const report = createOpenAiReport({ adminKey: 'sk-admin-…' });
 * await report.read({ from: '2026-11-21', to: '2026-11-21', scope: { projectIds: ['proj_abc'] } });
 */
export function createOpenAiReport(options: OpenAiReportOptions): ProviderReportPort {
  const client = new OpenAI({
    adminAPIKey: options.adminKey,
    // Only the admin key may authenticate these calls: never a project key from the environment.
    apiKey: null,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    maxRetries: options.maxRetries ?? 5,
    timeout: options.timeoutMs ?? 60_000,
  });

  async function allPages<Page extends { has_more: boolean; next_page: string | null }>(
    what: string,
    fetchPage: (page: string | undefined) => Promise<Page>,
  ): Promise<Page[]> {
    const pages: Page[] = [];
    let page: string | undefined;
    try {
      do {
        const answer = await fetchPage(page);
        pages.push(answer);
        page = answer.has_more && answer.next_page ? answer.next_page : undefined;
      } while (page);
    } catch (error) {
      if (error instanceof OpenAI.APIError) {
        throw new ProviderReportError('openai', error.status ?? null, error.code ?? error.type ?? null, what);
      }
      throw new ProviderReportError('openai', null, error instanceof Error ? error.name : null, what);
    }
    return pages;
  }

  return {
    provider: 'openai',
    async read(request: ProviderReportRequest) {
      const window = {
        start_time: unixSeconds(request.from),
        end_time: unixSeconds(addDays(request.to, 1)),
        bucket_width: '1d' as const,
        limit: Math.min(31, dayCount(request.from, request.to)),
        ...(request.scope.projectIds ? { project_ids: request.scope.projectIds } : {}),
        ...(request.scope.apiKeyIds ? { api_key_ids: request.scope.apiKeyIds } : {}),
      };
      const usagePages = await allPages('usage report', (page) =>
        client.admin.organization.usage.completions({
          ...window,
          group_by: ['model', 'batch'],
          ...(page ? { page } : {}),
        }),
      );
      // Embedding calls have their own usage endpoint (input tokens and requests only).
      const embeddingPages = await allPages('embeddings usage report', (page) =>
        client.admin.organization.usage.embeddings({
          ...window,
          group_by: ['model'],
          ...(page ? { page } : {}),
        }),
      );
      const costPages = await allPages('cost report', (page) =>
        client.admin.organization.usage.costs({
          ...window,
          group_by: ['line_item'],
          ...(page ? { page } : {}),
        }),
      );
      return {
        usage: [...openAiUsage(usagePages), ...openAiUsage(embeddingPages)],
        costs: openAiCosts(costPages),
      };
    },
  };
}
