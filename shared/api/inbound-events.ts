/**
 * Management API routes for inbound events: status lookup, listing, the body as received, and
 * replay.
 */
import * as z from 'zod';
import type { GatewayConfig } from '../config/schema';
import { NotFoundError } from '../errors';
import type { EventQueue } from '../inbound/event-queue';
import type { EventQueries, InboundEvent, InboundEventSummary } from '../inbound/event-store';
import { findSource } from '../inbound/receive';
import { loadBody } from '../inbound/webhook-event';
import type { PayloadStore } from '../store/payload-store';
import { jsonResponse } from '../http/responses';
import type { Router } from '../http/router';
import { validated } from '../http/validation';

export interface InboundEventRoutesDeps {
  readonly config: GatewayConfig;
  readonly store: EventQueries;
  /** Where a replayed event is queued for processing. */
  readonly queue: EventQueue;
  /** Where claim-checked bodies are (the payload bucket). */
  readonly payloads: PayloadStore;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as received: UTF-8 text when it is that, else base64. */
export function bodyView(event: InboundEvent, body: Buffer): Record<string, unknown> {
  let text: string | undefined;
  try {
    text = utf8.decode(body);
  } catch {
    text = undefined;
  }
  return {
    source: event.source,
    id: event.eventId,
    ...(event.headers['content-type'] ? { contentType: event.headers['content-type'] } : {}),
    bytes: body.length,
    ...(text === undefined ? { encoding: 'base64', body: body.toString('base64') } : { encoding: 'utf8', body: text }),
  };
}

/** The public view of an event record: metadata, never the body or any secret. */
export function eventView(event: InboundEventSummary): Record<string, unknown> {
  return {
    source: event.source,
    id: event.eventId,
    type: event.eventType,
    status: event.status,
    receivedAt: event.receivedAt,
    updatedAt: event.updatedAt,
    attempts: event.attempts,
    bodyBytes: event.bodyBytes,
    headers: event.headers,
    ...(event.processedAt ? { processedAt: event.processedAt } : {}),
    ...(event.failedAt ? { failedAt: event.failedAt } : {}),
    ...(event.lastError ? { lastError: event.lastError } : {}),
    ...(event.deadLettered !== undefined ? { deadLettered: event.deadLettered } : {}),
    ...(event.destinations ? { destinations: event.destinations } : {}),
  };
}

const listQuery = z.strictObject({
  status: z.enum(['received', 'queued', 'processing', 'processed', 'failed']).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});

export function registerInboundEventRoutes(router: Router, deps: InboundEventRoutesDeps): Router {
  return router
    .add('GET', '/api/v1/sources', async () =>
      jsonResponse(200, {
        sources: deps.config.sources.map((source) => ({
          name: source.name,
          provider: source.provider,
          ...(source.description ? { description: source.description } : {}),
        })),
      }),
    )
    .add('GET', '/api/v1/sources/:source/events/:eventId', async ({ params }) => {
      const source = findSource(deps.config, params.source!);
      const event = await deps.store.get(source.name, params.eventId!);
      if (!event) throw new NotFoundError('no event with this id was received from this source', 'event_not_found');
      return jsonResponse(200, eventView(event));
    })
    .add('GET', '/api/v1/sources/:source/events/:eventId/body', async ({ params }) => {
      const source = findSource(deps.config, params.source!);
      const event = await deps.store.get(source.name, params.eventId!);
      if (!event) throw new NotFoundError('no event with this id was received from this source', 'event_not_found');
      return jsonResponse(200, bodyView(event, await loadBody(event, deps.payloads)));
    })
    .add('POST', '/api/v1/sources/:source/events/:eventId/replay', async ({ params }) => {
      const source = findSource(deps.config, params.source!);
      const event = await deps.store.get(source.name, params.eventId!);
      if (!event) throw new NotFoundError('no event with this id was received from this source', 'event_not_found');
      await deps.queue.send({ source: source.name, eventId: event.eventId, replay: true });
      return jsonResponse(202, { replaying: true, id: event.eventId });
    })
    .add('GET', '/api/v1/sources/:source/events', async ({ params, query }) => {
      const source = findSource(deps.config, params.source!);
      const { status, since, limit, cursor } = validated(listQuery, query, 'query');
      const page = await deps.store.list(source.name, {
        limit,
        ...(status ? { status } : {}),
        ...(since ? { since: new Date(since).toISOString() } : {}),
        ...(cursor ? { cursor } : {}),
      });
      return jsonResponse(200, { events: page.events.map(eventView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
    });
}
