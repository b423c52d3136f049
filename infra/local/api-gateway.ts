/**
 * Turns Node HTTP requests into API Gateway HTTP API (payload v2.0) events for the same
 * handler modules that run in Lambda, and their results back into HTTP responses.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { RouteSpec } from '../catalog';

export type HttpHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export interface BoundRoute {
  route: RouteSpec;
  functionName: string;
  handler: HttpHandler;
  pattern: RegExp;
  parameterNames: string[];
}

/** Compiles `/v1/interactions/{id}` into a matcher that captures `id`. */
export function bindRoute(route: RouteSpec, functionName: string, handler: HttpHandler): BoundRoute {
  const parameterNames: string[] = [];
  const source = route.path
    .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
    .replace(/\\?\{([^}]+)\\?\}/g, (_, name: string) => {
      parameterNames.push(name);
      return '([^/]+)';
    });
  return { route, functionName, handler, pattern: new RegExp(`^${source}$`), parameterNames };
}

/** API Gateway's own limit for HTTP API payloads. */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

export function lambdaContext(functionName: string, timeoutSeconds = 30): Context {
  const deadline = Date.now() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer | 'too_large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) return 'too_large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(response: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const body = result.body ?? '';
  response.writeHead(result.statusCode ?? 200, {
    ...(result.headers as Record<string, string> | undefined),
    'content-length': Buffer.byteLength(body, result.isBase64Encoded ? 'base64' : 'utf8'),
  });
  response.end(result.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

/**
 * Serves one request: finds the route, builds the v2 event, invokes the handler.
 * Unknown routes answer 404 like API Gateway (`{"message":"Not Found"}`).
 */
export async function serveRequest(
  routes: BoundRoute[],
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const method = (request.method ?? 'GET').toUpperCase();
  let match: { bound: BoundRoute; values: string[] } | undefined;
  for (const bound of routes) {
    if (bound.route.method !== method) continue;
    const found = bound.pattern.exec(url.pathname);
    if (found) {
      match = { bound, values: found.slice(1) };
      break;
    }
  }
  if (!match) return send(response, { statusCode: 404, body: JSON.stringify({ message: 'Not Found' }) });
  const body = await readBody(request);
  if (body === 'too_large') {
    return send(response, { statusCode: 413, body: JSON.stringify({ message: 'Request Entity Too Large' }) });
  }

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = query[name] ? `${query[name]},${value}` : value;
  const { bound, values } = match;
  const pathParameters = Object.fromEntries(
    bound.parameterNames.map((name, i) => [name, decodePathSegment(values[i]!)]),
  );
  // Like API Gateway: text bodies arrive as strings, binary (or content-encoded) ones base64-encoded.
  const isText =
    !headers['content-encoding'] &&
    /json|text|xml|x-www-form-urlencoded/.test(headers['content-type'] ?? 'application/json');
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: `${bound.route.method} ${bound.route.path}`,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: Object.keys(query).length > 0 ? query : undefined,
    pathParameters: bound.parameterNames.length > 0 ? pathParameters : undefined,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: `${bound.route.method} ${bound.route.path}`,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    body: body.length > 0 ? (isText ? body.toString('utf8') : body.toString('base64')) : undefined,
    isBase64Encoded: body.length > 0 && !isText,
  };
  try {
    send(response, await bound.handler(event, lambdaContext(bound.functionName)));
  } catch {
    // A handler that throws is a 500 from API Gateway's point of view.
    send(response, { statusCode: 500, body: JSON.stringify({ message: 'Internal Server Error' }) });
  }
}

/** Percent-decodes a path segment; one that does not decode is passed on as sent for the handler to judge. */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
