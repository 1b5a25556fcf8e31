/**
 * The SQS adapter of the queue ports: each message is sent as its JSON; `sendAll` sends batches
 * of ten (SQS's limit per SendMessageBatch) and fails if any entry is refused.
 */
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { BatchQueue } from './queue';

/** The most entries one SendMessageBatch takes. */
const BATCH_LIMIT = 10;

/**
 * @example
 * const queue = new SqsQueue<QueuedEvent>(sqs, queueUrl);
 * await queue.send({ source: 'stripe', eventId: 'evt_1' });
 */
export class SqsQueue<T> implements BatchQueue<T> {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(message: T): Promise<void> {
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(message) }));
  }

  async sendAll(messages: readonly T[]): Promise<void> {
    for (let i = 0; i < messages.length; i += BATCH_LIMIT) {
      const chunk = messages.slice(i, i + BATCH_LIMIT);
      const result = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: chunk.map((message, index) => ({ Id: String(index), MessageBody: JSON.stringify(message) })),
        }),
      );
      if (result.Failed?.length) throw new Error(`${result.Failed.length} message(s) could not be queued`);
    }
  }
}
