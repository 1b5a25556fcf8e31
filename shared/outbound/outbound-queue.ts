/**
 * The outbound queue, fed by every publishing path and drained by the dispatcher.
 *
 * Internal producers send the **publish** shape (documented in the README):
 * `{"eventType": "invoice.paid", "payload": {…}, "tenantId"?: "…", "idempotencyKey"?: "…"}`
 * (`"kind": "publish"` may be given or left out). The API and the relay store the message
 * themselves and send `dispatch`; manual retries and replays send `retry`.
 */
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { EVENT_TYPE } from '../event-types';

export const publishRequestSchema = z.strictObject({
  kind: z.literal('publish').optional(),
  eventType: z.string().regex(EVENT_TYPE, 'letters, digits and . _ : / - (max 200)'),
  payload: z.unknown().refine((value) => value !== undefined, 'payload is required'),
  tenantId: z.string().min(1).max(200).optional(),
  idempotencyKey: z.string().min(1).max(200).optional(),
});
export type PublishRequest = z.infer<typeof publishRequestSchema>;

export const outboundWorkSchema = z.union([
  publishRequestSchema,
  z.strictObject({ kind: z.literal('dispatch'), messageId: z.string().min(1) }),
  z.strictObject({ kind: z.literal('retry'), messageId: z.string().min(1), endpointId: z.string().min(1) }),
]);
export type OutboundWork = z.infer<typeof outboundWorkSchema>;

export interface OutboundQueue {
  send(work: OutboundWork): Promise<void>;
  sendAll(work: readonly OutboundWork[]): Promise<void>;
}

export class SqsOutboundQueue implements OutboundQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(work: OutboundWork): Promise<void> {
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(work) }));
  }

  async sendAll(work: readonly OutboundWork[]): Promise<void> {
    for (let i = 0; i < work.length; i += 10) {
      const chunk = work.slice(i, i + 10);
      const result = await this.sqs.send(
        new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: chunk.map((item, index) => ({ Id: String(index), MessageBody: JSON.stringify(item) })) }),
      );
      if (result.Failed?.length) throw new Error(`${result.Failed.length} message(s) could not be queued`);
    }
  }
}
