/**
 * The whole gateway in one stack: storage, the receive side, the management API, and the HTTP
 * API in front of them.
 */
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { FunctionUrlAuthType, InvokeMode, type FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { GatewayConfig } from '../shared/config/schema';
import { AWS_SETTINGS, declareFunctions, functionEnvironment } from '../shared/deployment/functions';
import { TABLE } from '../shared/store/table';
import { consolePagesDefine } from '../console/build';
import { GatewayFunction } from './constructs/gateway-function';
import { Inbound } from './constructs/inbound';
import { Operations } from './constructs/operations';
import { Outbound } from './constructs/outbound';
import { Storage } from './constructs/storage';

export interface WebhookGatewayStackProps extends StackProps {
  /** The validated configuration. */
  readonly config: GatewayConfig;
  /** The config file as written, embedded in the functions and validated again at cold start. */
  readonly configDocument: unknown;
}

export class WebhookGatewayStack extends Stack {
  readonly storage: Storage;
  readonly inbound: Inbound;
  readonly outbound: Outbound;
  readonly api: GatewayFunction;
  readonly stream: GatewayFunction;
  readonly httpApi: HttpApi;
  readonly operations: Operations;
  /** The tenant portal's signing key (HMAC of portal tokens), read by the api function only. */
  readonly portalKey: Secret;

  constructor(scope: Construct, id: string, props: WebhookGatewayStackProps) {
    super(scope, id, props);
    const { config, configDocument } = props;

    const functions = declareFunctions(config);
    this.storage = new Storage(this, 'Storage', { retentionDays: config.inbound.retentionDays });
    const { table, payloadBucket } = this.storage;
    this.outbound = new Outbound(this, 'Outbound', { config, configDocument, functions, table, payloadBucket });
    this.inbound = new Inbound(this, 'Inbound', { config, configDocument, functions, table, payloadBucket, outboundQueue: this.outbound.queue });

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
        [table.tableArn, `${table.tableArn}/index/${TABLE.indexes[0].indexName}`],
      )
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
      logGroupName: `/aws/vendedlogs/apigateway/${this.stackName}-access-logs`,
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
      },
      queues: [
        { name: 'Inbound', queue: this.inbound.queue, deadLetterQueue: this.inbound.deadLetterQueue },
        { name: 'Outbound', queue: this.outbound.queue, deadLetterQueue: this.outbound.deadLetterQueue },
      ],
      stateMachine: this.outbound.stateMachine,
    });

    new CfnOutput(this, 'OnCallTopicArn', { value: this.operations.topic.topicArn, description: 'Alarms (and OK) notifications' });
    new CfnOutput(this, 'WebhooksUrl', { value: `${this.httpApi.apiEndpoint}/webhooks/`, description: 'POST /webhooks/{source}' });
    new CfnOutput(this, 'ApiUrl', { value: `${this.httpApi.apiEndpoint}/api/v1/`, description: 'Management API (IAM-authorized)' });
    new CfnOutput(this, 'PortalUrl', {
      value: `${this.httpApi.apiEndpoint}/portal`,
      description: 'Tenant portal (links from POST /api/v1/tenants/{tenantId}/portal-link)',
    });
    new CfnOutput(this, 'StreamUrl', { value: streamUrl!.url, description: 'Live status stream (SSE, IAM-authorized function URL)' });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.inbound.deadLetterQueue.queueUrl, description: 'The inbound dead-letter queue' });
    new CfnOutput(this, 'OutboundDeadLetterQueueUrl', { value: this.outbound.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'SourceSecrets', {
      value: this.toJsonString(Object.fromEntries(this.inbound.secrets.map(({ source, secretId }) => [source, secretId]))),
      description: "Each source's Secrets Manager secret (JSON: source → ARN or name); put the provider's signing secret there",
    });
    new CfnOutput(this, 'OutboundQueueUrl', { value: this.outbound.queue.queueUrl, description: 'Internal producers publish here' });
    new CfnOutput(this, 'RetryStateMachineArn', { value: this.outbound.stateMachine.stateMachineArn });
  }
}
