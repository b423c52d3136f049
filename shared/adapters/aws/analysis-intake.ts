/**
 * The processor's analysis step on AWS: {@link requestAnalysisIfSelected} of
 * `shared/domain/batch-analysis/jobs` with the DynamoDB request store and the cached project settings.
 */

import {
  type AnalysisIntakeDeps,
  requestAnalysisIfSelected as requestAnalysis,
} from '../../domain/batch-analysis/jobs/request-analysis';
import type { PreparedInteraction } from '../../domain/pipeline/prepare';
import { analysisRequestStore } from './analysis-store';
import { getProjectSettings } from './project-settings';

const intake: AnalysisIntakeDeps = {
  requests: analysisRequestStore,
  settings: { analysisSettings: async (project) => (await getProjectSettings(project)).analysis },
};

/**
 * Creates the analysis request of a completed interaction when it is selected.
 *
 * @example
 * await requestAnalysisIfSelected(prepared); // 'created' | 'exists' | 'not_selected'
 */
export function requestAnalysisIfSelected(
  prepared: Pick<PreparedInteraction, 'phase' | 'record'>,
  now = new Date(),
): Promise<'created' | 'exists' | 'not_selected'> {
  return requestAnalysis(intake, prepared, now);
}
