/** The `MessageStore` port in memory: messages written once, idempotency keys with their expiry. */
import type { MessageStore } from '../../shared/outbound/message-store';
import type { Message } from '../../shared/outbound/model';
import { expiresAfter, epochSeconds } from '../../shared/store/ttl';
import { rawPageOf } from './pages';

export class InMemoryMessageStore implements MessageStore {
  private readonly messages = new Map<string, Message>();
  private readonly keys = new Map<string, { messageId: string; expiresAt: number }>();

  async claimIdempotencyKey(tenantId: string | undefined, key: string, messageId: string, now: Date, ttlSeconds: number): Promise<string> {
    const id = `${tenantId ?? '-'}\u0000${key}`;
    const claimed = this.keys.get(id);
    if (claimed && claimed.expiresAt >= epochSeconds(now)) return claimed.messageId;
    this.keys.set(id, { messageId, expiresAt: expiresAfter(now, { seconds: ttlSeconds }) });
    return messageId;
  }

  async putMessage(message: Message, _expiresAt: number): Promise<boolean> {
    if (this.messages.has(message.id)) return false;
    this.messages.set(message.id, structuredClone(message));
    return true;
  }

  async getMessage(id: string): Promise<Message | undefined> {
    const message = this.messages.get(id);
    return message && structuredClone(message);
  }

  async listMessages(options: {
    limit: number;
    since?: string;
    cursor?: Record<string, unknown>;
  }): Promise<{ messages: Message[]; next?: Record<string, unknown> }> {
    const all = [...this.messages.values()]
      .filter((message) => !options.since || message.createdAt >= options.since)
      .sort((a, b) => `${b.createdAt}#${b.id}`.localeCompare(`${a.createdAt}#${a.id}`));
    const page = rawPageOf(all, options.limit, options.cursor);
    return { messages: page.items.map((message) => structuredClone(message)), ...(page.next ? { next: page.next } : {}) };
  }
}
