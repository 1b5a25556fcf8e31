/**
 * The queue between ingress and processor. A queued message is only a reference to the event
 * record (which holds the body), so it stays far below SQS's size limit whatever the body size.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';

/** The message body on the inbound queue. */
export const queuedEventSchema = z.strictObject({
  source: z.string().min(1),
  eventId: z.string().min(1),
  /** Set by a replay: process the event again even if it was processed. */
  replay: z.literal(true).optional(),
});
export type QueuedEvent = z.infer<typeof queuedEventSchema>;

export interface EventQueue {
  send(message: QueuedEvent): Promise<void>;
}

/** Sends to an SQS queue. */
export class SqsEventQueue implements EventQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(message: QueuedEvent): Promise<void> {
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(message) }));
  }
}
