/**
 * Messages and their idempotency keys: the port publishing and the API depend on (the DynamoDB
 * adapter is shared/store/dynamodb/message-store.ts). Every write that may be repeated (a
 * redelivered queue message, a retried publish) is conditional, so repeating it changes nothing.
 */
import type { Message } from './model';

export interface MessageStore {
  /**
   * Claims an idempotency key for `messageId` for `ttlSeconds`. Returns the message id the key
   * belongs to: `messageId` when the claim is new (or the earlier claim has expired), the
   * earlier message's id otherwise.
   */
  claimIdempotencyKey(tenantId: string | undefined, key: string, messageId: string, now: Date, ttlSeconds: number): Promise<string>;
  /** Stores a message unless one with its id exists; returns whether it was created. */
  putMessage(message: Message, expiresAt: number): Promise<boolean>;
  getMessage(id: string): Promise<Message | undefined>;
  /** Messages newest first. */
  listMessages(options: { limit: number; since?: string; cursor?: Record<string, unknown> }): Promise<{ messages: Message[]; next?: Record<string, unknown> }>;
}
