/**
 * The queue between ingress and processor. A queued message is only a reference to the event
 * record (which holds the body), so it stays far below SQS's size limit whatever the body size.
 */
import * as z from 'zod';
import type { Queue } from '../queue/queue';

/** The message body on the inbound queue. */
export const queuedEventSchema = z.strictObject({
  source: z.string().min(1),
  eventId: z.string().min(1),
  /** Set by a replay: process the event again even if it was processed. */
  replay: z.literal(true).optional(),
  /** Set on a dead letter of failed destinations: the ones that did not take the event. */
  destinations: z.array(z.string().min(1)).max(10).optional(),
});
export type QueuedEvent = z.infer<typeof queuedEventSchema>;

/** Where ingress sends a reference to each recorded event (and the processor its dead letters). */
export type EventQueue = Queue<QueuedEvent>;
