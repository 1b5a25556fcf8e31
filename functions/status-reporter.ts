/**
 * Appends status changes to the status log when the stream is on. A failure to append never
 * fails the work that caused it: it is logged and dropped.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { GatewayConfig } from '../shared/config/schema';
import type { StatusChange } from '../shared/status/status-log';
import { DynamoDbStatusLog } from '../shared/store/dynamodb/status-log';
import { requiredEnv } from './environment';

export type StatusReporter = (change: StatusChange) => Promise<void>;

export function createStatusReporter(config: GatewayConfig, documents: DynamoDBDocumentClient, logger: Logger): StatusReporter {
  if (!config.operations.statusStream) return async () => undefined;
  const log = new DynamoDbStatusLog(documents, requiredEnv('WEBHOOKS_TABLE'));
  return async (change) => {
    try {
      await log.append(change);
    } catch (error) {
      logger.warn('status change not recorded', { type: change.type, error: (error as Error).message });
    }
  };
}
