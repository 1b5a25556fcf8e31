/**
 * An event accepted (2xx) whose queue message is then lost is not lost for good: the provider's
 * retry, meeting the record stuck in `queued` past the threshold the queue settings give, queues
 * it again instead of answering "duplicate", and the processor handles it exactly once. Against
 * DynamoDB Local and fauxqs with the real handlers.
 */
import { DeleteMessageCommand } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { handleIngress } from '../../functions/ingress/handler';
import { handleBatch } from '../../functions/processor/handler';
import { lambdaContext } from '../../local/lambda-context';
import { sampleWebhook } from '../../local/samples';
import { SqsEventSource } from '../../local/sqs-event-source';
import { stuckAfterMs } from '../../shared/inbound/stuck';
import { createHarness, httpEvent, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

describe('a lost queue message', () => {
  it('is queued again by the provider retry once the record is stuck, and the event is processed once', async () => {
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
    const first = await handleIngress(event(), h.receiveDeps());
    expect(first.statusCode).toBe(200);
    const { id } = JSON.parse(first.body) as { id: string };

    // The message vanishes (an in-memory queue restarted, a purge): the record stays `queued`.
    const [lost] = await h.receive(h.resources.inbound.queueUrl, 10, 1);
    await h.clients.sqs.send(new DeleteMessageCommand({ QueueUrl: h.resources.inbound.queueUrl, ReceiptHandle: lost!.ReceiptHandle! }));
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
