/**
 * The receive side: a secret per source, the ingress function, the queue and its DLQ (settings
 * from shared/queue/settings.ts), and the processor with partial batch responses; both functions
 * as declared in shared/deployment/functions.ts.
 */
import { ArnFormat, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { GatewayConfig } from '../../shared/config/schema';
import type { DestinationInput } from '../../shared/inbound/destinations/config';
import { AWS_SETTINGS, functionEnvironment, type FunctionDeclarations, type RuntimeSettings } from '../../shared/deployment/functions';
import { inboundQueueSettings } from '../../shared/queue/settings';
import { TABLE } from '../../shared/store/table';
import { grantDestinations } from './destinations';
import { GatewayFunction } from './gateway-function';
import { queuePair } from './queue-pair';

export interface InboundProps {
  readonly config: GatewayConfig;
  readonly configDocument: unknown;
  readonly functions: FunctionDeclarations;
  readonly table: Table;
  readonly payloadBucket: Bucket;
  /** Where the processor relays processed events (the sending side's queue). */
  readonly outboundQueue: Queue;
  /** Destinations the app gave the construct as CDK resources, by source (ARNs as tokens). */
  readonly addedDestinations?: Readonly<Record<string, readonly DestinationInput[]>>;
}

export class Inbound extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly ingress: GatewayFunction;
  readonly processor: GatewayFunction;
  /** Queues again accepted events whose message was lost (shared/inbound/reconcile.ts), on a schedule. */
  readonly reconciler: GatewayFunction;
  readonly reconcilerSchedule: Rule;
  /** Each source's secret: created by the stack (a generated name), or adopted by `secretName`. */
  readonly secrets: ReadonlyArray<{ readonly source: string; readonly secret: ISecret; readonly adopted: boolean; readonly secretId: string }>;

  constructor(scope: Construct, id: string, props: InboundProps) {
    super(scope, id);
    const { config, table, payloadBucket } = props;
    ({ queue: this.queue, deadLetterQueue: this.deadLetterQueue } = queuePair(this, 'Queues', inboundQueueSettings(config.service, config.inbound)));

    // One secret per source. The generated value is a placeholder: put the provider's signing
    // secret here (several, comma-separated, during a rotation). No fixed name: CloudFormation
    // generates one, so a second stack, or a deploy after `cdk destroy` (the secret is retained),
    // cannot collide with it. `sources[].secretName` adopts an existing secret instead.
    this.secrets = config.sources.map((source) => {
      if (source.secretName) {
        const secret = source.secretName.startsWith('arn:')
          ? Secret.fromSecretCompleteArn(this, `Adopted-${source.name}`, source.secretName)
          : Secret.fromSecretNameV2(this, `Adopted-${source.name}`, source.secretName);
        return { source: source.name, secret, adopted: true, secretId: source.secretName };
      }
      const secret = new Secret(this, `Secret-${source.name}`, {
        description: `Webhook signing secret(s) of source "${source.name}" (${source.provider}) of stack ${Stack.of(this).stackName}; comma-separate several during a rotation`,
        generateSecretString: { excludePunctuation: true, passwordLength: 48 },
        removalPolicy: RemovalPolicy.RETAIN,
      });
      return { source: source.name, secret, adopted: false, secretId: secret.secretArn };
    });
    // What the ingress asks Secrets Manager for. Lambda allows 4 KB of environment variables in
    // all, and a full ARN per source (about 110 characters) would not fit 30 sources: a created
    // secret is named by the last segment of its ARN (its generated name and suffix), joined at
    // run time to the one ARN prefix they share; an adopted one by the name or ARN configured.
    const stack = Stack.of(this);
    const created = Object.fromEntries(
      this.secrets.filter((entry) => !entry.adopted).map(({ source, secretId }) => [source, Fn.select(6, Fn.split(':', secretId))]),
    );
    const adopted = Object.fromEntries(this.secrets.filter((entry) => entry.adopted).map(({ source, secretId }) => [source, secretId]));
    const secretSettings: RuntimeSettings = {
      sourceSecretIds: stack.toJsonString(created),
      secretArnPrefix: stack.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: '', arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
      ...(Object.keys(adopted).length ? { adoptedSourceSecrets: stack.toJsonString(adopted) } : {}),
    };

    const names = {
      tableName: table.tableName,
      payloadBucket: payloadBucket.bucketName,
      inboundQueueUrl: this.queue.queueUrl,
      inboundDeadLetterQueueUrl: this.deadLetterQueue.queueUrl,
      outboundQueueUrl: props.outboundQueue.queueUrl,
    };
    const common = { configDocument: props.configDocument, service: config.service, tracing: config.operations.tracing };
    this.ingress = new GatewayFunction(this, 'Ingress', {
      ...common,
      declaration: props.functions.ingress,
      environment: functionEnvironment('ingress', names, { ...AWS_SETTINGS, ...secretSettings }),
    })
      .allow(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:GetItem'], [table.tableArn])
      .allow(['sqs:SendMessage'], [this.queue.queueArn])
      .allow(['s3:PutObject'], [payloadBucket.arnForObjects('inbound/*')])
      .allow(
        ['secretsmanager:GetSecretValue'],
        // A secret adopted by name has an ARN ending in a random 6-character suffix.
        this.secrets.map(({ secret, adopted, secretId }) => (adopted && !secretId.startsWith('arn:') ? `${secret.secretArn}-??????` : secret.secretArn)),
      );

    this.processor = new GatewayFunction(this, 'Processor', {
      ...common,
      declaration: props.functions.processor,
      environment: functionEnvironment('processor', names, {
        ...AWS_SETTINGS,
        ...(props.addedDestinations ? { sourceDestinations: stack.toJsonString(props.addedDestinations) } : {}),
      }),
    })
      .allow(['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem'], [table.tableArn])
      .allow(['s3:GetObject'], [payloadBucket.arnForObjects('inbound/*')])
      .allow(['sqs:SendMessage'], [this.deadLetterQueue.queueArn])
      // Relay: the processor publishes every processed inbound event to the outbound queue.
      .allow(['dynamodb:Query'], [`${table.tableArn}/index/${TABLE.indexes[0].indexName}`])
      .allow(['dynamodb:BatchGetItem'], [table.tableArn])
      .allow(['sqs:SendMessage'], [props.outboundQueue.queueArn])
      .allow(['s3:PutObject'], [payloadBucket.arnForObjects('outbound/*')]);
    // The sources' own destinations: the one action on each, or AssumeRole on the role that reaches it.
    grantDestinations(this.processor, config, props.addedDestinations);
    this.processor.consume(this.queue);

    // The reconciler reads each source's window of the index by source and received time (keys
    // only), then the records it names; claims a `received` one's enqueue lease and marks it
    // queued (UpdateItem); and sends stuck events to the inbound queue again.
    const reconcilerDeclaration = props.functions.reconciler;
    this.reconciler = new GatewayFunction(this, 'Reconciler', {
      ...common,
      declaration: reconcilerDeclaration,
      environment: functionEnvironment('reconciler', names, AWS_SETTINGS),
    })
      .allow(['dynamodb:Query'], [`${table.tableArn}/index/${TABLE.indexes[0].indexName}`])
      .allow(['dynamodb:BatchGetItem', 'dynamodb:UpdateItem'], [table.tableArn])
      .allow(['sqs:SendMessage'], [this.queue.queueArn]);
    if (reconcilerDeclaration.trigger.kind !== 'schedule') throw new Error('the reconciler is declared with a schedule');
    this.reconcilerSchedule = new Rule(this, 'ReconcilerSchedule', {
      description: `Runs the ${config.service} reconciler: accepted events whose queue message was lost are queued again`,
      schedule: Schedule.rate(Duration.minutes(reconcilerDeclaration.trigger.rateMinutes)),
      // A failed run is not retried: the next one, minutes later, reads the same window.
      targets: [new LambdaFunction(this.reconciler.function, { retryAttempts: 0 })],
    });
  }
}
