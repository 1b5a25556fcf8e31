/**
 * What the sending-side functions (dispatcher, deliver, api) read from their environment:
 * stores, the HTTP sender, the retry schedule in force and the private-target policy.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { GatewayConfig } from '../shared/config/schema';
import type { DeliveryDeps, DeliveryEvent } from '../shared/outbound/deliver';
import type { EndpointStore } from '../shared/outbound/endpoint-store';
import { UndiciSender } from '../shared/outbound/http-sender';
import type { MessageStore } from '../shared/outbound/message-store';
import { scheduleOverride } from '../shared/outbound/retry-schedule';
import { DynamoDbDeliveryStore } from '../shared/store/dynamodb/delivery-store';
import { DynamoDbEndpointStore } from '../shared/store/dynamodb/endpoint-store';
import { DynamoDbMessageStore } from '../shared/store/dynamodb/message-store';
import { S3PayloadStore } from '../shared/store/payload-store';
import { allowPrivateTargets, requiredEnv } from './environment';

/** The config's schedule, or `DELIVERY_RETRY_SCHEDULE` (comma-separated seconds) when set. */
export function retrySchedule(config: GatewayConfig): readonly number[] {
  return scheduleOverride(process.env.DELIVERY_RETRY_SCHEDULE) ?? config.outbound.retrySchedule;
}

export function createDeliveryDeps(
  config: GatewayConfig,
  clients: { documents: DynamoDBDocumentClient; s3: S3Client },
  onEvent: (event: DeliveryEvent) => void | Promise<void>,
): DeliveryDeps & { endpoints: EndpointStore; messages: MessageStore } {
  const table = requiredEnv('WEBHOOKS_TABLE');
  return {
    endpoints: new DynamoDbEndpointStore(clients.documents, table),
    messages: new DynamoDbMessageStore(clients.documents, table),
    deliveries: new DynamoDbDeliveryStore(clients.documents, table),
    payloads: new S3PayloadStore(clients.s3, requiredEnv('PAYLOAD_BUCKET')),
    sender: new UndiciSender({ allowPrivateTargets: allowPrivateTargets() }),
    settings: { ...config.outbound, retrySchedule: [...retrySchedule(config)] },
    onEvent,
  };
}
