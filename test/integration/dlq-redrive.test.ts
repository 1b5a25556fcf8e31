/**
 * Redrive that scales: both dead-letter queues are moved back by a message move task
 * (StartMessageMoveTask, followed with ListMessageMoveTasks), through the management API
 * routes and `npm run redrive`, against fauxqs with the local runtime's stand-in for SQS's move
 * API (fauxqs has none). With 1 and with 500 dead-lettered messages, each comes back to its
 * queue exactly once and the dead-letter queue is left empty.
 */
import { randomUUID } from 'node:crypto';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulators';
import { MessageMoveProxy } from '../../local/message-move';
import { main as redriveCli } from '../../local/redrive';
import type { GatewayClient } from '../../local/gateway-client';
import { registerDeadLetterRoutes } from '../../shared/api/dead-letters';
import { Router } from '../../shared/http/router';
import { createHarness, httpEvent, type Harness } from '../support/harness';
import { eventually } from '../support/receiver';

let h: Harness;
let proxy: MessageMoveProxy;
let sqs: SQSClient;
let router: Router;

beforeAll(async () => {
  h = await createHarness();
  proxy = new MessageMoveProxy({ upstream: inject('sqsEndpoint'), sqs: h.clients.sqs, queues: [h.resources.inbound, h.resources.outbound] });
  sqs = new SQSClient({ endpoint: await proxy.listen(), region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  router = registerDeadLetterRoutes(new Router(), { sqs, queues: { inbound: h.resources.inbound, outbound: h.resources.outbound } });
});

afterAll(async () => {
  sqs?.destroy();
  await proxy?.stop();
});

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await router.handle(
    httpEvent({ method, path, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }),
  );
  return { status: response.statusCode, body: JSON.parse(response.body) };
}

/** Puts `count` distinct messages in a dead-letter queue; returns their bodies. */
async function deadLetter(queueUrl: string, count: number): Promise<string[]> {
  const bodies = Array.from({ length: count }, () => JSON.stringify({ eventId: randomUUID(), source: 'stripe' }));
  for (let i = 0; i < bodies.length; i += 10) {
    await h.clients.sqs.send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: bodies.slice(i, i + 10).map((body, j) => ({ Id: String(j), MessageBody: body })) }),
    );
  }
  return bodies;
}

/** Everything in a queue, consumed. */
async function drain(queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  for (let empty = 0; empty < 2; ) {
    const { Messages = [] } = await h.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 60 }),
    );
    if (Messages.length === 0) {
      empty += 1;
      continue;
    }
    bodies.push(...Messages.map((message) => message.Body!));
    await h.clients.sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: Messages.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle! })) }),
    );
  }
  return bodies;
}

describe.each([
  ['inbound', 1],
  ['inbound', 500],
  ['outbound', 1],
  ['outbound', 500],
] as const)('redrive of the %s dead-letter queue with %i message(s)', (queue, count) => {
  it('moves each message back to its queue exactly once and empties the dead-letter queue, reporting progress', async () => {
    const pair = h.resources[queue];
    const sent = await deadLetter(pair.deadLetterQueueUrl, count);
    expect((await api('GET', `/api/v1/dlq/${queue}`)).body).toEqual({ queue, depth: count });

    const started = await api('POST', `/api/v1/dlq/${queue}/redrive`);
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({
      queue,
      status: 'RUNNING',
      taskHandle: expect.any(String),
      sourceArn: pair.deadLetterQueueArn,
      destinationArn: pair.queueArn,
    });

    const finished = await eventually(
      async () => {
        const { body } = await api('GET', `/api/v1/dlq/${queue}/redrive`);
        return body.tasks[0]?.status === 'COMPLETED' ? body.tasks[0] : undefined;
      },
      60_000,
      'the move to complete',
    );
    expect(finished).toMatchObject({ approximateNumberOfMessagesMoved: count, approximateNumberOfMessagesToMove: count, startedAt: expect.any(String) });

    const back = await drain(pair.queueUrl);
    expect(back.length).toBe(count);
    expect([...back].sort()).toEqual([...sent].sort());
    expect((await api('GET', `/api/v1/dlq/${queue}`)).body).toEqual({ queue, depth: 0 });
  }, 90_000);
});

describe('npm run redrive', () => {
  /** The CLI's gateway, answered by the same routes. */
  const routed: GatewayClient = {
    webhooksUrl: 'http://routed/webhooks/',
    apiUrl: 'http://routed/api/v1/',
    api: (method, path, body) => api(method, `/api/v1/${path}`, body),
    webhook: async () => ({ status: 404, body: undefined }),
  };

  it('--queue outbound starts the move, follows it to the end and says how many came back', async () => {
    const sent = await deadLetter(h.resources.outbound.deadLetterQueueUrl, 25);
    const lines: string[] = [];
    const code = await redriveCli(['--queue', 'outbound', '--rate', '100'], (line) => lines.push(line), { gateway: routed, pollIntervalMs: 50 });
    expect(code, lines.join('\n')).toBe(0);
    expect(lines[0]).toMatch(/^redrive of the outbound dead-letter queue started by SQS \(task .+\): 25 message\(s\) to move$/);
    expect(lines.at(-1)).toBe('moved 25 message(s) back to the queue');
    expect((await drain(h.resources.outbound.queueUrl)).sort()).toEqual(sent.sort());
  });

  it('refuses an unknown queue and a rate SQS would refuse', async () => {
    const lines: string[] = [];
    expect(await redriveCli(['--queue', 'sideways'], (line) => lines.push(line), { gateway: routed })).toBe(2);
    expect(await redriveCli(['--rate', '501'], (line) => lines.push(line), { gateway: routed })).toBe(2);
    expect(lines.join('\n')).toMatch(/--queue must be inbound or outbound/);
  });
});
