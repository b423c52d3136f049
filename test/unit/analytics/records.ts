/**
 * Arbitrary rollup source records for the property tests: three days from 2026-11-20, zone
 * offsets that move records near midnight into the neighbouring UTC day, exact nano costs.
 */
import fc from 'fast-check';
import type { RollupSourceRecord } from '../../../shared/domain/analytics';

export const DAY_MS = 86_400_000;
export const START = Date.parse('2026-11-20T00:00:00Z');

const nanos = fc.integer({ min: 0, max: 5_000_000_000_000 });
const tokens = fc.integer({ min: 0, max: 50_000_000 });

export const recordArb: fc.Arbitrary<RollupSourceRecord> = fc.record(
  {
    project: fc.constantFrom('acme', 'beta', 'a#b'),
    provider: fc.constantFrom('openai', 'anthropic'),
    model: fc.constantFrom('gpt-4o', 'gpt-4o-mini', 'claude=x'),
    status: fc.constantFrom('success', 'error', 'abandoned', 'in_progress'),
    // Three days, with offsets so that records near midnight land in the neighbouring UTC day.
    timestamp: fc
      .tuple(fc.integer({ min: 0, max: 3 * DAY_MS - 1 }), fc.constantFrom('Z', '+02:00', '-05:30'))
      .map(([offset, zone]) => {
        const iso = new Date(START + offset).toISOString();
        return zone === 'Z' ? iso : `${iso.slice(0, 19)}${zone}`;
      }),
    tokens: fc.record({
      input: tokens,
      output: tokens,
      cachedInput: tokens,
      cacheWriteInput: tokens,
      reasoning: tokens,
    }),
    cost: fc
      .record({
        priced: fc.boolean(),
        inputNanos: nanos,
        cachedInputNanos: nanos,
        cacheWriteNanos: nanos,
        outputNanos: nanos,
        reasoningNanos: nanos,
        unpricedReason: fc.constantFrom('unknown_model', 'missing_usage'),
      })
      .map(({ priced, unpricedReason, ...parts }) => ({
        ...parts,
        totalNanos: Object.values(parts).reduce((sum, part) => sum + part, 0),
        priced,
        ...(priced ? {} : { unpricedReason }),
      })),
    latencyMs: fc.integer({ min: 0, max: 120_000 }),
    tags: fc.dictionary(
      fc.constantFrom('team', 'env', 'feature'),
      fc.constantFrom('search', 'chat', 'prod', ''),
    ),
  },
  { requiredKeys: ['project', 'provider', 'model', 'status', 'timestamp', 'cost'] },
);
