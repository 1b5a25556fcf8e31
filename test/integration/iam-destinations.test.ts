/**
 * IAM across the boundary for the processor's destinations: a config whose source has one
 * destination of each kind (an SQS queue and an SNS topic in fauxqs, an EventBridge bus at the
 * local PutEvents stand-in, a Lambda function at a loopback stand-in of Lambda's Invoke API) and
 * one reached through a role in another account (STS AssumeRole at a stand-in); the real
 * processor handler, its dependencies from the composition root and its destinations sent by the
 * real AWS adapter, each of its clients recording what it sends (test/support/iam-boundary.ts).
 * Every command is held against the processor role's policy in the stack synthesized from the
 * same config; every destination grant must be used. What is sent with the assumed role's
 * credentials is authorized by that role's own policy in its account, not the processor's.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, type Message } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { handleIngress } from '../../functions/ingress/handler';
import { buildApp } from '../../infra/app';
import { localClients, localSfnClient } from '../../local/clients';
import { LOCAL_CREDENTIALS } from '../../local/emulators';
import { EventBusStandIn } from '../../local/event-bus-standin';
import { localFunctions } from '../../local/functions';
import { installLambdaStreaming } from '../../local/lambda-streaming';
import { lambdaContext } from '../../local/lambda-context';
import { localEnvironment } from '../../local/plan';
import { sampleWebhook } from '../../local/samples';
import { loadConfigFile } from '../../shared/config/load';
import { FUNCTION_NAMES, type FunctionName } from '../../shared/deployment/environment';
import { AwsDestinationSender } from '../../shared/inbound/destinations/aws-sender';
import { createHarness, httpEvent, type Harness } from '../support/harness';
import {
  ACCOUNT,
  CallRecorder,
  deniedCalls,
  functionRoles,
  localReferences,
  REGION,
  resolvedStatements,
  templateNameOf,
  unexercisedGrants,
} from '../support/iam-boundary';

const RUN = Math.random().toString(36).slice(2, 8);
const QUEUE = `arn:aws:sqs:${REGION}:${ACCOUNT}:iam-dest-${RUN}`;
const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:iam-dest-${RUN}`;
const BUS = `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/iam-dest-${RUN}`;
const FUNCTION = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:iam-dest-${RUN}:live`;
const ROLE = `arn:aws:iam::210987654321:role/iam-dest-${RUN}`;
const OTHER_ACCOUNT_BUS = `arn:aws:events:${REGION}:210987654321:event-bus/iam-billing-${RUN}`;

/** A loopback server answering one documented API with a fixed reply, counting the requests. */
class StandIn {
  readonly requests: string[] = [];
  private server: Server | undefined;
  constructor(private readonly reply: (url: string, body: string) => { status: number; type: string; body: string }) {}
  async listen(): Promise<string> {
    this.server = createServer(async (request, response) => {
      let body = '';
      for await (const chunk of request) body += chunk;
      this.requests.push(request.url ?? '');
      const { status, type, body: answer } = this.reply(request.url ?? '', body);
      response.writeHead(status, { 'content-type': type });
      response.end(answer);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** Lambda's Invoke (REST): an `Event` invocation is accepted with 202 and no body. */
const lambda = new StandIn(() => ({ status: 202, type: 'application/json', body: '' }));
/** STS AssumeRole (AWS Query protocol): the documented XML answer. */
const sts = new StandIn((_url, body) => {
  const roleArn = new URLSearchParams(body).get('RoleArn') ?? '';
  return {
    status: 200,
    type: 'text/xml',
    body:
      `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>` +
      `<AccessKeyId>ASIAROLE</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken>` +
      `<Expiration>${new Date(Date.now() + 3_600_000).toISOString()}</Expiration></Credentials>` +
      `<AssumedRoleUser><Arn>${roleArn}/s</Arn><AssumedRoleUserId>AROA:s</AssumedRoleUserId></AssumedRoleUser>` +
      `</AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>`,
  };
});
const bus = new EventBusStandIn();
const recorder = new CallRecorder();
let template: Template;
let h: Harness;
let response: SQSBatchResponse;
let queueUrl: string;
let sender: AwsDestinationSender;

function sqsEvent(messages: Message[], queueArn: string): SQSEvent {
  return {
    Records: messages.map((message) => ({
      messageId: message.MessageId!,
      receiptHandle: message.ReceiptHandle!,
      body: message.Body ?? '',
      attributes: {
        ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
        SentTimestamp: message.Attributes?.SentTimestamp ?? String(Date.now()),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: message.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: REGION,
    })),
  };
}

beforeAll(async () => {
  const document = JSON.parse(readFileSync('webhooks.config.json', 'utf8')) as { sources: Array<Record<string, unknown>> };
  const github = document.sources.find((source) => source.name === 'github')!;
  github.destinations = [
    { type: 'sqs', queueArn: QUEUE },
    { type: 'sns', topicArn: TOPIC },
    { type: 'eventBridge', eventBusArn: BUS },
    { type: 'lambda', functionArn: FUNCTION },
    { type: 'eventBridge', eventBusArn: OTHER_ACCOUNT_BUS, roleArn: ROLE, name: 'billing' },
  ];
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'gw-iam-destinations-')), 'config.json');
  writeFileSync(file, JSON.stringify(document));
  template = Template.fromStack(buildApp(file, new App({ context: { 'aws:cdk:bundling-stacks': [] } })).stack);
  const config = loadConfigFile(file);

  h = await createHarness({ config });
  const sqsEndpoint = inject('sqsEndpoint');
  queueUrl = (await h.clients.sqs.send(new CreateQueueCommand({ QueueName: QUEUE.split(':')[5]! }))).QueueUrl!;
  const sns = new SNSClient({ region: REGION, credentials: LOCAL_CREDENTIALS, endpoint: sqsEndpoint });
  await sns.send(new CreateTopicCommand({ Name: TOPIC.split(':')[5]! }));
  sns.destroy();
  sender = new AwsDestinationSender({
    endpoints: { sqs: sqsEndpoint, sns: sqsEndpoint, events: await bus.listen(), lambda: await lambda.listen(), sts: await sts.listen() },
    credentials: LOCAL_CREDENTIALS,
    queueUrl: (destination) => (destination.arn === QUEUE ? queueUrl : `${sqsEndpoint}/${ACCOUNT}/${destination.resourceName}`),
    // What is sent with a destination role's credentials is that role's, not the processor's.
    onClient: (client, { roleArn }) => recorder.record(roleArn ? `processor as ${roleArn}` : 'processor', client),
  });

  // The real processor handler, its own clients recording; dependencies from the composition root as the local runtime builds them.
  const own = localClients({ dynamodb: inject('dynamoEndpoint'), sqs: sqsEndpoint });
  for (const client of [own.dynamodb, own.sqs, own.s3]) recorder.record('processor', client);
  installLambdaStreaming();
  // Only the processor runs here: the others' environments are never read.
  const environments = Object.fromEntries(FUNCTION_NAMES.map((fn) => [fn, fn === 'processor' ? localEnvironment(fn, h.names) : {}])) as Record<
    FunctionName,
    Record<string, string>
  >;
  const sfn = localSfnClient('http://127.0.0.1:9');
  const processor = (await localFunctions({ config, clients: { ...own, sfn }, environments, destinationSender: sender })).processor as unknown as (
    event: SQSEvent,
    context: Context,
  ) => Promise<SQSBatchResponse>;

  // One event accepted by the ingress (not under test here), then processed.
  const sample = await sampleWebhook(config.sources.find((source) => source.name === 'github')!, h.secrets.github!, {
    url: 'https://hooks.example.test/webhooks/github',
  });
  const accepted = await handleIngress(
    httpEvent({ path: '/webhooks/github', pathParameters: { source: 'github' }, headers: sample.headers, body: sample.body, domainName: 'hooks.example.test' }),
    h.receiveDeps(),
  );
  expect(accepted.statusCode).toBe(200);
  const messages = await h.receive(h.resources.inbound.queueUrl, 10, 60);
  expect(messages).toHaveLength(1);
  response = await processor(sqsEvent(messages, h.resources.inbound.queueArn), lambdaContext('processor', config.inbound.processorTimeoutSeconds));
  sfn.destroy();
}, 60_000);

afterAll(async () => {
  sender?.destroy();
  await Promise.all([bus.stop(), lambda.stop(), sts.stop()]);
});

describe('IAM across the boundary: the processor and its destinations', () => {
  it('processes the event and sends it to every destination', () => {
    expect(response.batchItemFailures).toEqual([]);
    expect(bus.eventsOn(BUS)).toHaveLength(1);
    expect(bus.eventsOn(OTHER_ACCOUNT_BUS)).toHaveLength(1);
    expect(lambda.requests).toEqual([`/2015-03-31/functions/${encodeURIComponent(FUNCTION)}/invocations`]);
    expect(sts.requests).toHaveLength(1);
  });

  it('sends, with its own credentials, only calls the processor role allows', () => {
    const roles = functionRoles(template, ['processor']);
    const refs = localReferences(template, roles, { processor: localEnvironment('processor', h.names) });
    const statements = resolvedStatements(roles.processor!, refs);
    const own = recorder.calls.filter((call) => call.fn === 'processor');
    expect(own.flatMap((call) => call.requests.map((request) => request.action))).toEqual(
      expect.arrayContaining(['sqs:SendMessage', 'sns:Publish', 'events:PutEvents', 'lambda:InvokeFunction', 'sts:AssumeRole', 'dynamodb:UpdateItem']),
    );
    expect(deniedCalls(own, () => statements, templateNameOf(template, refs))).toEqual([]);
    // Every destination grant is used by the run: none granted that no destination needs.
    const destinationGrants = unexercisedGrants('processor', roles.processor!, refs, own).filter((grant) =>
      /(events:PutEvents|sns:Publish|lambda:InvokeFunction|sts:AssumeRole) on |sqs:SendMessage on arn:/.test(grant),
    );
    expect(destinationGrants).toEqual([]);
  });

  it('sends to the other account’s bus only with the assumed role’s credentials, never its own', () => {
    const asRole = recorder.calls.filter((call) => call.fn === `processor as ${ROLE}`);
    expect(asRole.flatMap((call) => call.requests)).toEqual([{ action: 'events:PutEvents', resource: OTHER_ACCOUNT_BUS }]);
    const own = recorder.calls.filter((call) => call.fn === 'processor').flatMap((call) => call.requests);
    expect(own.filter((request) => request.resource === OTHER_ACCOUNT_BUS)).toEqual([]);
  });
});
