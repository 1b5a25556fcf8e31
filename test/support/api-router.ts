/**
 * The whole management API (shared/api/routes.ts) on a test harness's resources, built by the
 * composition root exactly as the api function gets it: inbound events, dead letters, the
 * sending side, search, stats over the status log, the console pages as console/build.ts builds
 * them, and the tenant portal signed with `portalKey`.
 */
import { randomBytes } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { buildConsolePages } from '../../console/build';
import { apiRouteDependencies } from '../../functions/composition';
import { observers } from '../../functions/api/handler';
import { localEnvironment } from '../../local/plan';
import type { ConsolePages } from '../../shared/api/console';
import { registerApiRoutes, type ApiDeps } from '../../shared/api/routes';
import { VARIABLES } from '../../shared/deployment/environment';
import { Router } from '../../shared/http/router';
import type { Harness } from './harness';

export interface ApiUnderTest {
  readonly router: Router;
  readonly deps: ApiDeps;
  readonly portalKey: string;
}

let pages: ConsolePages | undefined;

export function createApiRouter(
  h: Harness,
  options: {
    /** The api function's SQS client when it is not the emulator's own (the local runtime's message-move proxy). */
    sqs?: SQSClient;
    portalKey?: string;
    /** Replaces the portal's signing keys (a secret that cannot be read). */
    portalKeys?: () => Promise<readonly string[]>;
  } = {},
): ApiUnderTest {
  const portalKey = options.portalKey ?? randomBytes(32).toString('base64url');
  const deps = apiRouteDependencies({
    config: h.config,
    clients: options.sqs ? { ...h.clients, sqs: options.sqs } : h.clients,
    // The api function's environment as the local runtime writes it, with the portal key it adds.
    environment: { ...localEnvironment('api', h.names), [VARIABLES.portalKey.name]: portalKey },
    ...observers,
    consolePages: () => (pages ??= buildConsolePages()),
    ...(options.portalKeys ? { portalKeys: options.portalKeys } : {}),
  });
  return { router: registerApiRoutes(new Router(), deps), deps, portalKey };
}
