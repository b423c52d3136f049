/**
 * Project administration (admin scope): pricing overrides and redaction configuration.
 * `GET`/`PUT /admin/pricing`, `GET`/`PUT /admin/redaction`. Saving pricing overrides reprices
 * the project's unpriced interactions at once (the hourly reprice job catches up the rest).
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { getProjectSettings, putProjectSettingsSection } from '../../shared/aws/project-settings';
import { repriceInteractions, unpricedInteractionKeys } from '../../shared/aws/reprice-store';
import { authenticate } from '../../shared/http/auth';
import { BadRequestError } from '../../shared/http/errors';
import { type HttpEvent, type HttpResult, json, parseJsonBody } from '../../shared/http/response';
import { httpRouter } from '../../shared/http/router';
import { toInputIssues } from '../../shared/interaction/schema';
import { defaultRetentionDays, effectiveRetentionDays, retentionSchema } from '../../shared/ledger/retention';
import { createObservability } from '../../shared/observability';
import { CATALOG, InvalidPricingRulesError, parsePricingRules, summarizeReprice } from '../../shared/pricing';
import { InvalidRedactionConfigError, parseRedactionConfig } from '../../shared/redaction';

const { logger } = createObservability('admin');

/** Unpriced interactions repriced within the `PUT /admin/pricing` request. */
const REPRICE_ON_SAVE = 1_000;

function validated<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof InvalidPricingRulesError || error instanceof InvalidRedactionConfigError) {
      throw new BadRequestError(
        error.name === 'InvalidPricingRulesError'
          ? 'invalid pricing rules'
          : 'invalid redaction configuration',
        error.issues,
      );
    }
    throw error;
  }
}

async function getPricing(project: string): Promise<HttpResult> {
  const settings = await getProjectSettings(project);
  return json(200, { ok: true, overrides: settings.pricing ?? [], catalog: CATALOG });
}

async function putPricing(project: string, event: HttpEvent): Promise<HttpResult> {
  const rules = validated(() => parsePricingRules(parseJsonBody(event).value));
  await putProjectSettingsSection(project, 'pricing', rules);
  const keys = await unpricedInteractionKeys(project, REPRICE_ON_SAVE);
  const summary = summarizeReprice(await repriceInteractions(keys, rules));
  return json(200, { ok: true, overrides: rules, repriced: summary });
}

async function getRedaction(project: string): Promise<HttpResult> {
  const config = ((await getProjectSettings(project)).redaction ?? {}) as Record<string, unknown>;
  // The hash key is write-only: it keys the correlation hashes of every stored value.
  return json(200, { ok: true, config: config.hashSecret ? { ...config, hashSecret: '********' } : config });
}

async function putRedaction(project: string, event: HttpEvent): Promise<HttpResult> {
  const config = validated(() => parseRedactionConfig(parseJsonBody(event).value));
  await putProjectSettingsSection(project, 'redaction', config);
  return json(200, { ok: true });
}

/** The project's retention: its own setting, else the stack default (`source` says which). */
async function getRetention(project: string): Promise<HttpResult> {
  const stored = (await getProjectSettings(project)).retention;
  const fallback = defaultRetentionDays();
  const own = retentionSchema.safeParse(stored).success;
  return json(200, {
    ok: true,
    retention: { days: effectiveRetentionDays(stored, fallback) },
    source: own ? 'project' : 'default',
    defaultDays: fallback,
  });
}

/** Saves `{"days": n}` (0 keeps forever); applies to interactions stored from now on. */
async function putRetention(project: string, event: HttpEvent): Promise<HttpResult> {
  const parsed = retentionSchema.safeParse(parseJsonBody(event).value);
  if (!parsed.success) throw new BadRequestError('invalid retention', toInputIssues(parsed.error));
  await putProjectSettingsSection(project, 'retention', parsed.data);
  return json(200, { ok: true, retention: parsed.data, source: 'project' });
}

/** Runs a handler for the project of an admin-scoped key. */
const asAdmin =
  (handle: (project: string, event: HttpEvent) => Promise<HttpResult>) =>
  async (event: HttpEvent): Promise<HttpResult> =>
    handle((await authenticate(event, 'admin')).project, event);

export const route = httpRouter(
  {
    'GET /admin/pricing': asAdmin(getPricing),
    'PUT /admin/pricing': asAdmin(putPricing),
    'GET /admin/redaction': asAdmin(getRedaction),
    'PUT /admin/redaction': asAdmin(putRedaction),
    'GET /admin/retention': asAdmin(getRetention),
    'PUT /admin/retention': asAdmin(putRetention),
  },
  logger,
);

export const handler = middy(route).use(injectLambdaContext(logger, { resetKeys: true }));
