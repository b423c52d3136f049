/**
 * Analytics math for rollups, anomalies and budgets. Domain code: no AWS SDK, no network.
 */
export * from './anomaly';
export { fitWeeklyBaseline, type WeekdayBaseline, type WeeklyBaseline, type WeeklyPoint } from './baseline';
export * from './budget';
export * from './day-rollup';
export * from './errors';
export * from './keys';
export * from './period';
export * from './rollup';
export { MAD_TO_SIGMA, median, medianAbsoluteDeviation, nearestRankPercentiles } from './stats';
