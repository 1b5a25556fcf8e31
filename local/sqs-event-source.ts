/**
 * The Lambda SQS event source mapping, emulated: long polling, batch size and batching window
 * as configured, partial batch responses (only failed items stay on the queue and come back after
 * the visibility timeout), and the queue's own redrive to its DLQ after maxReceiveCount.
 * `stop()` stops polling and waits for the batches in flight.
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export interface SqsEventSourceOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  /** Invokes the function; resolves with its partial batch response. */
  readonly invoke: (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;
  /** Parallel pollers (Lambda starts with several). */
  readonly concurrency?: number;
  /** Long-poll wait per receive; short in tests so a stop is quick. */
  readonly waitTimeSeconds?: number;
  readonly onError?: (error: unknown) => void;
}

export class SqsEventSource {
  private isRunning = false;
  private readonly loops: Promise<void>[] = [];

  constructor(private readonly options: SqsEventSourceOptions) {}

  start(): void {
    if (this.isRunning) return;
    this.isRunning = true;
    for (let i = 0; i < (this.options.concurrency ?? 2); i++) this.loops.push(this.poll());
  }

  /**
   * Stops receiving and resolves once every batch already received has been handled. A long
   * poll in progress is allowed to finish (at most `waitTimeSeconds`) and what it brings is
   * handled too: abandoning it would leave its messages invisible until their visibility
   * timeout.
   */
  async stop(): Promise<void> {
    this.isRunning = false;
    await Promise.all(this.loops);
  }

  get running(): boolean {
    return this.isRunning;
  }

  private async poll(): Promise<void> {
    while (this.isRunning) {
      let messages: Message[];
      try {
        messages = await this.receiveBatch();
      } catch (error) {
        if (!this.isRunning) break;
        this.options.onError?.(error);
        await sleep(500);
        continue;
      }
      if (messages.length === 0) continue;
      try {
        await this.deliver(messages);
      } catch (error) {
        this.options.onError?.(error);
      }
    }
  }

  /** Gathers up to batchSize messages, waiting at most the batching window once the first arrives. */
  private async receiveBatch(): Promise<Message[]> {
    const { sqs, queueUrl, batchSize, maxBatchingWindowSeconds } = this.options;
    const batch: Message[] = [];
    const windowEnds = () => (first ?? Date.now()) + maxBatchingWindowSeconds * 1000;
    let first: number | undefined;
    while (this.isRunning && batch.length < batchSize) {
      const waiting = first === undefined ? (this.options.waitTimeSeconds ?? 2) : Math.min(20, Math.max(0, Math.ceil((windowEnds() - Date.now()) / 1000)));
      const result = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(10, batchSize - batch.length),
          WaitTimeSeconds: waiting,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      const received = result.Messages ?? [];
      batch.push(...received);
      if (batch.length === 0) return batch;
      first ??= Date.now();
      if (Date.now() >= windowEnds() || received.length === 0) break;
    }
    return batch;
  }

  private async deliver(messages: Message[]): Promise<void> {
    const { sqs, queueUrl } = this.options;
    const event: SQSEvent = { Records: messages.map((message) => this.toRecord(message)) };
    let failed: Set<string>;
    try {
      const response = await this.options.invoke(event);
      failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch (error) {
      // A function error fails the whole batch: every message returns after its visibility timeout.
      this.options.onError?.(error);
      return;
    }
    const done = messages.filter((message) => !failed.has(message.MessageId!));
    if (done.length === 0) return;
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: done.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
      }),
    );
  }

  private toRecord(message: Message): SQSRecord {
    const attributes = message.Attributes ?? {};
    return {
      messageId: message.MessageId!,
      receiptHandle: message.ReceiptHandle!,
      body: message.Body ?? '',
      attributes: {
        ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
        SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
        SenderId: attributes.SenderId ?? 'local',
        ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: message.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: this.options.queueArn,
      awsRegion: 'us-east-1',
    };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
