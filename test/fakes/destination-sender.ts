/**
 * The `DestinationSender` port in memory: keeps what each destination was sent, in order.
 * `refuse(name)` makes sends to that destination fail until `accept(name)`.
 */
import type { Destination } from '../../shared/inbound/destinations/config';
import type { DestinationEvent } from '../../shared/inbound/destinations/envelope';
import type { DestinationSender } from '../../shared/inbound/destinations/sender';

export class InMemoryDestinationSender implements DestinationSender {
  readonly sent: Array<{ readonly destination: string; readonly event: DestinationEvent }> = [];
  private readonly refusing = new Map<string, Error>();

  async send(destination: Destination, event: DestinationEvent): Promise<void> {
    const refusal = this.refusing.get(destination.name);
    if (refusal) throw refusal;
    this.sent.push({ destination: destination.name, event: structuredClone(event) });
  }

  /** What `name` received. */
  to(name: string): DestinationEvent[] {
    return this.sent.filter((entry) => entry.destination === name).map((entry) => entry.event);
  }

  refuse(name: string, error = new Error(`${name} unavailable`)): this {
    this.refusing.set(name, error);
    return this;
  }

  accept(name: string): this {
    this.refusing.delete(name);
    return this;
  }
}
