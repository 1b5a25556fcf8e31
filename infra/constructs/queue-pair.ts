/**
 * A queue and its dead-letter queue from the shared declaration (shared/queue/settings.ts):
 * SQS-managed encryption, TLS enforced, redrive after maxReceiveCount.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { QueueSettings } from '../../shared/queue/settings';

/** Both queues under one construct named `id` (`<id>/Queue`, `<id>/DeadLetterQueue`). */
export function queuePair(scope: Construct, id: string, settings: QueueSettings): { readonly queue: Queue; readonly deadLetterQueue: Queue } {
  const pair = new Construct(scope, id);
  const common = { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, removalPolicy: RemovalPolicy.RETAIN };
  const deadLetterQueue = new Queue(pair, 'DeadLetterQueue', { ...common, retentionPeriod: Duration.seconds(settings.deadLetterRetentionSeconds) });
  const queue = new Queue(pair, 'Queue', {
    ...common,
    visibilityTimeout: Duration.seconds(settings.visibilityTimeoutSeconds),
    retentionPeriod: Duration.seconds(settings.retentionSeconds),
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: settings.maxReceiveCount },
  });
  return { queue, deadLetterQueue };
}
