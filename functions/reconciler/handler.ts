/**
 * The scheduled reconciler: every few minutes (an EventBridge rule; a timer locally), queues
 * again the accepted events whose queue message was lost (shared/inbound/reconcile.ts). Thin:
 * this logs what it found and counts it as `reconciled` under `{service}` (the
 * `EventsReconciled` alarm) and `{service, source}`.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { reconcileStuckEvents, type ReconcileDeps, type ReconcileResult } from '../../shared/inbound/reconcile';
import { reconcilerDependencies } from '../composition';
import { createDocumentClient, createSqsClient, lambdaParts, once } from '../environment';
import { GatewayMetrics } from '../metrics';
import { lambdaHandler } from '../middleware';

const logger = new Logger({ serviceName: 'reconciler' });
const metrics = new GatewayMetrics();
const clients = { documents: createDocumentClient(), sqs: createSqsClient() };

export async function handleReconcile(dependencies: ReconcileDeps): Promise<ReconcileResult> {
  const result = await reconcileStuckEvents(dependencies);
  const bySource = new Map<string, number>();
  for (const event of result.reconciled) bySource.set(event.source, (bySource.get(event.source) ?? 0) + 1);
  for (const [source, count] of bySource) {
    // A message was lost somewhere between the queue and the processor: counted, and alarmed on.
    logger.warn('stuck events queued again', { source, count, events: result.reconciled.filter((event) => event.source === source).slice(0, 20) });
    metrics.count('reconciled', { source }, count);
  }
  logger.info('reconciler run', { examined: result.examined, reconciled: result.reconciled.length });
  return result;
}

/** What the local runtime builds this function's dependencies with (its logger and metrics). */
export const observers = { logger, metrics };

/** The Lambda handler over dependencies built on first use (the local runtime passes its own). */
export const createReconcilerHandler = (dependencies: (owner: string) => ReconcileDeps) =>
  lambdaHandler(async (_event: unknown, context: Context) => {
    const { examined, reconciled } = await handleReconcile(dependencies(`reconciler-${context.awsRequestId}`));
    return { examined, reconciled: reconciled.length };
  }, observers);

/** Built on first use: the config is parsed and validated here, at cold start. */
const base = once(() => reconcilerDependencies({ ...lambdaParts(clients, observers), owner: 'reconciler' }));
export const dependencies = (owner: string): ReconcileDeps => ({ ...base(), owner });

export const handler = createReconcilerHandler(dependencies);
