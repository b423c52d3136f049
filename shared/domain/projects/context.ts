/**
 * What the processor (and the reprice and admin paths) need to know about a project: its
 * redactor (from the project's redaction configuration), its pricing overrides, model map and
 * retention, and the imported global catalog layer. Built from the project settings and reused
 * while the settings and the layer are unchanged, so compiled rules and patterns stay warm.
 *
 * Steps:
 * 1. Read the project's settings and the catalog layer (both cached by their stores).
 * 2. If neither changed since the context was last built (settings `updatedAt`, layer version),
 *    answer the built one.
 * 3. Otherwise parse each section with its domain schema, build the redactor, and keep it.
 */
import { effectiveRetentionDays } from '../ledger/retention';
import { type ModelMap, type PricingRule, parseModelMap, parsePricingRules } from '../pricing';
import { createRedactor, parseRedactionConfig, type Redactor } from '../redaction';
import type { ProjectSettingsReader } from './settings';

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

export interface ProjectContextDependencies {
  settings: ProjectSettingsReader;
  /** The current global catalog layer, if one was imported. */
  catalogLayer(): Promise<{ version: number; rules: PricingRule[] } | undefined>;
  /** The stack-wide retention default in days (0 keeps forever). */
  defaultRetentionDays(): number;
}

/**
 * A `projectContext(project)` function over the given stores, remembering what it built.
 *
 * @throws {InvalidRedactionConfigError | InvalidPricingRulesError} (from the returned function)
 * when stored settings no longer validate (they are validated when saved): the record is retried
 * and reaches the DLQ rather than being stored with weaker redaction than the project asked for.
 * @example
 * const projectContext = projectContextLoader({ settings, catalogLayer, defaultRetentionDays: () => 0 });
 * const { redactor, pricingRules } = await projectContext('default');
 */
export function projectContextLoader(
  deps: ProjectContextDependencies,
): (project: string) => Promise<ProjectContext> {
  const built = new Map<string, { version: string; context: ProjectContext }>();
  return async (project) => {
    const [settings, layer] = await Promise.all([deps.settings(project), deps.catalogLayer()]);
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
      retentionDays: effectiveRetentionDays(settings.retention, deps.defaultRetentionDays()),
    };
    built.set(project, { version, context });
    return context;
  };
}
