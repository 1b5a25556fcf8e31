/**
 * The tenant portal: an operator asks for a link (`POST /api/v1/tenants/{tenantId}/portal-link`,
 * IAM like the rest of the management API) and hands it to the tenant. The link opens
 * `GET /portal`, whose page calls `/portal/api/...` with the link's token as a bearer
 * credential; those routes are the tenant routes of the management API, scoped to the token's
 * tenant (./scope.ts). In AWS they sit outside the IAM-authorized `/api/v1/{proxy+}`: the token,
 * checked here, is their only credential.
 *
 * The token travels in the link's fragment (`/portal#token=…`), which browsers never send to a
 * server, so it stays out of access logs and `Referer` headers.
 */
import * as z from 'zod';
import { jsonResponse } from '../http/responses';
import type { ApiRequest, Router } from '../http/router';
import { pageResponse, type ConsolePages } from './console';
import { MAX_PORTAL_TOKEN_SECONDS, signPortalToken, verifyPortalToken } from './portal-token';
import { mountRoutes, type ScopedRoute, type TenantScope } from './scope';
import { DependencyError } from '../errors';
import { timeOf } from '../clock';

export interface PortalDeps {
  /** The portal signing keys, current first (Secrets Manager in AWS, the env file locally). */
  readonly keys: () => Promise<readonly string[]>;
  /** Routes written against a scope; those marked `portal` are offered to tenants. */
  readonly routes: readonly ScopedRoute[];
  readonly pages: () => ConsolePages;
  readonly now?: () => Date;
}

export const PORTAL_API_PREFIX = '/portal/api';
const DEFAULT_LINK_SECONDS = 3600;

const linkBody = z.strictObject({ expiresInSeconds: z.number().int().min(60).max(MAX_PORTAL_TOKEN_SECONDS).optional() }).optional();

/** `https://<api domain>` as the caller reached it (API Gateway says https in `x-forwarded-proto`). */
function origin(request: ApiRequest): string {
  const proto = (request.headers['x-forwarded-proto'] ?? 'https').split(',')[0]!.trim();
  return `${proto === 'http' ? 'http' : 'https'}://${request.event.requestContext.domainName}`;
}

function bearer(request: ApiRequest): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

/** The tenant routes under `/portal/api`, each request scoped to its token's tenant. */
export function portalScope(deps: Pick<PortalDeps, 'keys' | 'now'>): (request: ApiRequest) => Promise<TenantScope> {
  return async (request) => {
    const token = bearer(request);
    const claims = verifyPortalToken(await keys(deps), token, timeOf(deps));
    return { tenantId: claims.tenantId };
  };
}

async function keys(deps: Pick<PortalDeps, 'keys'>): Promise<readonly string[]> {
  try {
    return await deps.keys();
  } catch (error) {
    throw new DependencyError('the portal signing key is not available', { cause: error });
  }
}

export function registerPortalRoutes(router: Router, deps: PortalDeps): Router {
  const now = () => timeOf(deps);
  router
    .add('POST', '/api/v1/tenants/:tenantId/portal-link', async (request) => {
      const body = request.json(linkBody);
      const tenantId = request.params.tenantId!;
      const expiresAt = new Date(Math.floor(now().getTime() / 1000) * 1000 + (body?.expiresInSeconds ?? DEFAULT_LINK_SECONDS) * 1000);
      const token = signPortalToken(await keys(deps), tenantId, expiresAt);
      return jsonResponse(201, { tenantId, url: `${origin(request)}/portal#token=${token}`, expiresAt: expiresAt.toISOString() });
    })
    .add('GET', '/portal', async () => {
      const page = deps.pages().portal;
      if (!page) throw new DependencyError('the portal page was not built');
      return pageResponse(page);
    });
  const scopeOf = portalScope(deps);
  router.add('GET', `${PORTAL_API_PREFIX}/session`, async (request) => {
    const token = bearer(request);
    const claims = verifyPortalToken(await keys(deps), token, now());
    return jsonResponse(200, { tenantId: claims.tenantId, expiresAt: claims.expiresAt.toISOString() });
  });
  return mountRoutes(
    router,
    PORTAL_API_PREFIX,
    deps.routes.filter((route) => route.portal),
    scopeOf,
  );
}
