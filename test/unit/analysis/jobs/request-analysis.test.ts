/** The processor's analysis step: which completed interactions get an analysis request. */
import { analysisRequestId } from '../../../../shared/domain/batch-analysis';
import { requestAnalysisIfSelected } from '../../../../shared/domain/batch-analysis/jobs';
import { InMemoryAnalysisStore } from './support/in-memory-stores';

describe('requestAnalysisIfSelected', () => {
  const at = new Date('2026-03-01T00:00:00Z');

  function intake(settings: unknown) {
    const store = new InMemoryAnalysisStore();
    let reads = 0;
    const deps = {
      requests: store,
      settings: {
        analysisSettings: async () => {
          reads += 1;
          return settings;
        },
      },
    };
    return { store, deps, reads: () => reads };
  }

  it('creates one pending request for `analyze: true`, with the project settings, idempotently', async () => {
    const { store, deps } = intake({ model: 'gpt-4.1-mini', analyses: ['topic'], maxInputChars: 1_000 });
    const prepared = { phase: 'completed', record: { project: 'p', id: 'i-1', analyze: true } };
    expect(await requestAnalysisIfSelected(deps, prepared, at)).toBe('created');
    expect(await requestAnalysisIfSelected(deps, prepared, at)).toBe('exists');
    expect(store.request('p', analysisRequestId('p', 'i-1'))).toMatchObject({
      status: 'pending_batching',
      attempts: 0,
      interactionId: 'i-1',
      model: 'gpt-4.1-mini',
      analyses: ['topic'],
      maxInputChars: 1_000,
      createdAt: at.toISOString(),
    });
    expect(store.summary('p').pending_batching).toBe(1);
    expect(store.queueOf('p', analysisRequestId('p', 'i-1'))).toBe('pending');
  });

  it('selects by the project sampling when the interaction does not say, and never on `analyze: false`', async () => {
    const all = intake({ sampleRate: 1 });
    expect(
      await requestAnalysisIfSelected(all.deps, { phase: 'completed', record: { project: 'p', id: 'x' } }),
    ).toBe('created');
    const none = intake({ sampleRate: 0 });
    expect(
      await requestAnalysisIfSelected(none.deps, { phase: 'completed', record: { project: 'p', id: 'x' } }),
    ).toBe('not_selected');
    const optOut = intake({ sampleRate: 1 });
    expect(
      await requestAnalysisIfSelected(optOut.deps, {
        phase: 'completed',
        record: { project: 'p', id: 'x', analyze: false },
      }),
    ).toBe('not_selected');
    // Settings are read only when they can matter.
    expect(optOut.reads()).toBe(0);
  });

  it('ignores interactions that have not completed', async () => {
    const { deps, reads } = intake({ sampleRate: 1 });
    expect(
      await requestAnalysisIfSelected(deps, {
        phase: 'started',
        record: { project: 'p', id: 'x', analyze: true },
      }),
    ).toBe('not_selected');
    expect(reads()).toBe(0);
  });
});
