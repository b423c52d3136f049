import type { Emulators } from '../../infra/local/emulators';

/** Stops the emulators that the global setup started. */
export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __tokentrailEmulators?: Emulators }).__tokentrailEmulators?.stop();
}
