/**
 * The management API (`/api/v1/...`) and the operator console page (`GET /console`):
 * IAM-authorized in AWS, on loopback locally. Also the tenant portal (`GET /portal` and
 * `/portal/api/...`), whose only credential is the portal token it checks itself.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { HttpResponse } from '../../shared/http/responses';
import type { Router } from '../../shared/http/router';
import { apiDependencies } from '../composition';
import { consolePages, createDocumentClient, createS3Client, createSqsClient, lambdaParts, once } from '../environment';
import { lambdaHandler } from '../middleware';

const logger = new Logger({ serviceName: 'api' });
const clients = { documents: createDocumentClient(), sqs: createSqsClient(), s3: createS3Client() };

export async function handleApi(event: APIGatewayProxyEventV2, routes: Router): Promise<HttpResponse> {
  return routes.handle(event);
}

/** What the local runtime builds this function's dependencies with (its logger and metrics). */
export const observers = { logger };

/** The Lambda handler over dependencies built on first use (the local runtime passes its own). */
export const createApiHandler = (dependencies: () => Router) =>
  lambdaHandler(async (event: APIGatewayProxyEventV2, _context: Context) => handleApi(event, dependencies()), observers);

/** Built on first use: the config is parsed and validated here, at cold start. */
export const dependencies = once(() => apiDependencies({ ...lambdaParts(clients, observers), consolePages }));

export const handler = createApiHandler(dependencies);
