/**
 * Serves the operator console at `GET /console` on the api function's router: a page built
 * ahead of time by console/build.ts (at synth it is embedded in the api function's bundle; at
 * local start the local runtime builds it), with the Content-Security-Policy computed there from
 * the SHA-256 of its one inline script and style. Nothing here builds or changes the page.
 *
 * @example registerConsoleRoutes(router, () => pages)
 */
import { DependencyError } from '../errors';
import type { HttpResponse } from '../http/responses';
import type { Router } from '../http/router';

/** A built page: its HTML, and the policy that allows exactly its inline script and style. */
export interface ConsolePage {
  readonly html: string;
  readonly contentSecurityPolicy: string;
}

export type ConsolePages = Readonly<Record<string, ConsolePage>>;

export function pageResponse(page: ConsolePage): HttpResponse {
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': page.contentSecurityPolicy,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    },
    body: page.html,
  };
}

function page(pages: () => ConsolePages, name: string): ConsolePage {
  const found = pages()[name];
  if (!found) throw new DependencyError(`the console page "${name}" was not built`);
  return found;
}

/** `GET /console`. `pages` is called on each request (it may read the built pages lazily). */
export function registerConsoleRoutes(router: Router, pages: () => ConsolePages): Router {
  return router.add('GET', '/console', async () => pageResponse(page(pages, 'console')));
}
