/**
 * How a function's handler becomes the code Lambda loads: the esbuild options of the CDK
 * construct and of `npm run bench` (cold-start), kept in one place so the bench measures what
 * deploys. Plain data, no CDK imports.
 */
import type { FunctionSpec } from './catalog';

/** esbuild options as NodejsFunction passes them (`--bundle --platform=node --format=cjs ...`). */
export interface BundleOptions {
  target: string;
  minify: boolean;
  /**
   * Write a source map (file and line names only, no sources content) and start Node with
   * `--enable-source-maps`, so stack traces in the logs point at the TypeScript.
   */
  sourceMap: boolean;
}

/**
 * Bundling of one function. Source maps cost 15–40 ms of every cold start (measured by
 * `npm run bench -- cold-start`), so only scheduled jobs have them: nobody waits on a job's cold
 * start, and a failed job is debugged from its logs. Functions that answer requests or drain the
 * queue (someone waits, or the backlog does) start without them.
 *
 * @example
 * bundleOptionsFor(INGEST_FUNCTION); // { target: 'node22', minify: true, sourceMap: false }
 */
export function bundleOptionsFor(spec: FunctionSpec): BundleOptions {
  const servesRequests = (spec.routes?.length ?? 0) > 0 || spec.queue !== undefined;
  return { target: 'node22', minify: true, sourceMap: !servesRequests };
}
