/**
 * What the processor needs to know about a project: its redactor (from the project's
 * redaction configuration) and its pricing overrides. Built from the project settings and
 * reused while the settings are unchanged, so compiled rules and patterns stay warm.
 */

import { defaultRetentionDays, effectiveRetentionDays } from '../ledger/retention';
import { type ModelMap, type PricingRule, parseModelMap, parsePricingRules } from '../pricing';
import { createRedactor, parseRedactionConfig, type Redactor } from '../redaction';
import { getCatalogLayer } from './catalog-store';
import { getProjectSettings } from './project-settings';

export interface ProjectContext {
  redactor: Redactor;
  /** Project overrides, consulted before the catalog; empty when none. */
  pricingRules: PricingRule[];
  /** The project's model map (deployment names, application inference profile ARNs → model ids). */
  modelMap?: ModelMap;
  /** The imported global catalog layer (`tokentrail pricing import`), shared by every project. */
  catalogLayer?: readonly PricingRule[];
  /** Days interactions are kept (the project's `retention` or the stack default); 0 keeps forever. */
  retentionDays?: number;
}

const built = new Map<string, { version: string; context: ProjectContext }>();

/**
 * The project's redactor and pricing overrides.
 *
 * @throws {InvalidRedactionConfigError | InvalidPricingRulesError} when stored settings no longer
 * validate (they are validated when saved): the record is retried and reaches the DLQ rather than
 * being stored with weaker redaction than the project asked for.
 * @example
 * const { redactor, pricingRules } = await projectContext('default');
 */
export async function projectContext(project: string): Promise<ProjectContext> {
  const [settings, layer] = await Promise.all([getProjectSettings(project), getCatalogLayer()]);
  const version = `${settings.updatedAt ?? 'defaults'}|${layer?.version ?? 0}`;
  const cached = built.get(project);
  if (cached?.version === version) return cached.context;
  const context: ProjectContext = {
    redactor: createRedactor(
      settings.redaction === undefined ? undefined : parseRedactionConfig(settings.redaction),
    ),
    pricingRules: settings.pricing === undefined ? [] : parsePricingRules(settings.pricing),
    modelMap: settings.modelMap === undefined ? undefined : parseModelMap(settings.modelMap),
    catalogLayer: layer?.rules,
    retentionDays: effectiveRetentionDays(settings.retention, defaultRetentionDays(process.env)),
  };
  built.set(project, { version, context });
  return context;
}
