/**
 * Creates the table, queues and bucket in the emulators from the same declarations the CDK
 * stack uses (shared/store/table.ts, shared/inbound/queue-settings.ts). Idempotent: existing
 * resources (a persisted DynamoDB Local) are kept.
 */
import { CreateTableCommand, DescribeTableCommand, ResourceInUseException, UpdateTimeToLiveCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import type { GatewayConfig } from '../shared/config/schema';
import { inboundQueueSettings, outboundQueueSettings, type QueueSettings } from '../shared/queue/settings';
import { TABLE } from '../shared/store/table';

export type QueueWithUrls = QueueSettings & {
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly queueArn: string;
  readonly deadLetterQueueArn: string;
};

export interface LocalResources {
  readonly tableName: string;
  readonly bucketName: string;
  readonly inbound: QueueWithUrls;
  readonly outbound: QueueWithUrls;
}

export async function createTable(dynamodb: DynamoDBClient, tableName: string): Promise<void> {
  const keys = new Set<string>([TABLE.partitionKey, TABLE.sortKey, ...TABLE.indexes.flatMap((index) => [index.partitionKey, index.sortKey])]);
  try {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...keys].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: TABLE.indexes.map((index) => ({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: index.projection },
        })),
      }),
    );
    await dynamodb.send(
      new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: TABLE.timeToLiveAttribute, Enabled: true } }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
}

/** Creates a queue and its DLQ with the redrive policy. */
export async function createQueues(sqs: SQSClient, settings: QueueSettings): Promise<QueueWithUrls> {
  const dlq = await sqs.send(
    new CreateQueueCommand({
      QueueName: settings.deadLetterQueueName,
      Attributes: { MessageRetentionPeriod: String(settings.deadLetterRetentionSeconds) },
    }),
  );
  const deadLetterQueueUrl = dlq.QueueUrl!;
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: deadLetterQueueUrl, AttributeNames: ['QueueArn'] }));
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: settings.queueName,
      Attributes: {
        VisibilityTimeout: String(settings.visibilityTimeoutSeconds),
        MessageRetentionPeriod: String(settings.retentionSeconds),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes!.QueueArn, maxReceiveCount: String(settings.maxReceiveCount) }),
      },
    }),
  );
  const queueAttributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl!, AttributeNames: ['QueueArn'] }));
  return {
    ...settings,
    queueUrl: queue.QueueUrl!,
    deadLetterQueueUrl,
    queueArn: queueAttributes.Attributes!.QueueArn!,
    deadLetterQueueArn: Attributes!.QueueArn!,
  };
}

export async function createLocalResources(
  clients: { dynamodb: DynamoDBClient; sqs: SQSClient; s3: S3Client },
  config: GatewayConfig,
  names: { tableName?: string; bucketName?: string; prefix?: string } = {},
): Promise<LocalResources> {
  const prefix = names.prefix ?? config.service;
  const tableName = names.tableName ?? `${prefix}-table`;
  const bucketName = names.bucketName ?? `${prefix}-payloads`;
  await createTable(clients.dynamodb, tableName);
  await clients.s3.send(new CreateBucketCommand({ Bucket: bucketName })).catch((error: { name?: string }) => {
    if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error;
  });
  const inbound = await createQueues(clients.sqs, inboundQueueSettings(prefix, config.inbound));
  const outbound = await createQueues(clients.sqs, outboundQueueSettings(prefix, config.outbound));
  return { tableName, bucketName, inbound, outbound };
}
