/**
 * The whole management API on one router: inbound events, dead letters, the sending side,
 * search, stats, the console page, and the tenant portal (its page, its link, and the tenant
 * routes again under `/portal/api`, scoped to a portal token). The api function and the contract
 * tests assemble it with this one function.
 */
import type { GatewayConfig } from '../config/schema';
import type { EventQueue } from '../inbound/event-queue';
import type { EventStore } from '../inbound/event-store';
import type { Router } from '../http/router';
import type { PayloadStore } from '../store/payload-store';
import type { TrafficStatsDeps } from '../status/stats';
import { registerConsoleRoutes, type ConsolePages } from './console';
import { registerDeadLetterRoutes, type DeadLetterRoutesDeps } from './dead-letters';
import { registerInboundEventRoutes } from './inbound-events';
import { outboundRoutes, type OutboundRoutesDeps } from './outbound';
import { registerPortalRoutes } from './portal';
import { EVERY_TENANT, mountRoutes, type ScopedRoute } from './scope';
import { searchRoutes } from './search';
import { registerStatsRoutes } from './stats';

export interface ApiDeps {
  readonly config: GatewayConfig;
  readonly events: EventStore;
  /** Where replayed inbound events are queued. */
  readonly eventQueue: EventQueue;
  /** The payload bucket (claim-checked inbound bodies). */
  readonly payloads: PayloadStore;
  readonly deadLetters: DeadLetterRoutesDeps;
  readonly outbound: OutboundRoutesDeps;
  readonly stats: TrafficStatsDeps;
  /** The tenant portal's signing keys, current first. */
  readonly portalKeys: () => Promise<readonly string[]>;
  readonly pages: () => ConsolePages;
  readonly now?: () => Date;
}

/** The routes a tenant's portal offers (those marked `portal`), as written against a scope. */
export function tenantRoutes(deps: ApiDeps): ScopedRoute[] {
  return [
    ...outboundRoutes(deps.outbound),
    ...searchRoutes({ config: deps.config, events: deps.events, messages: deps.outbound.messages, endpoints: deps.outbound.endpoints }),
  ];
}

export function registerApiRoutes(router: Router, deps: ApiDeps): Router {
  const routes = tenantRoutes(deps);
  registerInboundEventRoutes(router, { config: deps.config, store: deps.events, queue: deps.eventQueue, payloads: deps.payloads });
  registerDeadLetterRoutes(router, deps.deadLetters);
  mountRoutes(router, '/api/v1', routes, () => EVERY_TENANT);
  registerStatsRoutes(router, {
    statusLog: deps.config.operations.statusStream,
    stats: deps.stats,
    sources: deps.config.sources.map((source) => source.name),
    ...(deps.now ? { now: deps.now } : {}),
  });
  registerConsoleRoutes(router, deps.pages);
  registerPortalRoutes(router, { keys: deps.portalKeys, routes, pages: deps.pages, ...(deps.now ? { now: deps.now } : {}) });
  return router;
}
