/** Builds API Gateway HTTP API (payload v2) events for tests and benchmarks (no test runner needed). */
import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { apiGatewayBody } from '../../shared/http/api-gateway';

/** An API Gateway HTTP API (payload v2) event, as API Gateway or the local gateway builds it. */
export function httpEvent(options: {
  method?: string;
  path: string;
  query?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  sourceIp?: string;
  domainName?: string;
  pathParameters?: Record<string, string>;
}): APIGatewayProxyEventV2 {
  const body = options.body === undefined ? undefined : Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body, 'utf8');
  const domainName = options.domainName ?? 'abc123.execute-api.us-east-1.amazonaws.com';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: options.path,
    rawQueryString: options.query ?? '',
    headers: {
      host: domainName,
      'x-forwarded-proto': 'https',
      ...Object.fromEntries(Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    },
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0]!,
      http: { method: options.method ?? 'POST', path: options.path, protocol: 'HTTP/1.1', sourceIp: options.sourceIp ?? '203.0.113.10', userAgent: 'test' },
      requestId: randomBytes(8).toString('hex'),
      routeKey: '$default',
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    ...(body === undefined ? {} : apiGatewayBody(body, Object.fromEntries(Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])))),
  } as APIGatewayProxyEventV2;
}
