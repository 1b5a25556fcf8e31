/**
 * The receive side: a secret per source, the ingress function, the queue and its DLQ (settings
 * from shared/inbound/queue-settings.ts), and the processor with partial batch responses.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { GatewayConfig } from '../../shared/config/schema';
import { inboundQueueSettings } from '../../shared/queue/settings';
import { GatewayFunction } from './gateway-function';
import { QueuePair } from './queue-pair';

export interface InboundProps {
  readonly config: GatewayConfig;
  readonly configDocument: unknown;
  readonly table: Table;
  readonly payloadBucket: Bucket;
}

export class Inbound extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly ingress: GatewayFunction;
  readonly processor: GatewayFunction;
  readonly secrets: Secret[];

  constructor(scope: Construct, id: string, props: InboundProps) {
    super(scope, id);
    const { config, table, payloadBucket } = props;
    const settings = inboundQueueSettings(config.service, config.inbound);
    const secretPrefix = `${config.service}/sources/`;

    const queues = new QueuePair(this, 'Queues', settings);
    this.queue = queues.queue;
    this.deadLetterQueue = queues.deadLetterQueue;

    // One secret per source. The generated value is a placeholder: put the provider's signing
    // secret here (several, comma-separated, during a rotation).
    this.secrets = config.sources.map(
      (source) =>
        new Secret(this, `Secret-${source.name}`, {
          secretName: `${secretPrefix}${source.name}`,
          description: `Webhook signing secret(s) of source "${source.name}" (${source.provider}); comma-separate several during a rotation`,
          generateSecretString: { excludePunctuation: true, passwordLength: 48 },
          removalPolicy: RemovalPolicy.RETAIN,
        }),
    );

    const common = { configDocument: props.configDocument, service: config.service };
    this.ingress = new GatewayFunction(this, 'Ingress', {
      ...common,
      name: 'ingress',
      memorySize: config.inbound.ingressMemoryMiB,
      timeout: Duration.seconds(10),
      environment: {
        WEBHOOKS_TABLE: table.tableName,
        INBOUND_QUEUE_URL: this.queue.queueUrl,
        PAYLOAD_BUCKET: payloadBucket.bucketName,
        SECRET_NAME_PREFIX: secretPrefix,
        SECRET_CACHE_SECONDS: '300',
      },
    });
    this.ingress.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:GetItem'], resources: [table.tableArn] }),
    );
    this.ingress.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] }));
    this.ingress.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [payloadBucket.arnForObjects('inbound/*')] }));
    this.ingress.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: this.secrets.map((secret) => secret.secretArn) }),
    );

    this.processor = new GatewayFunction(this, 'Processor', {
      ...common,
      name: 'processor',
      memorySize: config.inbound.processorMemoryMiB,
      timeout: Duration.seconds(settings.consumerTimeoutSeconds),
      environment: {
        WEBHOOKS_TABLE: table.tableName,
        PAYLOAD_BUCKET: payloadBucket.bucketName,
        INBOUND_DLQ_URL: this.deadLetterQueue.queueUrl,
      },
    });
    this.processor.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem'], resources: [table.tableArn] }),
    );
    this.processor.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [payloadBucket.arnForObjects('inbound/*')] }));
    this.processor.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }));
    this.processor.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: settings.batchSize,
        maxBatchingWindow: settings.maxBatchingWindowSeconds > 0 ? Duration.seconds(settings.maxBatchingWindowSeconds) : undefined,
        reportBatchItemFailures: true,
      }),
    );
  }
}
