/**
 * The whole management API (shared/api/routes.ts, as functions/api/handler.ts assembles it) on
 * a test harness's resources: inbound events, dead letters, the sending side (the outbound
 * harness's stores and queue), search, stats over the status log, the console pages as
 * console/build.ts builds them, and the tenant portal signed with `portalKey`.
 */
import { randomBytes } from 'node:crypto';
import { buildConsolePages } from '../../console/build';
import type { ConsolePages } from '../../shared/api/console';
import type { ApiDeps } from '../../shared/api/routes';
import { registerApiRoutes } from '../../shared/api/routes';
import { Router } from '../../shared/http/router';
import { SqsQueue } from '../../shared/queue/sqs-queue';
import { DynamoDbRollupStore } from '../../shared/store/dynamodb/rollup-store';
import type { StatusLog } from '../../shared/status/status-log';
import { DynamoDbStatusLog } from '../../shared/store/dynamodb/status-log';
import type { Harness } from './harness';
import type { OutboundHarness } from './outbound-harness';

export interface ApiUnderTest {
  readonly router: Router;
  readonly deps: ApiDeps;
  readonly statusLog: StatusLog;
  readonly portalKey: string;
}

let pages: ConsolePages | undefined;

export function createApiRouter(h: Harness, o: OutboundHarness, overrides: Partial<ApiDeps> & { portalKey?: string } = {}): ApiUnderTest {
  const { clients, resources, config } = h;
  const portalKey = overrides.portalKey ?? randomBytes(32).toString('base64url');
  const statusLog = new DynamoDbStatusLog(clients.documents, resources.tableName);
  const { portalKey: _key, ...rest } = overrides;
  const deps: ApiDeps = {
    config,
    events: h.store,
    eventQueue: new SqsQueue(clients.sqs, resources.inbound.queueUrl),
    payloads: o.publish.payloads,
    deadLetters: { sqs: clients.sqs, queues: { inbound: resources.inbound, outbound: resources.outbound } },
    outbound: {
      endpoints: o.endpoints,
      messages: o.messages,
      deliveries: o.deliveries,
      payloads: o.publish.payloads,
      queue: o.publish.queue,
      settings: config.outbound,
      allowPrivateTargets: true,
    },
    stats: { readMinute: (minute) => statusLog.readMinute(minute), rollups: new DynamoDbRollupStore(clients.documents, resources.tableName) },
    portalKeys: async () => [portalKey],
    pages: () => (pages ??= buildConsolePages()),
    ...rest,
  };
  return { router: registerApiRoutes(new Router(), deps), deps, statusLog, portalKey };
}
