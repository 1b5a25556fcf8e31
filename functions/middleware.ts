/** The middleware every gateway function's handler runs in (Powertools through middy). */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { GatewayMetrics } from './metrics';

/**
 * A handler with the gateway's middleware: the logger carries the invocation's context. Metrics
 * need none: each figure is published as it happens (functions/metrics.ts).
 */
export function lambdaHandler<E, R>(
  handle: (event: E, context: Context) => Promise<R>,
  observers: { readonly logger: Logger; readonly metrics?: GatewayMetrics },
) {
  return middy(handle).use(injectLambdaContext(observers.logger));
}
