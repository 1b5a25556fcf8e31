/**
 * Template assertions for the stack synthesized from the shipped configuration.
 */
import { readFileSync } from 'node:fs';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../../infra/app';
import type { WebhookGatewayStack } from '../../infra/stack';

let template: Template;
let stack: WebhookGatewayStack;

beforeAll(() => {
  ({ stack } = buildApp('webhooks.config.json', new App({ context: { 'aws:cdk:bundling-stacks': [] } })));
  template = Template.fromStack(stack);
});

type FunctionName = 'ingress' | 'processor' | 'api' | 'stream' | 'dispatcher' | 'deliver' | 'reconciler';
const FUNCTION_PREFIX: Record<FunctionName, string> = {
  ingress: 'InboundIngress',
  stream: 'Stream',
  processor: 'InboundProcessor',
  api: 'Api',
  dispatcher: 'OutboundDispatcher',
  deliver: 'OutboundDeliver',
  reconciler: 'InboundReconciler',
};

function functionLogicalId(name: FunctionName): string {
  const functions = template.findResources('AWS::Lambda::Function', {
    Properties: { Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'webhooks' }) } },
  });
  const id = Object.keys(functions).find((logicalId) => logicalId.startsWith(FUNCTION_PREFIX[name]));
  if (!id) throw new Error(`no ${name} function in ${Object.keys(functions).join(', ')}`);
  return id;
}

function policyStatementsOf(functionName: FunctionName): Array<{ Action: string | string[]; Resource: unknown }> {
  const fn = template.findResources('AWS::Lambda::Function')[functionLogicalId(functionName)]!;
  const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((policy) => (policy.Properties.Roles as Array<{ Ref: string }>).some((role) => role.Ref === roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);
}

function actionsOf(functionName: FunctionName): string[] {
  const actions = policyStatementsOf(functionName).flatMap((statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]));
  return [...new Set(actions)].sort();
}

describe('storage', () => {
  it('has an on-demand table with the declared keys, index, TTL, point-in-time recovery and encryption', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        Match.objectLike({
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        }),
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('keeps payloads in a private, encrypted, TLS-only bucket that expires them with the records', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 30, Status: 'Enabled' })]) },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'payloads/' }),
    });
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy'));
    expect(policies.length).toBeGreaterThanOrEqual(1);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });
});

describe('inbound queue', () => {
  it('has an encrypted queue with a visibility timeout of 6× the processor timeout and a redrive to an encrypted DLQ', () => {
    const queues = template.findResources('AWS::SQS::Queue');
    expect(Object.keys(queues)).toHaveLength(4);
    for (const queue of Object.values(queues)) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    const main = Object.entries(queues).find(([id]) => id.startsWith('InboundQueuesQueue'))![1];
    expect(main.Properties).toMatchObject({ SqsManagedSseEnabled: true, VisibilityTimeout: 180, RedrivePolicy: { maxReceiveCount: 5 } });
    const dlq = Object.entries(queues).find(([id]) => id.startsWith('InboundQueuesDeadLetterQueue'))![1];
    expect(dlq.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
    for (const policy of Object.values(template.findResources('AWS::SQS::QueuePolicy'))) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
    expect(Object.keys(template.findResources('AWS::SQS::QueuePolicy'))).toHaveLength(4);
  });

  it('feeds the processor in batches with partial batch failure reporting', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      FunctionName: { Ref: functionLogicalId('processor') },
    });
  });
});

describe('functions', () => {
  it('run Node.js 24 on arm64, bundled (no runtime SDK dependency), each with its own log group', () => {
    const functions = template.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs24.x' } });
    expect(Object.keys(functions)).toHaveLength(7);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.LoggingConfig).toEqual({ LogGroup: expect.anything(), LogFormat: 'JSON', SystemLogLevel: 'WARN', ApplicationLogLevel: 'INFO' });
    }
    // One per function, the HTTP API's access logs and the state machine's logs.
    template.resourceCountIs('AWS::Logs::LogGroup', 9);
  });

  it('give the processor a timeout matching the config', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 30,
      Environment: { Variables: Match.objectLike({ INBOUND_DLQ_URL: Match.anyValue() }) },
    });
  });

  it('grant each function exactly the actions it uses', () => {
    // Its own log group, and X-Ray (active tracing) whose APIs take no resource.
    const logs = ['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
    expect(actionsOf('ingress')).toEqual(
      [...logs, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'sqs:SendMessage', 's3:PutObject', 'secretsmanager:GetSecretValue'].sort(),
    );
    expect(actionsOf('processor')).toEqual(
      [
        ...logs,
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:Query',
        'dynamodb:BatchGetItem',
        's3:GetObject',
        's3:PutObject',
        'sqs:SendMessage',
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ReceiveMessage',
      ].sort(),
    );
    expect(actionsOf('api')).toEqual(
      [
        ...logs,
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        's3:GetObject',
        's3:PutObject',
        'secretsmanager:GetSecretValue',
        'sqs:StartMessageMoveTask',
        'sqs:ListMessageMoveTasks',
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:SendMessage',
      ].sort(),
    );
    expect(actionsOf('dispatcher')).toEqual(
      [
        ...logs,
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:Query',
        's3:GetObject',
        's3:PutObject',
        'sqs:SendMessage',
        'states:StartExecution',
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ReceiveMessage',
      ].sort(),
    );
    expect(actionsOf('stream')).toEqual([...logs, 'dynamodb:Query'].sort());
    // The deliver task reads and writes items by key only (no query, no batch read).
    expect(actionsOf('deliver')).toEqual(
      [...logs, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 's3:GetObject', 's3:PutObject', 'sqs:SendMessage'].sort(),
    );
    // The reconciler: the index query, the records it names, the enqueue claim and mark, the inbound queue only.
    expect(actionsOf('reconciler')).toEqual([...logs, 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem', 'sqs:SendMessage'].sort());
    const reconcilerSend = policyStatementsOf('reconciler').filter((statement) => statement.Action === 'sqs:SendMessage');
    expect(reconcilerSend.map((statement) => statement.Resource)).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^InboundQueuesQueue/), 'Arn'] }]);
    for (const name of Object.keys(FUNCTION_PREFIX) as FunctionName[]) {
      for (const statement of policyStatementsOf(name)) {
        const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
        if (!actions.every((action) => action.startsWith('xray:'))) expect(statement.Resource).not.toBe('*');
      }
    }
  });
});

describe('reconciler', () => {
  it('runs the reconciler every 5 minutes from an EventBridge rule, without retries of a failed run', () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule', { Properties: { ScheduleExpression: 'rate(5 minutes)' } }));
    expect(rules).toHaveLength(1);
    expect(rules[0]!.Properties.State).toBe('ENABLED');
    expect(rules[0]!.Properties.Targets).toEqual([
      expect.objectContaining({ Arn: { 'Fn::GetAtt': [functionLogicalId('reconciler'), 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0 } }),
    ]);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [functionLogicalId('reconciler'), 'Arn'] },
    });
  });
});

describe('dead-letter redrive', () => {
  it('lets the API start and follow SQS message move tasks on both dead-letter queues, sending only to their source queues', () => {
    const statements = policyStatementsOf('api');
    const move = statements.find((statement) => ([] as string[]).concat(statement.Action).includes('sqs:StartMessageMoveTask'))!;
    expect([...new Set(([] as string[]).concat(move.Action))].sort()).toEqual(
      ['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ListMessageMoveTasks', 'sqs:ReceiveMessage', 'sqs:StartMessageMoveTask'].sort(),
    );
    expect(move.Resource).toEqual([
      { 'Fn::GetAtt': [expect.stringMatching(/^InboundQueuesDeadLetterQueue/), 'Arn'] },
      { 'Fn::GetAtt': [expect.stringMatching(/^OutboundQueuesDeadLetterQueue/), 'Arn'] },
    ]);
    const send = statements.filter((statement) => statement.Action === 'sqs:SendMessage').flatMap((statement) => ([] as unknown[]).concat(statement.Resource));
    expect(send).toEqual(
      expect.arrayContaining([
        { 'Fn::GetAtt': [expect.stringMatching(/^InboundQueuesQueue/), 'Arn'] },
        { 'Fn::GetAtt': [expect.stringMatching(/^OutboundQueuesQueue/), 'Arn'] },
      ]),
    );
    const api = template.findResources('AWS::Lambda::Function')[functionLogicalId('api')]!;
    expect(Object.keys(api.Properties.Environment.Variables)).toEqual(
      expect.arrayContaining(['INBOUND_DLQ_URL', 'INBOUND_DLQ_ARN', 'INBOUND_QUEUE_ARN', 'OUTBOUND_DLQ_URL', 'OUTBOUND_DLQ_ARN', 'OUTBOUND_QUEUE_ARN']),
    );
  });
});

describe('status stream', () => {
  it('is served by a response-streaming function URL that requires IAM', () => {
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'AWS_IAM',
      InvokeMode: 'RESPONSE_STREAM',
      TargetFunctionArn: { 'Fn::GetAtt': [functionLogicalId('stream'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 900,
      Environment: { Variables: Match.objectLike({ WEBHOOKS_TABLE: Match.anyValue() }) },
    });
  });
});

describe('operations', () => {
  const alarmsByDescription = () => Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties as Record<string, any>);

  it('routes every alarm, and its return to OK, to the encrypted on-call topic', () => {
    const topics = template.findResources('AWS::SNS::Topic');
    expect(Object.keys(topics)).toHaveLength(1);
    const [topicId, topic] = Object.entries(topics)[0]!;
    expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    const alarms = alarmsByDescription();
    expect(alarms.length).toBeGreaterThanOrEqual(20);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.OKActions).toEqual([{ Ref: topicId }]);
    }
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('alarms on each DLQ depth, each queue age, API 5xx, errors and throttles of every function, failed executions and verification spikes', () => {
    const descriptions = alarmsByDescription().map((alarm) => String(alarm.AlarmDescription));
    for (const queue of ['inbound', 'outbound']) {
      expect(descriptions).toContainEqual(expect.stringMatching(new RegExp(`Messages in the ${queue} dead-letter queue`, 'i')));
      expect(descriptions).toContainEqual(expect.stringMatching(new RegExp(`oldest message in the ${queue} queue`, 'i')));
    }
    for (const fn of ['Ingress', 'Processor', 'Api', 'Stream', 'Dispatcher', 'Deliver']) {
      expect(descriptions).toContainEqual(expect.stringContaining(`The ${fn} function failed`));
      expect(descriptions).toContainEqual(expect.stringContaining(`The ${fn} function was throttled`));
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: '5xx', Namespace: 'AWS/ApiGateway', Threshold: 5 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ExecutionsFailed', Namespace: 'AWS/States', Threshold: 0 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'verificationFailures', Namespace: 'webhooks', Threshold: 25, Period: 300 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('alarms when the outbound success rate over 15 minutes drops below 95%, as metric math', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 95,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF((s + f) > 0, 100 * s / (s + f), 100)' }),
        Match.objectLike({
          Id: 's',
          MetricStat: Match.objectLike({
            Period: 900,
            Metric: Match.objectLike({ MetricName: 'deliveryAttempts', Dimensions: Match.arrayWith([{ Name: 'outcome', Value: 'succeeded' }]) }),
          }),
        }),
        Match.objectLike({
          Id: 'f',
          MetricStat: Match.objectLike({
            Period: 900,
            Metric: Match.objectLike({ MetricName: 'deliveryAttempts', Dimensions: Match.arrayWith([{ Name: 'outcome', Value: 'failed' }]) }),
          }),
        }),
      ]),
    });
  });

  it('has a dashboard of the flows', () => {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard!.Properties.DashboardBody);
    for (const title of ['Inbound', 'Outbound attempts', 'Delivery success rate', 'Dead-letter queues', 'Function errors']) expect(body).toContain(title);
  });
});

describe('secrets', () => {
  const sources = (JSON.parse(readFileSync('webhooks.config.json', 'utf8')) as { sources: Array<{ name: string }> }).sources.map((source) => source.name);

  /** The sources' secrets (the portal signing key is the one other). */
  const secrets = () => Object.fromEntries(Object.entries(template.findResources('AWS::SecretsManager::Secret')).filter(([id]) => !id.startsWith('PortalKey')));

  it('creates one Secrets Manager secret per configured source, with a generated name, and tells the ingress and the operator which is whose', () => {
    expect(Object.keys(template.findResources('AWS::SecretsManager::Secret'))).toHaveLength(sources.length + 1);
    for (const secret of Object.values(template.findResources('AWS::SecretsManager::Secret'))) expect(secret.Properties.Name).toBeUndefined();
    const ingress = template.findResources('AWS::Lambda::Function')[functionLogicalId('ingress')]!;
    const ids = stack.resolve(ingress.Properties.Environment.Variables.SOURCE_SECRET_IDS) as unknown;
    // A JSON map source → the last segment of the secret's ARN (a Ref to the secret resource).
    const rendered = JSON.stringify(ids);
    for (const source of sources) expect(rendered).toContain(`\\"${source}\\":\\"`);
    for (const id of Object.keys(secrets())) expect(rendered).toContain(id);
    expect(ingress.Properties.Environment.Variables.SECRET_ARN_PREFIX).toBeDefined();
    expect(template.findOutputs('SourceSecrets')).toHaveProperty('SourceSecrets');
  });

  it("keeps the ingress environment within Lambda's 4 KB, every deploy-time value at its longest", () => {
    // Lambda: "Total size of environment variables: 4 KB" (names and values). Deploy-time values
    // are bounded by what CloudFormation generates: a secret's name is its logical id, "-" and 12
    // characters, and its ARN adds "-" and 6; any other token (a queue URL, a table or bucket
    // name, the ARN prefix) is counted at 160 characters, longer than any of them here.
    const ingress = template.findResources('AWS::Lambda::Function')[functionLogicalId('ingress')]!;
    const variables = ingress.Properties.Environment.Variables as Record<string, unknown>;
    let bytes = 0;
    for (const [name, value] of Object.entries(variables)) {
      bytes += name.length;
      if (typeof value === 'string') bytes += Buffer.byteLength(value);
      else if (name === 'SOURCE_SECRET_IDS') {
        bytes += Buffer.byteLength(JSON.stringify(Object.fromEntries(sources.map((source) => [source, '']))));
        for (const id of Object.keys(secrets())) bytes += id.length + 13 + 7;
      } else bytes += 160;
    }
    expect(bytes).toBeLessThan(4096);
  });

  it('lets the api function, and no other, read the portal signing key, and nothing else of Secrets Manager', () => {
    const [keyId] = Object.entries(template.findResources('AWS::SecretsManager::Secret')).find(([id]) => id.startsWith('PortalKey'))!;
    const readsOf = (name: FunctionName) =>
      policyStatementsOf(name).filter((statement) => ([] as string[]).concat(statement.Action).some((action) => action.startsWith('secretsmanager:')));
    expect(readsOf('api')).toEqual([{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: keyId } }]);
    for (const name of Object.keys(FUNCTION_PREFIX) as FunctionName[]) {
      if (name === 'api') continue;
      expect(JSON.stringify(readsOf(name)), name).not.toContain(keyId);
    }
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ PORTAL_KEY_SECRET: { Ref: keyId }, OUTBOUND_DLQ_URL: Match.anyValue() }) },
    });
  });
});

describe('HTTP API', () => {
  it('routes POST /webhooks/{source} and the portal without IAM (signatures and portal tokens authenticate), and /api/v1 and the console with IAM', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /webhooks/{source}', AuthorizationType: 'NONE' });
    // The shipped config has sources that answer a GET challenge (X, Dropbox).
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /webhooks/{source}', AuthorizationType: 'NONE' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'ANY /api/v1/{proxy+}', AuthorizationType: 'AWS_IAM' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /console', AuthorizationType: 'AWS_IAM' });
    // The tenant portal: no IAM (tenants cannot sign AWS requests); its token is checked in the api function.
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /portal', AuthorizationType: 'NONE' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'ANY /portal/api/{proxy+}', AuthorizationType: 'NONE' });
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 6);
  });

  it('throttles the default stage and writes access logs', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingBurstLimit: 2000, ThrottlingRateLimit: 1000 },
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });
});
