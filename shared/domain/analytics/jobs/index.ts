/**
 * The analytics jobs as use cases (rollup, budget, anomaly) and the ports they take their
 * stores, notifier, clock, logger and metrics through. Domain code: no AWS SDK, no network.
 */
export * from './anomaly';
export * from './budget';
export * from './input';
export type * from './ports';
export * from './record-anomaly';
export * from './rollup';
export * from './views';
