/**
 * `GET /api/v1/stats?window=1h|24h`: the overview's figures (shared/status/stats.ts) from the
 * status log. With the status stream switched off (`operations.statusStream: false`) nothing is
 * logged, and the answer says so (`statusLog: false`) with empty series.
 */
import * as z from 'zod';
import { validated } from '../http/validation';
import { jsonResponse } from '../http/responses';
import type { Router } from '../http/router';
import { buildStats, emptyRollup, trafficStats, windowBuckets, WINDOWS, type TrafficStatsDeps } from '../status/stats';
import { timeOf } from '../clock';

export interface StatsRoutesDeps {
  /** Whether status changes are logged (`operations.statusStream`). */
  readonly statusLog: boolean;
  readonly stats: TrafficStatsDeps;
  /** The configured sources, listed even when idle. */
  readonly sources: readonly string[];
  readonly now?: () => Date;
}

const statsQuery = z.strictObject({ window: z.enum(Object.keys(WINDOWS) as [keyof typeof WINDOWS]).default('1h') });

export function registerStatsRoutes(router: Router, deps: StatsRoutesDeps): Router {
  return router.add('GET', '/api/v1/stats', async ({ query }) => {
    const { window } = validated(statsQuery, query, 'query');
    const now = timeOf(deps);
    const stats = deps.statusLog
      ? await trafficStats(deps.stats, window, now, deps.sources)
      : buildStats(
          window,
          now,
          windowBuckets(window, now).map(() => emptyRollup()),
          deps.sources,
        );
    return jsonResponse(200, { ...stats, statusLog: deps.statusLog });
  });
}
