/**
 * Whose resources a request may see. The operator's management API (`/api/v1/...`, IAM in AWS)
 * sees every tenant's; a tenant portal request (`/portal/api/...`, a portal token) sees only its
 * own tenant's endpoints, messages, deliveries and attempts. Routes are written once against a
 * scope and mounted under both prefixes; a resource outside the scope is answered as if it did
 * not exist (404), so a portal token learns nothing about other tenants.
 */
import type { HttpResponse } from '../http/responses';
import type { ApiRequest, Router } from '../http/router';

export interface TenantScope {
  /** The only tenant whose resources are visible; undefined: every tenant (the operator). */
  readonly tenantId?: string;
}

export const EVERY_TENANT: TenantScope = Object.freeze({});

/** Whether a resource of `tenantId` (undefined: of no tenant) is visible in `scope`. */
export function inScope(scope: TenantScope, tenantId: string | undefined): boolean {
  return scope.tenantId === undefined || scope.tenantId === tenantId;
}

export type ScopedHandler = (request: ApiRequest, scope: TenantScope) => Promise<HttpResponse>;

export interface ScopedRoute {
  readonly method: string;
  /** Relative to the mount point, e.g. `/endpoints/:id`. */
  readonly path: string;
  /** Offered to tenants in the portal too (else operators only). */
  readonly portal: boolean;
  readonly handler: ScopedHandler;
}

/** Adds `routes` under `prefix`, each request's scope given by `scopeOf`. */
export function mountRoutes(
  router: Router,
  prefix: string,
  routes: readonly ScopedRoute[],
  scopeOf: (request: ApiRequest) => Promise<TenantScope> | TenantScope,
): Router {
  for (const route of routes) router.add(route.method, `${prefix}${route.path}`, async (request) => route.handler(request, await scopeOf(request)));
  return router;
}
