/**
 * Project administration (admin scope): pricing overrides, the model map, the global catalog layer
 * and redaction configuration. `GET`/`PUT /admin/pricing`, `/admin/model-map`, `/admin/catalog`,
 * `/admin/redaction`, `/admin/retention`. Saving prices (overrides, model map, a catalog import)
 * reprices unpriced interactions at once (the hourly reprice job catches up the rest).
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { getCatalogLayer, putCatalogLayer } from '../../shared/adapters/aws/catalog-store';
import { getProjectSettings, putProjectSettingsSection } from '../../shared/adapters/aws/project-settings';
import {
  dynamoCostStore,
  dynamoProjectDirectory,
  listProjects,
  unpricedInteractionKeys,
} from '../../shared/adapters/aws/reprice-store';
import { createObservability } from '../../shared/adapters/observability';
import { toInputIssues } from '../../shared/domain/interaction/schema';
import {
  defaultRetentionDays,
  effectiveRetentionDays,
  retentionSchema,
} from '../../shared/domain/ledger/retention';
import {
  parseModelMap,
  parsePricingRules,
  type RepriceResult,
  shippedCatalog,
  summarizeReprice,
} from '../../shared/domain/pricing';
import { repriceInteractions } from '../../shared/domain/pricing/reprice-job';
import { parseRedactionConfig } from '../../shared/domain/redaction';
import { authenticate } from '../../shared/http/auth';
import { BadRequestError } from '../../shared/http/errors';
import { type HttpEvent, type HttpResult, json, parseJsonBody } from '../../shared/http/response';
import { httpRouter } from '../../shared/http/router';

const { logger } = createObservability('admin');

/** Unpriced interactions repriced within the `PUT /admin/pricing` request. */
const REPRICE_ON_SAVE = 1_000;

async function getPricing(project: string): Promise<HttpResult> {
  const settings = await getProjectSettings(project);
  return json(200, { ok: true, overrides: settings.pricing ?? [], catalog: shippedCatalog() });
}

/** Reprices a project's unpriced interactions with its current settings and the catalog layer. */
async function repriceUnpriced(project: string): Promise<RepriceResult[]> {
  const keys = await unpricedInteractionKeys(project, REPRICE_ON_SAVE);
  return repriceInteractions(keys, await dynamoProjectDirectory.pricingFor(project), dynamoCostStore);
}

async function putPricing(project: string, event: HttpEvent): Promise<HttpResult> {
  const rules = parsePricingRules(parseJsonBody(event).value);
  await putProjectSettingsSection(project, 'pricing', rules);
  const summary = summarizeReprice(await repriceUnpriced(project));
  return json(200, { ok: true, overrides: rules, repriced: summary });
}

async function getModelMap(project: string): Promise<HttpResult> {
  return json(200, { ok: true, modelMap: (await getProjectSettings(project)).modelMap ?? {} });
}

/** Saves `{"modelMap": {"<model as sent>": "<model id>"}}` and reprices what it can now price. */
async function putModelMap(project: string, event: HttpEvent): Promise<HttpResult> {
  const body = parseJsonBody(event).value as { modelMap?: unknown } | null;
  const modelMap = parseModelMap(body?.modelMap);
  await putProjectSettingsSection(project, 'modelMap', modelMap);
  const summary = summarizeReprice(await repriceUnpriced(project));
  return json(200, { ok: true, modelMap, repriced: summary });
}

async function getCatalog(): Promise<HttpResult> {
  const layer = await getCatalogLayer(0);
  const { rules, ...info } = layer ?? { rules: [] };
  return json(200, {
    ok: true,
    layer: layer ? info : null,
    rules,
    shippedRuleCount: shippedCatalog().length,
  });
}

/**
 * Imports a global catalog layer (`{"rules": [...], "label"?: "..."}`): the next version, priced
 * after each project's overrides and before the shipped catalog; then reprices every project's
 * unpriced interactions through the reprice entry point (the hourly job catches up the rest).
 */
async function putCatalog(_project: string, event: HttpEvent): Promise<HttpResult> {
  const body = parseJsonBody(event).value as { rules?: unknown; label?: unknown } | null;
  const label = typeof body?.label === 'string' ? body.label.slice(0, 200) : undefined;
  const rules = parsePricingRules({ rules: body?.rules }, { catalogLayer: true });
  const layer = await putCatalogLayer(rules, label);
  const results: RepriceResult[] = [];
  for (const project of await listProjects()) results.push(...(await repriceUnpriced(project)));
  return json(200, { ok: true, layer, repriced: summarizeReprice(results) });
}

async function getRedaction(project: string): Promise<HttpResult> {
  const config = ((await getProjectSettings(project)).redaction ?? {}) as Record<string, unknown>;
  // The hash key is write-only: it keys the correlation hashes of every stored value.
  return json(200, { ok: true, config: config.hashSecret ? { ...config, hashSecret: '********' } : config });
}

async function putRedaction(project: string, event: HttpEvent): Promise<HttpResult> {
  const config = parseRedactionConfig(parseJsonBody(event).value);
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
    'GET /admin/model-map': asAdmin(getModelMap),
    'PUT /admin/model-map': asAdmin(putModelMap),
    'GET /admin/catalog': asAdmin(getCatalog),
    'PUT /admin/catalog': asAdmin(putCatalog),
    'GET /admin/redaction': asAdmin(getRedaction),
    'PUT /admin/redaction': asAdmin(putRedaction),
    'GET /admin/retention': asAdmin(getRetention),
    'PUT /admin/retention': asAdmin(putRetention),
  },
  logger,
);

export const handler = middy(route).use(injectLambdaContext(logger, { resetKeys: true }));
