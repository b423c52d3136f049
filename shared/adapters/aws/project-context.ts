/**
 * The project context (shared/domain/projects/context.ts) over the project settings item and the
 * catalog layer item in the ledger table, with the stack's retention default.
 */
import { defaultRetentionDays } from '../../domain/ledger/retention';
import { type ProjectContext, projectContextLoader } from '../../domain/projects/context';
import { getCatalogLayer } from './catalog-store';
import { getProjectSettings } from './project-settings';

export type { ProjectContext } from '../../domain/projects/context';

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
