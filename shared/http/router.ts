import type { Logger } from '@aws-lambda-powertools/logger';
import { errorClassOf } from '../adapters/observability';
import { NotFoundError } from './errors';
import { errorResult, type HttpEvent, type HttpResult } from './response';

export type RouteHandler = (event: HttpEvent) => Promise<HttpResult>;

/**
 * Dispatches an HTTP API event on its `routeKey` (`"GET /v1/interactions/{id}"`) and turns
 * every error into the JSON error answer. Unexpected errors are logged by class only: their
 * messages may quote payload content.
 *
 * @example
 * export const route = httpRouter({ 'GET /health': async () => json(200, { ok: true }) }, logger);
 */
export function httpRouter(routes: Record<string, RouteHandler>, logger: Logger): RouteHandler {
  return async (event) => {
    try {
      const handle = routes[event.routeKey];
      if (!handle) throw new NotFoundError(`route ${event.routeKey}`);
      return await handle(event);
    } catch (error) {
      const result = errorResult(error);
      if ((result.statusCode ?? 500) >= 500)
        logger.error('request failed', { route: event.routeKey, errorClass: errorClassOf(error) });
      return result;
    }
  };
}
