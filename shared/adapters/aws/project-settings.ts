/**
 * Per-project settings (shared/domain/projects/settings.ts) as one ledger item per project
 * (`PROJECT#<project>` / `SETTINGS`). Cached in the warm container for a minute.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ProjectSettings, SettingsSection } from '../../domain/projects/settings';
import { projectSettingsKey } from '../../domain/table/keys';
import { dynamo } from './clients';
import { ENV, requireEnv } from './config';

export type { ProjectSettings, SettingsSection } from '../../domain/projects/settings';

const TTL_MS = 60_000;
const cache = new Map<string, { settings: ProjectSettings; expiresAt: number }>();

/** The project's settings (empty when none were saved). */
export async function getProjectSettings(project: string, now = Date.now()): Promise<ProjectSettings> {
  const cached = cache.get(project);
  if (cached && cached.expiresAt > now) return cached.settings;
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: requireEnv(ENV.ledgerTable), Key: projectSettingsKey(project) }),
  );
  const settings = (Item ?? {}) as ProjectSettings;
  cache.set(project, { settings, expiresAt: now + TTL_MS });
  return settings;
}

/**
 * Replaces one section of a project's settings (validate it with its domain schema first).
 *
 * @example
 * await putProjectSettingsSection('default', 'redaction', parseRedactionConfig(body));
 */
export async function putProjectSettingsSection(
  project: string,
  section: SettingsSection,
  value: unknown,
): Promise<void> {
  await dynamo().send(
    new UpdateCommand({
      TableName: requireEnv(ENV.ledgerTable),
      Key: projectSettingsKey(project),
      UpdateExpression: 'SET #section = :value, #updatedAt = :now, #entity = :entity, #project = :project',
      ExpressionAttributeNames: {
        '#section': section,
        '#updatedAt': 'updatedAt',
        '#entity': 'entity',
        '#project': 'project',
      },
      ExpressionAttributeValues: {
        ':value': value,
        ':now': new Date().toISOString(),
        ':entity': 'project-settings',
        ':project': project,
      },
    }),
  );
  cache.delete(project);
}

/** Forgets cached settings (tests, and after a local write). */
export function clearProjectSettingsCache(): void {
  cache.clear();
}
