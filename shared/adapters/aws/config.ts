import { MissingConfigurationError } from './errors';

/** Names of the resources a function uses, from its environment (set by the stack or the local twin). */
export { ENV } from '../../domain/env-names';

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new MissingConfigurationError(name);
  return value;
}
