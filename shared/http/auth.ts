import { findPrincipal } from '../adapters/aws/api-key-store';
import { bearerToken, hashApiKey, type Principal, type Scope } from '../domain/auth/api-keys';
import { ForbiddenError, UnauthorizedError } from './errors';
import { type HttpEvent, header } from './response';

/**
 * Authenticates the bearer key of a request and checks it has `scope` (`admin` implies all).
 *
 * @throws {UnauthorizedError} when the key is missing, unknown or revoked.
 * @throws {ForbiddenError} when the key lacks the scope.
 */
export async function authenticate(event: HttpEvent, scope: Scope): Promise<Principal> {
  const token = bearerToken(header(event, 'authorization'));
  if (!token) throw new UnauthorizedError('missing API key: send "Authorization: Bearer <key>"');
  const principal = await findPrincipal(hashApiKey(token));
  if (!principal) throw new UnauthorizedError('unknown or revoked API key');
  if (!principal.scopes.includes(scope) && !principal.scopes.includes('admin'))
    throw new ForbiddenError(scope);
  return principal;
}
