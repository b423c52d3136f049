/**
 * The project context over in-memory settings and catalog layer: built once per settings and
 * layer version, rebuilt when either changes, and refused (never weakened) when stored settings
 * no longer validate.
 */
import type { PricingRule } from '../../../shared/domain/pricing';
import { projectContextLoader } from '../../../shared/domain/projects/context';
import type { ProjectSettings } from '../../../shared/domain/projects/settings';
import { InvalidRedactionConfigError } from '../../../shared/domain/redaction';

function setup() {
  const settings = new Map<string, ProjectSettings>();
  const state: { layer?: { version: number; rules: PricingRule[] }; reads: number; retention: number } = {
    reads: 0,
    retention: 0,
  };
  const projectContext = projectContextLoader({
    settings: async (project) => {
      state.reads += 1;
      return settings.get(project) ?? {};
    },
    catalogLayer: async () => state.layer,
    defaultRetentionDays: () => state.retention,
  });
  return { settings, state, projectContext };
}

describe('projectContextLoader', () => {
  it('builds the defaults for a project without settings, and reuses them while nothing changed', async () => {
    const { state, projectContext } = setup();
    state.retention = 90;
    const first = await projectContext('default');
    expect(first).toMatchObject({
      pricingRules: [],
      modelMap: undefined,
      catalogLayer: undefined,
      retentionDays: 90,
    });
    expect(first.redactor.redactText('mail me at jane@example.com').text).not.toContain('jane@example.com');
    expect(await projectContext('default')).toBe(first);
    expect(state.reads).toBe(2);
  });

  it('rebuilds when the settings or the catalog layer change', async () => {
    const { settings, state, projectContext } = setup();
    const first = await projectContext('acme');
    settings.set('acme', { retention: { days: 30 }, updatedAt: '2026-11-21T10:00:00.000Z' });
    const second = await projectContext('acme');
    expect(second).not.toBe(first);
    expect(second.retentionDays).toBe(30);
    state.layer = { version: 2, rules: [] };
    const third = await projectContext('acme');
    expect(third).not.toBe(second);
    expect(third.catalogLayer).toEqual([]);
    expect(await projectContext('acme')).toBe(third);
  });

  it('refuses stored settings that no longer validate rather than redact less', async () => {
    const { settings, projectContext } = setup();
    settings.set('acme', { redaction: { detectors: 'none of them' }, updatedAt: '2026-11-21T10:00:00.000Z' });
    await expect(projectContext('acme')).rejects.toBeInstanceOf(InvalidRedactionConfigError);
  });
});
