/**
 * Memoizes a loader so it runs on the first call only. With `require` inside the loader, esbuild
 * keeps the module out of the bundle's init: a cold start skips SDK clients it may never use.
 *
 * @example
 * const s3Sdk = onFirstUse(() => require('@aws-sdk/client-s3') as typeof S3);
 */
export function onFirstUse<T>(load: () => T): () => T {
  let value: { loaded: T } | undefined;
  return () => {
    value ??= { loaded: load() };
    return value.loaded;
  };
}
