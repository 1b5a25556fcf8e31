/**
 * The whole gateway in one stack: storage, the receive side, the management API, and the HTTP
 * API in front of them.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FunctionUrlAuthType, InvokeMode } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { GatewayConfig } from '../shared/config/schema';
import { anySourceAnswersGet } from '../shared/signatures';
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

    this.storage = new Storage(this, 'Storage', { retentionDays: config.inbound.retentionDays });
    const { table, payloadBucket } = this.storage;
    this.inbound = new Inbound(this, 'Inbound', { config, configDocument, table, payloadBucket });
    this.outbound = new Outbound(this, 'Outbound', { config, configDocument, table, payloadBucket });

    // Relay: the processor publishes every processed inbound event to the outbound queue.
    const processor = this.inbound.processor;
    processor.function.addEnvironment('OUTBOUND_QUEUE_URL', this.outbound.queue.queueUrl);
    processor.function.addEnvironment('ENDPOINT_CACHE_SECONDS', '5');
    processor.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['dynamodb:Query'], resources: [`${table.tableArn}/index/${TABLE.indexes[0].indexName}`] }),
    );
    processor.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['dynamodb:BatchGetItem'], resources: [table.tableArn] }));
    processor.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.outbound.queue.queueArn] }));
    processor.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [payloadBucket.arnForObjects('outbound/*')] }));

    // No fixed name (a second stack, or a deploy after `cdk destroy`, cannot collide with it).
    this.portalKey = new Secret(this, 'PortalKey', {
      description: 'Signs tenant portal links (HMAC-SHA256); comma-separate a new key before the old one to rotate it without cutting off links',
      generateSecretString: { excludePunctuation: true, passwordLength: 64 },
    });

    this.api = new GatewayFunction(this, 'Api', {
      name: 'api',
      configDocument,
      service: config.service,
      tracing: config.operations.tracing,
      memorySize: 512,
      timeout: Duration.seconds(10),
      // The console's pages, built from console/ now and embedded in the bundle.
      define: consolePagesDefine(),
      reservedConcurrentExecutions: config.operations.reservedConcurrency.api,
      environment: {
        WEBHOOKS_TABLE: table.tableName,
        PAYLOAD_BUCKET: payloadBucket.bucketName,
        INBOUND_QUEUE_URL: this.inbound.queue.queueUrl,
        INBOUND_DLQ_URL: this.inbound.deadLetterQueue.queueUrl,
        INBOUND_DLQ_ARN: this.inbound.deadLetterQueue.queueArn,
        INBOUND_QUEUE_ARN: this.inbound.queue.queueArn,
        OUTBOUND_QUEUE_URL: this.outbound.queue.queueUrl,
        OUTBOUND_DLQ_URL: this.outbound.deadLetterQueue.queueUrl,
        OUTBOUND_DLQ_ARN: this.outbound.deadLetterQueue.queueArn,
        OUTBOUND_QUEUE_ARN: this.outbound.queue.queueArn,
        PORTAL_KEY_SECRET: this.portalKey.secretArn,
      },
    });
    this.api.role.addToPrincipalPolicy(
      new PolicyStatement({
        // BatchWriteItem: the stats' rollups of closed minutes (shared/store/dynamodb/rollup-store.ts).
        actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
        resources: [table.tableArn, `${table.tableArn}/index/${TABLE.indexes[0].indexName}`],
      }),
    );
    this.api.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject'], resources: [payloadBucket.arnForObjects('outbound/*')] }),
    );
    // The console's event detail reads claim-checked inbound bodies.
    this.api.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [payloadBucket.arnForObjects('inbound/*')] }));
    // Signing and checking portal tokens: this one secret, read only.
    this.api.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.portalKey.secretArn] }));
    this.api.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.outbound.queue.queueArn] }));
    // Dead-letter depth, the console's look into both (a receive with visibility 0), and redrive,
    // by SQS's own message move task: starting one needs the
    // move's permissions on the source (the DLQ) and SendMessage on the destination, as SQS
    // moves the messages on the caller's behalf.
    const deadLetterQueues = [this.inbound.deadLetterQueue.queueArn, this.outbound.deadLetterQueue.queueArn];
    this.api.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['sqs:StartMessageMoveTask', 'sqs:ListMessageMoveTasks', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        resources: deadLetterQueues,
      }),
    );
    this.api.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.inbound.queue.queueArn, this.outbound.queue.queueArn] }));

    // The live status stream: Server-Sent Events need response streaming, which API Gateway
    // HTTP APIs do not offer; a function URL (IAM auth) does.
    this.stream = new GatewayFunction(this, 'Stream', {
      name: 'stream',
      configDocument,
      service: config.service,
      tracing: config.operations.tracing,
      memorySize: 256,
      timeout: Duration.minutes(15),
      reservedConcurrentExecutions: config.operations.reservedConcurrency.stream,
      environment: { WEBHOOKS_TABLE: table.tableName },
    });
    this.stream.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['dynamodb:Query'], resources: [table.tableArn] }));
    const streamUrl = this.stream.function.addFunctionUrl({ authType: FunctionUrlAuthType.AWS_IAM, invokeMode: InvokeMode.RESPONSE_STREAM });

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

    // Providers authenticate by signature, verified in the function: no IAM on this route. GET
    // carries the challenges of the providers that need one (X, Dropbox); others answer it 405.
    this.httpApi.addRoutes({
      path: '/webhooks/{source}',
      methods: anySourceAnswersGet(config.sources) ? [HttpMethod.POST, HttpMethod.GET] : [HttpMethod.POST],
      integration: new HttpLambdaIntegration('IngressIntegration', this.inbound.ingress.function),
    });
    // The management API is for operators and internal services: SigV4 (IAM) only.
    const apiIntegration = new HttpLambdaIntegration('ApiIntegration', this.api.function);
    this.httpApi.addRoutes({
      path: '/api/v1/{proxy+}',
      methods: [HttpMethod.ANY],
      integration: apiIntegration,
      authorizer: new HttpIamAuthorizer(),
    });
    // The operator console (a static page over the API above), IAM-authorized like it.
    this.httpApi.addRoutes({
      path: '/console',
      methods: [HttpMethod.GET],
      integration: apiIntegration,
      authorizer: new HttpIamAuthorizer(),
    });
    // The tenant portal: tenants cannot sign AWS requests. Its page carries no data, and every
    // call of its API is checked by the portal token in the api function (shared/api/portal.ts).
    this.httpApi.addRoutes({ path: '/portal', methods: [HttpMethod.GET], integration: apiIntegration });
    this.httpApi.addRoutes({ path: '/portal/api/{proxy+}', methods: [HttpMethod.ANY], integration: apiIntegration });

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
    new CfnOutput(this, 'PortalUrl', { value: `${this.httpApi.apiEndpoint}/portal`, description: 'Tenant portal (links from POST /api/v1/tenants/{tenantId}/portal-link)' });
    new CfnOutput(this, 'StreamUrl', { value: streamUrl.url, description: 'Live status stream (SSE, IAM-authorized function URL)' });
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
