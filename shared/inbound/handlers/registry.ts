/**
 * Handlers for verified inbound events, keyed by source and event type. Handlers run at least
 * once per event (a crash mid-handler means a retry), so they must be idempotent and must not
 * assume order: use `context.entities.applyIfNewer` for state that events overwrite.
 */
import { matchSpecificity } from '../../event-types';
import type { EntityStateStore } from '../entity-state';
import type { WebhookEvent } from '../webhook-event';

export interface HandlerContext {
  readonly entities: EntityStateStore;
  readonly now: Date;
}

/**
 * Throw `MalformedEventError` (from shared/errors) for an authentic event that can never be
 * handled: it is marked failed and dead-lettered at once. Any other error is retried.
 */
export type EventHandler = (event: WebhookEvent, context: HandlerContext) => Promise<void>;

/** `type` is an exact event type, `prefix.*`, or `*`. */
export interface HandlerRegistration {
  readonly source: string;
  readonly type: string;
  readonly handler: EventHandler;
}

export class HandlerRegistry {
  private readonly registrations: HandlerRegistration[] = [];

  /**
   * Registers a handler. The most specific registration wins: exact type, then the longest
   * matching `prefix.*`, then `*`.
   *
   * @example
   * registry.on('stripe', 'customer.subscription.*', handleSubscription);
   */
  on(source: string, type: string, handler: EventHandler): this {
    this.registrations.push({ source, type, handler });
    return this;
  }

  /** The handler for an event, or `undefined` when none is registered (the event is recorded as processed). */
  find(source: string, eventType: string): EventHandler | undefined {
    let best: { score: number; handler: EventHandler } | undefined;
    for (const registration of this.registrations) {
      if (registration.source !== source) continue;
      const score = matchSpecificity(registration.type, eventType);
      if (score > (best?.score ?? -1)) best = { score, handler: registration.handler };
    }
    return best?.handler;
  }
}
