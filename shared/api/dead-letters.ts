/**
 * Management API routes for the dead-letter queues (inbound and outbound): their depth, a look
 * into either (`/messages`: depth, oldest age and a sample of what it holds, read without taking
 * anything from it; each look is a receive, so it has a route of its own), and a
 * redrive that SQS performs itself (a message move task): `POST` starts it and answers at once
 * with the task, `GET` reports its progress.
 *
 * `POST /api/v1/dlq/redrive` and `GET /api/v1/dlq` are the routes of the inbound queue from
 * before there were two; they stay as aliases of the inbound ones (the redrive alias answers
 * like the new route: a task, not a count of messages moved).
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { NotFoundError } from '../errors';
import { jsonResponse } from '../http/responses';
import type { ApiRequest, Router } from '../http/router';
import { DEAD_LETTER_QUEUES, listRedrives, queueDepth, startRedrive, type DeadLetterQueueName, type QueuePairRef } from '../inbound/redrive';
import { peekQueue } from '../queue/peek';

export { DEAD_LETTER_QUEUES } from '../inbound/redrive';

export interface DeadLetterRoutesDeps {
  readonly sqs: SQSClient;
  readonly queues: Readonly<Record<DeadLetterQueueName, QueuePairRef>>;
  readonly now?: () => Date;
}

/** SQS's message move rate: at most 500 messages per second. */
const redriveBody = z.strictObject({ maxMessagesPerSecond: z.number().int().min(1).max(500).optional() }).optional();

function queueNamed(deps: DeadLetterRoutesDeps, name: string | undefined): [DeadLetterQueueName, QueuePairRef] {
  if (!name || !(DEAD_LETTER_QUEUES as readonly string[]).includes(name)) {
    throw new NotFoundError(`no dead-letter queue "${name ?? ''}"; there are ${DEAD_LETTER_QUEUES.join(' and ')}`, 'queue_not_found');
  }
  return [name as DeadLetterQueueName, deps.queues[name as DeadLetterQueueName]];
}

export function registerDeadLetterRoutes(router: Router, deps: DeadLetterRoutesDeps): Router {
  const redrive = async (request: ApiRequest, name: string | undefined) => {
    const [queue, pair] = queueNamed(deps, name);
    const body = request.json(redriveBody);
    const task = await startRedrive(deps.sqs, pair, body?.maxMessagesPerSecond ? { maxMessagesPerSecond: body.maxMessagesPerSecond } : {});
    return jsonResponse(202, { queue, ...task });
  };
  return router
    .add('GET', '/api/v1/dlq', async () => jsonResponse(200, { depth: await queueDepth(deps.sqs, deps.queues.inbound.deadLetterQueueUrl) }))
    .add('POST', '/api/v1/dlq/redrive', (request) => redrive(request, 'inbound'))
    .add('GET', '/api/v1/dlq/:queue', async ({ params }) => {
      const [queue, pair] = queueNamed(deps, params.queue);
      return jsonResponse(200, { queue, depth: await queueDepth(deps.sqs, pair.deadLetterQueueUrl) });
    })
    .add('GET', '/api/v1/dlq/:queue/messages', async ({ params }) => {
      const [queue, pair] = queueNamed(deps, params.queue);
      const peek = await peekQueue(deps.sqs, pair.deadLetterQueueUrl, { sample: 10, ...(deps.now ? { now: deps.now() } : {}) });
      return jsonResponse(200, { queue, ...peek });
    })
    .add('POST', '/api/v1/dlq/:queue/redrive', (request) => redrive(request, request.params.queue))
    .add('GET', '/api/v1/dlq/:queue/redrive', async ({ params }) => {
      const [queue, pair] = queueNamed(deps, params.queue);
      return jsonResponse(200, { queue, tasks: await listRedrives(deps.sqs, pair) });
    });
}
