/**
 * The processor's one step for offline analysis: after an interaction's completion is stored,
 * create its analysis request when the project's analysis settings (or `analyze: true`) select
 * it. Idempotent (deterministic request id, conditional write), so re-deliveries are harmless.
 */
import { analysisRequestId, selectForAnalysis, storedAnalysisSettings } from '../analysis';
import type { PreparedInteraction } from '../pipeline/prepare';
import { createAnalysisRequest } from './analysis-store';
import { getProjectSettings } from './project-settings';

/**
 * Creates the analysis request of a completed interaction when it is selected.
 *
 * @example
 * await requestAnalysisIfSelected(prepared); // 'created' | 'exists' | 'not_selected'
 */
export async function requestAnalysisIfSelected(
  prepared: Pick<PreparedInteraction, 'phase' | 'record'>,
  now = new Date(),
): Promise<'created' | 'exists' | 'not_selected'> {
  if (prepared.phase !== 'completed') return 'not_selected';
  const { project, id, analyze } = prepared.record;
  // Only `analyze: true` and sampling select; settings are read (cached) only when they can matter.
  if (analyze === false) return 'not_selected';
  const settings = storedAnalysisSettings((await getProjectSettings(project)).analysis);
  if (!selectForAnalysis({ project, id, ...(analyze === undefined ? {} : { analyze }) }, settings))
    return 'not_selected';
  return createAnalysisRequest({
    id: analysisRequestId(project, id),
    project,
    interactionId: id,
    model: settings.model,
    analyses: settings.analyses,
    maxInputChars: settings.maxInputChars,
    createdAt: now.toISOString(),
  });
}
