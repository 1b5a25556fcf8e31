/**
 * The whole gateway as one construct any CDK app can add to its own stack: storage, the receive
 * side, the sending side, the management API, the live stream, the HTTP API and operations.
 *
 * ```ts
 * import { WebhookGateway } from 'aws-webhook-gateway';
 *
 * const gateway = new WebhookGateway(this, 'Webhooks', {
 *   config: 'webhooks.config.json', // or the config object itself
 *   destinations: { stripe: [{ bus: paymentsBus }, { queue: ordersQueue }, { function: onPayment }] },
 * });
 * gateway.table; gateway.inboundQueue; gateway.inboundDeadLetterQueue; gateway.outboundQueue; gateway.webhooksUrl;
 * ```
 *
 * This repository's own app (infra/app.ts, infra/stack.ts) is one use of it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import { FunctionUrlAuthType, InvokeMode, type FunctionUrl, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { consolePagesDefine } from '../console/build';
import { ConfigError, parseConfig } from '../shared/config/load';
import type { GatewayConfig } from '../shared/config/schema';
import { AWS_SETTINGS, declareFunctions, functionEnvironment } from '../shared/deployment/functions';
import type { DestinationInput } from '../shared/inbound/destinations/config';
import { TABLE } from '../shared/store/table';
import { GatewayFunction } from './constructs/gateway-function';
import { Inbound } from './constructs/inbound';
import { Operations } from './constructs/operations';
import { Outbound } from './constructs/outbound';
import { Storage } from './constructs/storage';

/** A destination of the app's own, as a CDK resource (its ARN resolved at deploy). */
export type GatewayDestination = { readonly name?: string; readonly roleArn?: string } & (
  | { readonly bus: IEventBus }
  | { readonly queue: IQueue }
  | { readonly topic: ITopic }
  | { readonly function: IFunction }
);

export interface WebhookGatewayProps {
  /** The configuration: the object itself (as in `webhooks.config.json`), or the path of its JSON file. */
  readonly config: string | object;
  /** More destinations per source name, as the app's own resources; added to those in the config. */
  readonly destinations?: Readonly<Record<string, readonly GatewayDestination[]>>;
  /** Stack outputs for the URLs, queues and table (default true). */
  readonly outputs?: boolean;
}

/** Reads a config file (JSON); a missing or unparsable file is a `ConfigError`. */
export function loadConfigDocument(configPath: string, base = process.cwd()): unknown {
  const resolved = path.resolve(base, configPath);
  try {
    return JSON.parse(readFileSync(resolved, 'utf8'));
  } catch (error) {
    throw new ConfigError(`cannot read ${configPath}: ${(error as Error).message}`);
  }
}

export class WebhookGateway extends Construct {
  /** The validated configuration. */
  readonly config: GatewayConfig;
  readonly storage: Storage;
  readonly inbound: Inbound;
  readonly outbound: Outbound;
  readonly api: GatewayFunction;
  readonly stream: GatewayFunction;
  readonly httpApi: HttpApi;
  readonly operations: Operations;
  /** The tenant portal's signing key (HMAC of portal tokens), read by the api function only. */
  readonly portalKey: Secret;
  /** `https://…/webhooks/`: providers post to `<webhooksUrl><source>`. */
  readonly webhooksUrl: string;
  /** `https://…/api/v1/`: the management API (IAM). */
  readonly apiUrl: string;
  /** The live status stream's function URL (IAM). */
  readonly streamUrl: string;

  constructor(scope: Construct, id: string, props: WebhookGatewayProps) {
    super(scope, id);
    const document = typeof props.config === 'string' ? loadConfigDocument(props.config) : props.config;
    const config = parseConfig(document, typeof props.config === 'string' ? props.config : `${id} config`);
    // What the functions embed: the schema's output (defaults applied), which they trust at their
    // cold start without parsing it again (functions/environment.ts).
    const configDocument: unknown = config;
    this.config = config;
    const added = props.destinations ? destinationEntries(config, props.destinations) : undefined;

    const functions = declareFunctions(config);
    this.storage = new Storage(this, 'Storage', { retentionDays: config.inbound.retentionDays });
    const { table, payloadBucket } = this.storage;
    this.outbound = new Outbound(this, 'Outbound', { config, configDocument, functions, table, payloadBucket });
    this.inbound = new Inbound(this, 'Inbound', {
      config,
      configDocument,
      functions,
      table,
      payloadBucket,
      outboundQueue: this.outbound.queue,
      ...(added ? { addedDestinations: added } : {}),
    });

    // No fixed name (a second stack, or a deploy after `cdk destroy`, cannot collide with it).
    this.portalKey = new Secret(this, 'PortalKey', {
      description: 'Signs tenant portal links (HMAC-SHA256); comma-separate a new key before the old one to rotate it without cutting off links',
      generateSecretString: { excludePunctuation: true, passwordLength: 64 },
    });

    const common = { configDocument, service: config.service, tracing: config.operations.tracing };
    const names = {
      tableName: table.tableName,
      payloadBucket: payloadBucket.bucketName,
      inboundQueueUrl: this.inbound.queue.queueUrl,
      inboundQueueArn: this.inbound.queue.queueArn,
      inboundDeadLetterQueueUrl: this.inbound.deadLetterQueue.queueUrl,
      inboundDeadLetterQueueArn: this.inbound.deadLetterQueue.queueArn,
      outboundQueueUrl: this.outbound.queue.queueUrl,
      outboundQueueArn: this.outbound.queue.queueArn,
      outboundDeadLetterQueueUrl: this.outbound.deadLetterQueue.queueUrl,
      outboundDeadLetterQueueArn: this.outbound.deadLetterQueue.queueArn,
    };
    this.api = new GatewayFunction(this, 'Api', {
      ...common,
      declaration: functions.api,
      environment: functionEnvironment('api', names, { ...AWS_SETTINGS, portalKeySecret: this.portalKey.secretArn }),
      // The console's pages, built from console/ now and embedded in the bundle.
      define: consolePagesDefine(),
    })
      .allow(
        // BatchWriteItem: the stats' rollups of closed minutes (shared/store/dynamodb/rollup-store.ts).
        [
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:Query',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:BatchWriteItem',
        ],
        [table.tableArn],
      )
      // Item actions act on the table only; the index is only ever queried.
      .allow(['dynamodb:Query'], [`${table.tableArn}/index/${TABLE.indexes[0].indexName}`])
      .allow(['s3:GetObject', 's3:PutObject'], [payloadBucket.arnForObjects('outbound/*')])
      // The console's event detail reads claim-checked inbound bodies.
      .allow(['s3:GetObject'], [payloadBucket.arnForObjects('inbound/*')])
      // Signing and checking portal tokens: this one secret, read only.
      .allow(['secretsmanager:GetSecretValue'], [this.portalKey.secretArn])
      // Dead-letter depth, the console's look into both (a receive with visibility 0), and
      // redrive, by SQS's own message move task: starting one needs the move's permissions on the
      // source (the DLQ) and SendMessage on the destination, as SQS moves the messages on the
      // caller's behalf.
      .allow(
        ['sqs:StartMessageMoveTask', 'sqs:ListMessageMoveTasks', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        [this.inbound.deadLetterQueue.queueArn, this.outbound.deadLetterQueue.queueArn],
      )
      .allow(['sqs:SendMessage'], [this.inbound.queue.queueArn, this.outbound.queue.queueArn]);

    // The live status stream: Server-Sent Events need response streaming, which API Gateway
    // HTTP APIs do not offer; a function URL (IAM auth) does.
    this.stream = new GatewayFunction(this, 'Stream', {
      ...common,
      declaration: functions.stream,
      environment: functionEnvironment('stream', names, AWS_SETTINGS),
    }).allow(['dynamodb:Query'], [table.tableArn]);

    this.httpApi = new HttpApi(this, 'HttpApi', { description: `${config.service} webhook gateway`, createDefaultStage: false });
    // Vended logs belong under /aws/vendedlogs/ (the account's CloudWatch Logs resource policy is
    // limited to 5,120 characters); named from the stack and deleted with it, so a second stack
    // or a deploy after `cdk destroy` cannot collide with a retained group of the same name.
    const accessLogs = new LogGroup(this, 'HttpApiAccessLogs', {
      logGroupName: `/aws/vendedlogs/apigateway/${Stack.of(this).stackName}${this.node.id === 'Default' ? '' : `-${this.node.id}`}-access-logs`,
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: config.inbound.throttle,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs) },
    });

    // Each function invoked as declared. Providers authenticate by signature (verified in the
    // function), so the webhook route has no IAM; the management API, the console and the
    // stream's function URL are SigV4 (IAM) only. Tenants cannot sign AWS requests either: the
    // portal's page carries no data, and every call of its API is checked by the portal token in
    // the api function (shared/api/portal.ts).
    let streamUrl: FunctionUrl | undefined;
    for (const fn of [this.inbound.ingress, this.api, this.stream]) {
      const { trigger, name } = fn.declaration;
      if (trigger.kind === 'function-url') {
        streamUrl = fn.function.addFunctionUrl({
          authType: FunctionUrlAuthType.AWS_IAM,
          invokeMode: trigger.streaming ? InvokeMode.RESPONSE_STREAM : InvokeMode.BUFFERED,
        });
      }
      if (trigger.kind !== 'http') continue;
      const integration = new HttpLambdaIntegration(`${name[0]!.toUpperCase()}${name.slice(1)}Integration`, fn.function);
      for (const route of trigger.routes) {
        this.httpApi.addRoutes({
          path: route.path,
          methods: [HttpMethod[route.method]],
          integration,
          ...(route.auth === 'iam' ? { authorizer: new HttpIamAuthorizer() } : {}),
        });
      }
    }

    this.operations = new Operations(this, 'Operations', {
      config,
      httpApi: this.httpApi,
      functions: {
        Ingress: this.inbound.ingress,
        Processor: this.inbound.processor,
        Api: this.api,
        Stream: this.stream,
        Dispatcher: this.outbound.dispatcher,
        Deliver: this.outbound.deliver,
        Reconciler: this.inbound.reconciler,
      },
      queues: [
        { name: 'Inbound', queue: this.inbound.queue, deadLetterQueue: this.inbound.deadLetterQueue },
        { name: 'Outbound', queue: this.outbound.queue, deadLetterQueue: this.outbound.deadLetterQueue },
      ],
      stateMachine: this.outbound.stateMachine,
    });

    this.webhooksUrl = `${this.httpApi.apiEndpoint}/webhooks/`;
    this.apiUrl = `${this.httpApi.apiEndpoint}/api/v1/`;
    this.streamUrl = streamUrl!.url;
    if (props.outputs === false) return;
    new CfnOutput(this, 'OnCallTopicArn', { value: this.operations.topic.topicArn, description: 'Alarms (and OK) notifications' });
    new CfnOutput(this, 'WebhooksUrl', { value: this.webhooksUrl, description: 'POST /webhooks/{source}' });
    new CfnOutput(this, 'ApiUrl', { value: this.apiUrl, description: 'Management API (IAM-authorized)' });
    new CfnOutput(this, 'PortalUrl', {
      value: `${this.httpApi.apiEndpoint}/portal`,
      description: 'Tenant portal (links from POST /api/v1/tenants/{tenantId}/portal-link)',
    });
    new CfnOutput(this, 'StreamUrl', { value: this.streamUrl, description: 'Live status stream (SSE, IAM-authorized function URL)' });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.inbound.deadLetterQueue.queueUrl, description: 'The inbound dead-letter queue' });
    new CfnOutput(this, 'OutboundDeadLetterQueueUrl', { value: this.outbound.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'SourceSecrets', {
      value: Stack.of(this).toJsonString(Object.fromEntries(this.inbound.secrets.map(({ source, secretId }) => [source, secretId]))),
      description: "Each source's Secrets Manager secret (JSON: source → ARN or name); put the provider's signing secret there",
    });
    new CfnOutput(this, 'OutboundQueueUrl', { value: this.outbound.queue.queueUrl, description: 'Internal producers publish here' });
    new CfnOutput(this, 'RetryStateMachineArn', { value: this.outbound.stateMachine.stateMachineArn });
    new CfnOutput(this, 'ProcessorRoleArn', {
      value: this.inbound.processor.role.roleArn,
      description: "The processor's role: what a destination's role in another account must trust",
    });
  }

  /** The single DynamoDB table. */
  get table(): Table {
    return this.storage.table;
  }
  /** The claim-check bucket (inbound bodies under inbound/, outbound payloads under outbound/). */
  get payloadBucket(): Bucket {
    return this.storage.payloadBucket;
  }
  get inboundQueue(): Queue {
    return this.inbound.queue;
  }
  get inboundDeadLetterQueue(): Queue {
    return this.inbound.deadLetterQueue;
  }
  /** Internal producers publish outbound messages here. */
  get outboundQueue(): Queue {
    return this.outbound.queue;
  }
  get outboundDeadLetterQueue(): Queue {
    return this.outbound.deadLetterQueue;
  }
  /** The processor's role: a destination's role in another account trusts it. */
  get processorRole(): IRole {
    return this.inbound.processor.role;
  }
}

/** The construct's destinations as config entries (ARNs as tokens), by source; an unknown source is an error. */
function destinationEntries(config: GatewayConfig, destinations: Readonly<Record<string, readonly GatewayDestination[]>>): Record<string, DestinationInput[]> {
  const entries: Record<string, DestinationInput[]> = {};
  for (const [source, list] of Object.entries(destinations)) {
    if (!config.sources.some((s) => s.name === source)) throw new ConfigError(`destinations: no source named "${source}" in the config`);
    entries[source] = list.map((destination) => {
      const common = { ...(destination.name ? { name: destination.name } : {}), ...(destination.roleArn ? { roleArn: destination.roleArn } : {}) };
      if ('bus' in destination) return { ...common, type: 'eventBridge', eventBusArn: destination.bus.eventBusArn };
      if ('queue' in destination) return { ...common, type: 'sqs', queueArn: destination.queue.queueArn };
      if ('topic' in destination) return { ...common, type: 'sns', topicArn: destination.topic.topicArn };
      return { ...common, type: 'lambda', functionArn: destination.function.functionArn };
    });
  }
  return entries;
}
