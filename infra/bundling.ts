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
  /** Write a source map and start Node with `--enable-source-maps`. */
  sourceMap: boolean;
}

/**
 * Bundling of one function.
 *
 * @example
 * bundleOptionsFor(INGEST_FUNCTION); // { target: 'node22', minify: true, sourceMap: true }
 */
export function bundleOptionsFor(_spec: FunctionSpec): BundleOptions {
  return { target: 'node22', minify: true, sourceMap: true };
}
