/**
 * Management API routes for the inbound dead-letter queue: its depth, and redrive.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { jsonResponse } from '../http/responses';
import type { Router } from '../http/router';
import { queueDepth, redriveDeadLetters } from '../inbound/redrive';

export interface DeadLetterRoutesDeps {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
}

const redriveBody = z.strictObject({ max: z.number().int().min(1).max(10_000).optional() }).optional();

export function registerDeadLetterRoutes(router: Router, deps: DeadLetterRoutesDeps): Router {
  return router
    .add('GET', '/api/v1/dlq', async () => jsonResponse(200, { depth: await queueDepth(deps.sqs, deps.deadLetterQueueUrl) }))
    .add('POST', '/api/v1/dlq/redrive', async (request) => {
      const body = request.json(redriveBody);
      const result = await redriveDeadLetters(deps.sqs, deps, body?.max ? { max: body.max } : {});
      return jsonResponse(200, result);
    });
}
