/**
 * `GET /search?q=`: finds what an id or a URL names. An inbound event by its id in any
 * configured source, a message by its id, endpoints by id or by a part of their URL. Exact ids
 * are single reads; the URL match reads the endpoint list (which the dispatcher reads too).
 * In a tenant's portal only its own messages and endpoints are searched, never inbound events.
 */
import * as z from 'zod';
import type { GatewayConfig } from '../config/schema';
import { validated } from '../http/validation';
import type { EventStore } from '../inbound/event-store';
import { jsonResponse } from '../http/responses';
import type { EndpointStore } from '../outbound/endpoint-store';
import type { MessageStore } from '../outbound/message-store';
import { eventView } from './inbound-events';
import { endpointView, messageView } from './outbound';
import { inScope, type ScopedRoute } from './scope';

export interface SearchDeps {
  readonly config: GatewayConfig;
  readonly events: EventStore;
  readonly messages: MessageStore;
  readonly endpoints: EndpointStore;
}

const searchQuery = z.strictObject({ q: z.string().trim().min(1, 'say what to look for').max(2048) });
const MAX_ENDPOINTS = 50;

export function searchRoutes(deps: SearchDeps): ScopedRoute[] {
  return [
    {
      method: 'GET',
      path: '/search',
      portal: true,
      handler: async ({ query }, scope) => {
        const { q } = validated(searchQuery, query, 'query');
        const needle = q.toLowerCase();
        const [events, message, endpoints] = await Promise.all([
          scope.tenantId === undefined ? Promise.all(deps.config.sources.map((source) => deps.events.get(source.name, q))) : Promise.resolve([]),
          deps.messages.getMessage(q),
          deps.endpoints.listAll(),
        ]);
        return jsonResponse(200, {
          query: q,
          events: events.filter((event) => event !== undefined).map(eventView),
          messages: message && inScope(scope, message.tenantId) ? [messageView(message)] : [],
          endpoints: endpoints
            .filter((endpoint) => inScope(scope, endpoint.tenantId) && (endpoint.id === q || endpoint.url.toLowerCase().includes(needle)))
            .slice(0, MAX_ENDPOINTS)
            .map(endpointView),
        });
      },
    },
  ];
}
