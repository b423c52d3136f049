/**
 * Per-project settings: one stored document per project whose sections are each owned and
 * validated by their domain module (redaction config, pricing overrides, model map, analysis
 * settings, budget, retention). Stored raw; each reader parses its own section.
 */

export type SettingsSection = 'redaction' | 'pricing' | 'modelMap' | 'analysis' | 'budget' | 'retention';

/** Raw stored sections; callers parse their own section with its domain schema. */
export type ProjectSettings = Partial<Record<SettingsSection, unknown>> & { updatedAt?: string };

/** Reads a project's settings (empty when none were saved). */
export type ProjectSettingsReader = (project: string) => Promise<ProjectSettings>;
