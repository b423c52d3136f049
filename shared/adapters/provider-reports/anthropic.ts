/**
 * Anthropic's Admin API messages usage report and cost report over `fetch` (the Anthropic SDK
 * covers the newer analytics endpoints, not these), with an admin key in `x-api-key`: every
 * page is followed (`page` = `next_page` while `has_more`); 429, 5xx and 529 are retried after
 * `retry-after` seconds (or a growing backoff), up to `maxAttempts`. Errors carry the status and
 * Anthropic's error type only, never a message or the key.
 */
import { addDays } from '../../domain/analytics/period';
import {
  ProviderReportError,
  type ProviderReportPort,
  type ProviderReportRequest,
} from '../../domain/reconcile/port';
import { anthropicCosts, anthropicUsage } from '../../domain/reconcile/reports';

export interface AnthropicReportOptions {
  adminKey: string;
  /** Default `https://api.anthropic.com`. */
  baseURL?: string;
  /** Attempts per call, the first included; default 6. */
  maxAttempts?: number;
  /** Per-attempt timeout; default 60 s. */
  timeoutMs?: number;
  /** Longest wait honoured from `retry-after`; default 60 s. */
  maxRetryAfterMs?: number;
  /** Waits between attempts (tests replace it). */
  sleep?: (ms: number) => Promise<void>;
}

const ANTHROPIC_VERSION = '2023-06-01';
const RETRIED = new Set([408, 409, 429, 500, 502, 503, 504, 529]);
const dayCount = (from: string, to: string) =>
  Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;

interface Page {
  data?: unknown[];
  has_more?: boolean;
  next_page?: string | null;
}

/**
 * A provider-report port over Anthropic's Admin API reports.
 *
 * @example
 * const report = createAnthropicReport({ adminKey: 'sk-ant-admin01-…' });
 * await report.read({ from: '2026-11-21', to: '2026-11-21', scope: { workspaceIds: ['wrkspc_abc'] } });
 */
export function createAnthropicReport(options: AnthropicReportOptions): ProviderReportPort {
  const baseURL = (options.baseURL ?? 'https://api.anthropic.com').replace(/\/+$/, '');
  const maxAttempts = options.maxAttempts ?? 6;
  const sleep = options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));

  async function getPage(path: string, query: URLSearchParams, what: string): Promise<Page> {
    for (let attempt = 1; ; attempt += 1) {
      let response: Response;
      try {
        response = await fetch(`${baseURL}${path}?${query}`, {
          headers: { 'x-api-key': options.adminKey, 'anthropic-version': ANTHROPIC_VERSION },
          signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
        });
      } catch (error) {
        if (attempt >= maxAttempts)
          throw new ProviderReportError('anthropic', null, error instanceof Error ? error.name : null, what);
        await sleep(backoffMs(attempt));
        continue;
      }
      if (response.ok) return (await response.json()) as Page;
      const errorType = await errorTypeOf(response);
      if (!RETRIED.has(response.status) || attempt >= maxAttempts) {
        throw new ProviderReportError('anthropic', response.status, errorType, what);
      }
      const retryAfter = Number(response.headers.get('retry-after'));
      await sleep(
        Number.isFinite(retryAfter) && retryAfter >= 0 && response.headers.has('retry-after')
          ? Math.min(retryAfter * 1000, options.maxRetryAfterMs ?? 60_000)
          : backoffMs(attempt),
      );
    }
  }

  async function allPages(path: string, base: URLSearchParams, what: string): Promise<Page[]> {
    const pages: Page[] = [];
    let page: string | undefined;
    do {
      const query = new URLSearchParams(base);
      if (page) query.set('page', page);
      const answer = await getPage(path, query, what);
      pages.push(answer);
      page = answer.has_more && answer.next_page ? answer.next_page : undefined;
    } while (page);
    return pages;
  }

  return {
    provider: 'anthropic',
    async read(request: ProviderReportRequest) {
      const window = () => {
        const query = new URLSearchParams({
          starting_at: `${request.from}T00:00:00Z`,
          ending_at: `${addDays(request.to, 1)}T00:00:00Z`,
          bucket_width: '1d',
          limit: String(Math.min(31, dayCount(request.from, request.to))),
        });
        return query;
      };
      const usageQuery = window();
      for (const group of ['model', 'service_tier']) usageQuery.append('group_by[]', group);
      for (const id of request.scope.workspaceIds ?? []) usageQuery.append('workspace_ids[]', id);
      for (const id of request.scope.apiKeyIds ?? []) usageQuery.append('api_key_ids[]', id);
      const usagePages = await allPages(
        '/v1/organizations/usage_report/messages',
        usageQuery,
        'usage report',
      );

      // The cost report groups by workspace, never by API key: a scope of keys alone has no cost.
      const keysOnly = (request.scope.apiKeyIds?.length ?? 0) > 0 && !request.scope.workspaceIds?.length;
      if (keysOnly) return { usage: anthropicUsage(usagePages), costs: null };
      const costQuery = window();
      for (const group of ['workspace_id', 'description']) costQuery.append('group_by[]', group);
      const costPages = await allPages('/v1/organizations/cost_report', costQuery, 'cost report');
      return {
        usage: anthropicUsage(usagePages),
        costs: anthropicCosts(costPages, request.scope.workspaceIds),
      };
    },
  };
}

const backoffMs = (attempt: number) => Math.min(30_000, 500 * 2 ** (attempt - 1));

async function errorTypeOf(response: Response): Promise<string | null> {
  try {
    const body = (await response.json()) as { error?: { type?: unknown } };
    return typeof body.error?.type === 'string' ? body.error.type.slice(0, 64) : null;
  } catch {
    return null;
  }
}
