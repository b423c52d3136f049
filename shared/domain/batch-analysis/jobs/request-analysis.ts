/**
 * The processor's one step for offline analysis: after an interaction's completion is stored,
 * create its analysis request when the project's analysis settings (or `analyze: true`) select it.
 *
 * Steps:
 * 1. Only a `completed` interaction that did not opt out (`analyze: false`) can be selected.
 * 2. Read the project's analysis settings (only now, when they can matter) and apply
 *    {@link selectForAnalysis}: `analyze: true`, or the project's sampling.
 * 3. Create the request (`pending_batching`, deterministic id): idempotent, so re-deliveries are
 *    harmless.
 */
import { analysisRequestId, selectForAnalysis, storedAnalysisSettings } from '../settings';
import type { AnalysisRequestStore, AnalysisSettingsSource } from './ports';

/** What the intake needs: where requests are created and where the project's settings are read. */
export interface AnalysisIntakeDeps {
  requests: Pick<AnalysisRequestStore, 'createRequest'>;
  settings: AnalysisSettingsSource;
}

/** The part of a prepared interaction the intake reads. */
export interface CompletedInteraction {
  phase: string;
  record: { project: string; id: string; analyze?: boolean };
}

/**
 * Creates the analysis request of a completed interaction when it is selected.
 *
 * @example
 * await requestAnalysisIfSelected(deps, prepared); // 'created' | 'exists' | 'not_selected'
 */
export async function requestAnalysisIfSelected(
  deps: AnalysisIntakeDeps,
  prepared: CompletedInteraction,
  now = new Date(),
): Promise<'created' | 'exists' | 'not_selected'> {
  if (prepared.phase !== 'completed') return 'not_selected';
  const { project, id, analyze } = prepared.record;
  if (analyze === false) return 'not_selected';
  const settings = storedAnalysisSettings(await deps.settings.analysisSettings(project));
  if (!selectForAnalysis({ project, id, ...(analyze === undefined ? {} : { analyze }) }, settings))
    return 'not_selected';
  return deps.requests.createRequest({
    id: analysisRequestId(project, id),
    project,
    interactionId: id,
    model: settings.model,
    analyses: settings.analyses,
    maxInputChars: settings.maxInputChars,
    createdAt: now.toISOString(),
  });
}
