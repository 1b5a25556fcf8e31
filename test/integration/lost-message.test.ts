/**
 * An event accepted (2xx) whose queue message is then lost is not lost for good: the provider's
 * retry, meeting the record stuck in `queued` past the threshold the queue settings give, queues
 * it again instead of answering "duplicate", and the processor handles it exactly once. Without
 * any retry, the scheduled reconciler finds it (and a record whose writer died before queuing
 * it) with its index query and queues it again. Against DynamoDB Local and fauxqs with the real
 * handlers and the composition root's adapters.
 */
import { DeleteMessageCommand } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { handleIngress } from '../../functions/ingress/handler';
import { handleBatch } from '../../functions/processor/handler';
import { handleReconcile } from '../../functions/reconciler/handler';
import { reconcilerDependencies } from '../../functions/composition';
import { functionEnvironment } from '../../shared/deployment/functions';
import { lambdaContext } from '../../local/lambda-context';
import { sampleWebhook } from '../../local/samples';
import { SqsEventSource } from '../../local/sqs-event-source';
import { ENQUEUE_LEASE_MS, stuckAfterMs } from '../../shared/inbound/stuck';
import { createHarness, httpEvent, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

/**
 * A fresh GitHub sample accepted by the ingress (200), whose queue message then vanishes (an
 * in-memory queue restarted, a purge): the record stays `queued`. The request, to send again,
 * and the event's id.
 */
async function acceptThenLoseMessage(): Promise<{ event: () => ReturnType<typeof httpEvent>; id: string }> {
  const github = h.config.sources.find((source) => source.name === 'github')!;
  const sample = await sampleWebhook(github, h.secrets.github!, { url: 'https://hooks.example.test/webhooks/github' });
  const event = () =>
    httpEvent({
      path: '/webhooks/github',
      pathParameters: { source: 'github' },
      headers: sample.headers,
      body: sample.body,
      domainName: 'hooks.example.test',
    });
  const accepted = await handleIngress(event(), h.receiveDeps());
  expect(accepted.statusCode).toBe(200);
  const { id } = JSON.parse(accepted.body) as { id: string };
  const [lost] = await h.receive(h.resources.inbound.queueUrl, 10, 1);
  await h.clients.sqs.send(new DeleteMessageCommand({ QueueUrl: h.resources.inbound.queueUrl, ReceiptHandle: lost!.ReceiptHandle! }));
  return { event, id };
}

describe('a lost queue message', () => {
  it('is queued again by the provider retry once the record is stuck, and the event is processed once', async () => {
    const { event, id } = await acceptThenLoseMessage();
    expect(await h.queueDepth(h.resources.inbound.queueUrl)).toBe(0);

    // A retry soon after is a duplicate; one past the threshold queues the event again.
    const soon = await handleIngress(event(), h.receiveDeps());
    expect(JSON.parse(soon.body)).toMatchObject({ duplicate: true });
    const later = new Date(Date.now() + stuckAfterMs(h.config) + 1000);
    const retry = await handleIngress(event(), h.receiveDeps({ now: () => later }));
    expect(retry.statusCode).toBe(200);
    expect(JSON.parse(retry.body)).toMatchObject({ id, duplicate: false });
    expect(await h.queueDepth(h.resources.inbound.queueUrl)).toBe(1);

    let handled = 0;
    const deps = h.processDeps();
    const source = new SqsEventSource({
      sqs: h.clients.sqs,
      queueUrl: h.resources.inbound.queueUrl,
      queueArn: 'arn:aws:sqs:us-east-1:000000000000:inbound',
      batchSize: 10,
      maxBatchingWindowSeconds: 0,
      waitTimeSeconds: 1,
      invoke: async (batch) => {
        handled += batch.Records.length;
        return handleBatch(batch, lambdaContext('processor', h.config.inbound.processorTimeoutSeconds), deps);
      },
    });
    source.start();
    try {
      const deadline = Date.now() + 20_000;
      while ((await h.store.get('github', id))?.status !== 'processed') {
        if (Date.now() > deadline) throw new Error('the re-queued event was not processed');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await source.stop();
    }
    expect(handled).toBe(1);
    expect(await h.store.get('github', id)).toMatchObject({ status: 'processed', attempts: 1 });
  });
});

/** Runs the processor on the inbound queue until `done`, counting the messages it handled. */
async function processUntil(done: () => Promise<boolean>): Promise<number> {
  let handled = 0;
  const deps = h.processDeps();
  const source = new SqsEventSource({
    sqs: h.clients.sqs,
    queueUrl: h.resources.inbound.queueUrl,
    queueArn: 'arn:aws:sqs:us-east-1:000000000000:inbound',
    batchSize: 10,
    maxBatchingWindowSeconds: 0,
    waitTimeSeconds: 1,
    invoke: async (batch) => {
      handled += batch.Records.length;
      return handleBatch(batch, lambdaContext('processor', h.config.inbound.processorTimeoutSeconds), deps);
    },
  });
  source.start();
  try {
    const deadline = Date.now() + 20_000;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error('the re-queued events were not processed');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await source.stop();
  }
  return handled;
}

describe('the reconciler', () => {
  it('queues again an accepted event whose message was lost and one whose writer died before queuing it; each is processed once', async () => {
    const { id } = await acceptThenLoseMessage();

    // A record whose ingress died between the record and the queue: `received`, its lease lapsing.
    const orphan = `orphan-${Date.now()}`;
    await h.store.putNew(
      {
        source: 'github',
        eventId: orphan,
        eventType: 'push',
        receivedAt: new Date().toISOString(),
        headers: {},
        bodyBytes: 2,
        body: { kind: 'inline', encoding: 'identity', data: new TextEncoder().encode('{}') },
      },
      { owner: 'dead-ingress', nowMs: Date.now(), enqueueLeaseMs: ENQUEUE_LEASE_MS, expiresAt: Math.floor(Date.now() / 1000) + 3600 },
    );

    const deps = (now: Date) => ({
      ...reconcilerDependencies({
        config: h.config,
        environment: functionEnvironment('reconciler', {
          tableName: h.resources.tableName,
          payloadBucket: 'unused',
          inboundQueueUrl: h.resources.inbound.queueUrl,
        }),
        clients: h.clients,
        owner: 'reconciler-test',
      }),
      now: () => now,
    });
    // Soon after, nothing is stuck yet: the message may still be on its way.
    const early = await handleReconcile(deps(new Date(Date.now() + ENQUEUE_LEASE_MS / 2)));
    expect(early.reconciled).toEqual([]);
    expect(await h.queueDepth(h.resources.inbound.queueUrl)).toBe(0);

    // Past the threshold: both found by the index query and queued again, once each.
    const later = new Date(Date.now() + stuckAfterMs(h.config) + 1000);
    const run = await handleReconcile(deps(later));
    expect(run.reconciled.map((event) => `${event.eventId}:${event.status}`).sort()).toEqual([`${id}:queued`, `${orphan}:received`].sort());
    expect(await h.queueDepth(h.resources.inbound.queueUrl)).toBe(2);
    expect((await h.store.get('github', orphan))?.status).toBe('queued');

    const handled = await processUntil(async () => {
      const [a, b] = await Promise.all([h.store.get('github', id), h.store.get('github', orphan)]);
      return a?.status === 'processed' && b?.status === 'processed';
    });
    expect(handled).toBe(2);
    expect(await h.store.get('github', id)).toMatchObject({ status: 'processed', attempts: 1 });
    expect(await h.store.get('github', orphan)).toMatchObject({ status: 'processed', attempts: 1 });

    // The next run finds nothing: processed records are left alone.
    const after = await handleReconcile(deps(new Date(later.getTime() + 60_000)));
    expect(after.reconciled.filter((event) => event.eventId === id || event.eventId === orphan)).toEqual([]);
  });
});
