import type { ChildProcess } from 'node:child_process';

/** Stops the emulators that the global setup started. */
export default async function globalTeardown(): Promise<void> {
  const child = (globalThis as { __tokentrailEmulators?: ChildProcess }).__tokentrailEmulators;
  if (!child || child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.stdin?.end();
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}
