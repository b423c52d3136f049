/**
 * The project context (shared/projects/context.ts) over the project settings item and the
 * catalog layer item in the ledger table, with the stack's retention default.
 */
import { defaultRetentionDays } from '../ledger/retention';
import { type ProjectContext, projectContextLoader } from '../projects/context';
import { getCatalogLayer } from './catalog-store';
import { getProjectSettings } from './project-settings';

export type { ProjectContext } from '../projects/context';

/**
 * The project's redactor, pricing overrides, model map, catalog layer and retention.
 *
 * @example
 * const { redactor, pricingRules } = await projectContext('default');
 */
export const projectContext: (project: string) => Promise<ProjectContext> = projectContextLoader({
  settings: (project) => getProjectSettings(project),
  catalogLayer: () => getCatalogLayer(),
  defaultRetentionDays: () => defaultRetentionDays(process.env),
});
