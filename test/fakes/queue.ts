/**
 * A queue port in memory: keeps what was sent, in order. `refuse()` makes every send fail (the
 * fault "the queue refuses a message after the store accepted it"), `accept()` ends it.
 */
import type { BatchQueue } from '../../shared/queue/queue';

export class InMemoryQueue<T> implements BatchQueue<T> {
  readonly sent: T[] = [];
  private refusing: Error | undefined;

  async send(message: T): Promise<void> {
    if (this.refusing) throw this.refusing;
    this.sent.push(structuredClone(message));
  }

  async sendAll(messages: readonly T[]): Promise<void> {
    for (const message of messages) await this.send(message);
  }

  refuse(error = new Error('queue unavailable')): this {
    this.refusing = error;
    return this;
  }

  accept(): this {
    this.refusing = undefined;
    return this;
  }
}
