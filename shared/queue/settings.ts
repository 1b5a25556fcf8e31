/**
 * The queues, their dead-letter queues and the event source mappings that drain them, declared
 * once from the configuration. The CDK constructs and the local runtime both build from these.
 */
import type { InboundSettings, OutboundSettings } from '../config/schema';

export interface QueueSettings {
  readonly queueName: string;
  readonly deadLetterQueueName: string;
  /** At least 6× the consuming function's timeout, as AWS recommends for SQS event sources. */
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number;
  readonly retentionSeconds: number;
  readonly deadLetterRetentionSeconds: number;
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  /** Timeout of the function the queue feeds. */
  readonly consumerTimeoutSeconds: number;
}

const DAY = 86_400;

/** The inbound queue: ingress → processor. */
export function inboundQueueSettings(service: string, inbound: InboundSettings): QueueSettings {
  return {
    queueName: `${service}-inbound`,
    deadLetterQueueName: `${service}-inbound-dlq`,
    visibilityTimeoutSeconds: inbound.processorTimeoutSeconds * 6,
    maxReceiveCount: inbound.maxReceiveCount,
    retentionSeconds: 4 * DAY,
    deadLetterRetentionSeconds: 14 * DAY,
    batchSize: inbound.batchSize,
    maxBatchingWindowSeconds: inbound.maxBatchingWindowSeconds,
    consumerTimeoutSeconds: inbound.processorTimeoutSeconds,
  };
}

/**
 * The outbound queue: publishers (API, relay, internal producers, EventBridge) → dispatcher.
 * The dispatcher makes first attempts in parallel, each bounded by the delivery timeout.
 */
export function outboundQueueSettings(service: string, outbound: OutboundSettings): QueueSettings {
  const dispatcherTimeoutSeconds = outbound.timeoutSeconds * 2 + 30;
  return {
    queueName: `${service}-outbound`,
    deadLetterQueueName: `${service}-outbound-dlq`,
    visibilityTimeoutSeconds: dispatcherTimeoutSeconds * 6,
    maxReceiveCount: 5,
    retentionSeconds: 4 * DAY,
    deadLetterRetentionSeconds: 14 * DAY,
    batchSize: 10,
    maxBatchingWindowSeconds: 0,
    consumerTimeoutSeconds: dispatcherTimeoutSeconds,
  };
}
