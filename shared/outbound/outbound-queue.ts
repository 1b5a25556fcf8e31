/**
 * The outbound queue, fed by every publishing path and drained by the dispatcher.
 *
 * Internal producers send the **publish** shape (documented in the README):
 * `{"eventType": "invoice.paid", "payload": {…}, "tenantId"?: "…", "idempotencyKey"?: "…"}`
 * (`"kind": "publish"` may be given or left out). The API and the relay store the message
 * themselves and send `dispatch`; manual retries and replays send `retry`.
 */
import * as z from 'zod';
import { EVENT_TYPE } from '../event-types';
import type { BatchQueue } from '../queue/queue';

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

/** Fed by every publishing path, drained by the dispatcher. */
export type OutboundQueue = BatchQueue<OutboundWork>;
