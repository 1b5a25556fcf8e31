/**
 * A small router for the management API over API Gateway payload v2 events. Routes are
 * `METHOD /path/:param`; a matched path with another method is a 405, no match a 404, and every
 * thrown error goes through `errorResponse`.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod';
import { MethodNotAllowedError, NotFoundError, ValidationError } from '../errors';
import { MAX_JSON_DEPTH, nestedDeeperThan } from '../json';
import { lowerCaseHeaders, rawBody } from './api-gateway';
import { errorResponse, type HttpResponse } from './responses';
import { validated } from './validation';

export interface ApiRequest {
  readonly method: string;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly event: APIGatewayProxyEventV2;
  /** Parses the body as JSON and validates it; a 400 with the first problem otherwise. */
  json<T>(schema: z.ZodType<T>): T;
}

export type RouteHandler = (request: ApiRequest) => Promise<HttpResponse>;

interface Route {
  readonly method: string;
  readonly segments: readonly string[];
  readonly handler: RouteHandler;
}

export class Router {
  private readonly routes: Route[] = [];

  /** @param onServerError sees every error that becomes a 5xx, for logging. */
  constructor(private readonly onServerError?: (error: unknown) => void) {}

  /** @example router.add('GET', '/api/v1/sources/:source/events/:eventId', getEvent) */
  add(method: string, pattern: string, handler: RouteHandler): this {
    this.routes.push({ method, segments: pattern.split('/').filter(Boolean), handler });
    return this;
  }

  async handle(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
    try {
      const method = event.requestContext.http.method.toUpperCase();
      const path = event.rawPath;
      const segments = path.split('/').filter(Boolean).map(decodeSegment);
      let pathMatched = false;
      for (const route of this.routes) {
        const params = match(route.segments, segments);
        if (!params) continue;
        pathMatched = true;
        if (route.method !== method) continue;
        return await route.handler(toApiRequest(event, method, path, params));
      }
      if (pathMatched) throw new MethodNotAllowedError(`${method} is not allowed on ${path}`);
      throw new NotFoundError('no such route', 'route_not_found');
    } catch (error) {
      const response = errorResponse(error);
      if (response.statusCode >= 500) this.onServerError?.(error);
      return response;
    }
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ValidationError('the path is not valid percent-encoding', 'invalid_path');
  }
}

function match(pattern: readonly string[], segments: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i]!;
    const actual = segments[i]!;
    if (expected.startsWith(':')) params[expected.slice(1)] = actual;
    else if (expected !== actual) return undefined;
  }
  return params;
}

function toApiRequest(event: APIGatewayProxyEventV2, method: string, path: string, params: Record<string, string>): ApiRequest {
  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(event.rawQueryString ?? '')) query[key] = value;
  return {
    method,
    path,
    params,
    query,
    headers: lowerCaseHeaders(event.headers),
    event,
    json<T>(schema: z.ZodType<T>): T {
      const text = rawBody(event).toString('utf8');
      let document: unknown;
      try {
        document = text.length ? JSON.parse(text) : undefined;
      } catch {
        throw new ValidationError('the body is not valid JSON', 'invalid_json');
      }
      if (nestedDeeperThan(document)) throw new ValidationError(`the body nests deeper than ${MAX_JSON_DEPTH} levels`, 'too_deep');
      return validated(schema, document, 'body');
    },
  };
}
