/**
 * The local stand-in for API Gateway HTTP API: turns each HTTP request into the payload v2
 * event (raw path, lower-cased headers, base64 bodies where API Gateway would encode them,
 * `requestContext.http.sourceIp`, the domain name for URL rebuilding), calls the real Lambda
 * handler, and maps its result back to HTTP.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { apiGatewayBody } from '../shared/http/api-gateway';
import { errorBody } from '../shared/http/responses';

/** API Gateway's own request size limit. */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;
/**
 * The longest a request may take to arrive, headers and body: API Gateway HTTP API's maximum
 * integration timeout, 30 seconds (its quotas page), the only bound it documents for a request.
 * Node's own default is 300 s, which lets a stalled upload hold its connection five minutes.
 */
export const REQUEST_TIMEOUT_MS = 30_000;

/** The statuses Node's HTTP parser answers on its own, by the error it reports. */
const CLIENT_ERRORS: Readonly<Record<string, readonly [number, string, string, string]>> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'headers_too_large', 'the request headers are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'request_timeout', 'the request did not arrive in time'],
};
const BAD_REQUEST = [400, 'Bad Request', 'bad_request', 'the request is not valid HTTP'] as const;

export type LambdaHttpHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2 | string | undefined>;

/** A raw Node handler for routes that are not plain request/response (health, streams). */
export type RawRoute = (request: IncomingMessage, response: ServerResponse) => Promise<void> | void;

interface Route {
  readonly method: string;
  readonly segments: readonly string[];
  readonly routeKey: string;
  readonly target: { kind: 'lambda'; handler: LambdaHttpHandler } | { kind: 'raw'; handler: RawRoute };
}

export class LocalGateway {
  private readonly routes: Route[] = [];
  private server?: Server;

  /** @param options.requestTimeoutMs how long a request may take to arrive (tests shorten it). */
  constructor(private readonly options: { readonly requestTimeoutMs?: number } = {}) {}

  /**
   * `pattern` uses API Gateway's syntax: `/webhooks/{source}`, `/api/v1/{proxy+}`.
   */
  lambda(method: string, pattern: string, handler: LambdaHttpHandler): this {
    this.routes.push({ method, segments: pattern.split('/').filter(Boolean), routeKey: `${method} ${pattern}`, target: { kind: 'lambda', handler } });
    return this;
  }

  raw(method: string, pattern: string, handler: RawRoute): this {
    this.routes.push({ method, segments: pattern.split('/').filter(Boolean), routeKey: `${method} ${pattern}`, target: { kind: 'raw', handler } });
    return this;
  }

  async listen(port: number, host = '127.0.0.1'): Promise<number> {
    // Timeouts are checked every second, so a stalled request is cut off close to the bound.
    const timeout = this.options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
    const server = createServer(
      { requestTimeout: timeout, headersTimeout: timeout, connectionsCheckingInterval: Math.min(1000, timeout) },
      (request, response) => {
        this.handle(request, response).catch((error: unknown) => {
          if (!response.headersSent) send(response, 502, errorBody('bad_gateway', `local gateway error: ${(error as Error).message}`));
          else response.destroy();
        });
      },
    );
    server.keepAliveTimeout = 65_000;
    // What Node's parser refuses by itself (malformed HTTP, headers too large, a request too slow)
    // gets the JSON error body too, instead of Node's bare status line.
    server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
      if (!socket.writable || error.code === 'ECONNRESET') return void socket.destroy();
      const [status, reason, code, message] = CLIENT_ERRORS[error.code ?? ''] ?? BAD_REQUEST;
      const body = JSON.stringify(errorBody(code, message));
      socket.end(
        `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncache-control: no-store\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address();
    return typeof address === 'object' && address ? address.port : port;
  }

  /** Stops accepting connections; resolves when open requests have finished. */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://local');
    const method = (request.method ?? 'GET').toUpperCase();
    const match = this.match(method, url.pathname);
    if (!match) return send(response, 404, errorBody('route_not_found', 'no such route'));
    if (match === 'method') return send(response, 405, errorBody('method_not_allowed', `${method} is not allowed on ${url.pathname}`));
    const { route, params } = match;
    if (route.target.kind === 'raw') return route.target.handler(request, response);

    const body = await readBody(request);
    // Cut off before it all arrived (the request timeout answered it): nothing to hand on.
    if (body === 'incomplete') return;
    if (body === 'too_large') return send(response, 413, errorBody('payload_too_large', 'request body exceeds 10 MiB'));
    const event = toEvent(request, url, method, route.routeKey, params, body);
    const result = await route.target.handler(event);
    writeResult(response, result);
  }

  /**
   * As API Gateway selects a route: a full match of route and method first, then a match with a
   * greedy path variable (`{proxy+}`), whatever the order the routes were added in.
   */
  private match(method: string, pathname: string): { route: Route; params: Record<string, string> } | 'method' | undefined {
    const segments = pathname.split('/').filter(Boolean);
    const greedy = (route: Route) => route.segments.some((segment) => segment.endsWith('+}'));
    let pathMatched = false;
    for (const route of [...this.routes.filter((r) => !greedy(r)), ...this.routes.filter(greedy)]) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      pathMatched = true;
      if (route.method === method || route.method === 'ANY') return { route, params };
    }
    return pathMatched ? 'method' : undefined;
  }
}

function matchSegments(pattern: readonly string[], segments: readonly string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i]!;
    if (expected.startsWith('{') && expected.endsWith('+}')) {
      if (i >= segments.length) return undefined;
      params[expected.slice(1, -2)] = segments.slice(i).join('/');
      return params;
    }
    const actual = segments[i];
    if (actual === undefined) return undefined;
    if (expected.startsWith('{') && expected.endsWith('}')) params[expected.slice(1, -1)] = safeDecode(actual);
    else if (expected !== actual) return undefined;
  }
  return pattern.length === segments.length ? params : undefined;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

async function readBody(request: IncomingMessage): Promise<Buffer | 'too_large' | 'incomplete'> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > MAX_REQUEST_BYTES) {
        request.resume();
        return 'too_large';
      }
      chunks.push(chunk as Buffer);
    }
  } catch {
    return 'incomplete';
  }
  return request.complete ? Buffer.concat(chunks) : 'incomplete';
}

export function toEvent(
  request: IncomingMessage,
  url: URL,
  method: string,
  routeKey: string,
  pathParameters: Record<string, string>,
  body: Buffer,
): APIGatewayProxyEventV2 {
  // API Gateway lower-cases header names and joins repeated headers with commas.
  const headers: Record<string, string> = {};
  const raw = request.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    headers[name] = headers[name] === undefined ? raw[i + 1]! : `${headers[name]},${raw[i + 1]!}`;
  }
  headers['x-forwarded-proto'] ??= 'http';
  const sourceIp = (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  headers['x-forwarded-for'] ??= sourceIp;
  const domainName = headers.host ?? 'localhost';
  const now = new Date();
  const rawQueryString = url.search.startsWith('?') ? url.search.slice(1) : '';
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString,
    ...(headers.cookie ? { cookies: headers.cookie.split(/;\s*/) } : {}),
    headers,
    ...(rawQueryString ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0]!,
      http: { method, path: url.pathname, protocol: `HTTP/${request.httpVersion}`, sourceIp, userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    // The bytes exactly as received: text when API Gateway would pass them as text, else base64.
    ...(body.length ? apiGatewayBody(body, headers) : { isBase64Encoded: false }),
  };
}

function writeResult(response: ServerResponse, result: APIGatewayProxyStructuredResultV2 | string | undefined): void {
  if (result === undefined || typeof result === 'string') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(result ?? '');
    return;
  }
  const headers: Record<string, string | number | boolean> = { ...(result.headers ?? {}) };
  if (result.cookies?.length) headers['set-cookie'] = result.cookies.join(', ');
  response.writeHead(result.statusCode ?? 200, headers as Record<string, string>);
  response.end(result.body === undefined ? '' : result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}
