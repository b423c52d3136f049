/**
 * Powertools Logger and Metrics for a function. Rules that keep the ledger's promise: log ids,
 * counts and error classes only — never payload text, keys or error messages from payloads;
 * metric dimensions are never payload content.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from '../domain/metric-names';

/** Metric names and namespace live in ./metric-names.ts (shared with the dashboard). */
export { METRIC, METRICS_NAMESPACE } from '../domain/metric-names';

export function createObservability(serviceName: string): { logger: Logger; metrics: Metrics } {
  return {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName }),
  };
}

/** An error's class name only: safe to log or store, unlike its message. */
export function errorClassOf(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
