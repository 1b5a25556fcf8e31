/**
 * The port the destination rules send through: one event to one destination. Resolves when the
 * destination accepted it (PutEvents without a failed entry, SendMessage, Publish, an async
 * Invoke answered 202); throws otherwise. The AWS adapter is aws-sender.ts; the unit tests use
 * an in-memory fake (test/fakes/destination-sender.ts).
 */
import type { Destination } from './config';
import type { DestinationEvent } from './envelope';

export interface DestinationSender {
  send(destination: Destination, event: DestinationEvent): Promise<void>;
}

/** A destination refused or failed to take an event. */
export class DestinationSendError extends Error {
  override readonly name = 'DestinationSendError';
}
