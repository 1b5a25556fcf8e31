/**
 * The processor's grants for destinations, as synthesized: exactly `events:PutEvents` on the
 * bus, `sqs:SendMessage` on the queue, `sns:Publish` on the topic, `lambda:InvokeFunction` on the
 * function, and `sts:AssumeRole` (only) on the role of a destination in another account; the
 * stack still passes cdk-nag's AwsSolutions checks (the synth fails on an unacknowledged finding).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';

const BUS = 'arn:aws:events:eu-west-1:123456789012:event-bus/orders';
const QUEUE = 'arn:aws:sqs:eu-west-1:123456789012:orders.fifo';
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:orders';
const FUNCTION = 'arn:aws:lambda:eu-west-1:123456789012:function:on-order:live';
const ROLE = 'arn:aws:iam::210987654321:role/webhooks-delivery';
const OTHER_ACCOUNT_BUS = 'arn:aws:events:eu-west-1:210987654321:event-bus/billing';

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

let template: Template;
let app: App;

beforeAll(() => {
  const document = JSON.parse(readFileSync('webhooks.config.json', 'utf8')) as { sources: Array<Record<string, unknown>> };
  document.sources[0]!.destinations = [
    { type: 'eventBridge', eventBusArn: BUS },
    { type: 'sqs', queueArn: QUEUE },
    { type: 'sns', topicArn: TOPIC },
    { type: 'lambda', functionArn: FUNCTION },
  ];
  document.sources[1]!.destinations = [{ type: 'eventBridge', eventBusArn: OTHER_ACCOUNT_BUS, roleArn: ROLE }];
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'gw-destinations-')), 'config.json');
  writeFileSync(file, JSON.stringify(document));
  app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  template = Template.fromStack(buildApp(file, app).stack);
});

function statementsOfRole(prefix: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.entries(policies)
    .filter(([id]) => id.startsWith(prefix))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

const actions = (statement: Statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]);

describe('destination grants', () => {
  it('gives the processor exactly the one action on exactly each destination, and AssumeRole only on the role', () => {
    const processor = statementsOfRole('InboundProcessorRole');
    const about = (action: string) => processor.filter((statement) => actions(statement).includes(action));
    expect(about('events:PutEvents')).toEqual([{ Effect: 'Allow', Action: 'events:PutEvents', Resource: BUS }]);
    expect(about('sns:Publish')).toEqual([{ Effect: 'Allow', Action: 'sns:Publish', Resource: TOPIC }]);
    expect(about('lambda:InvokeFunction')).toEqual([{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: FUNCTION }]);
    expect(about('sts:AssumeRole')).toEqual([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ROLE }]);
    expect(about('sqs:SendMessage').map((statement) => statement.Resource)).toContainEqual(QUEUE);
    expect(about('sqs:SendMessage').find((statement) => statement.Resource === QUEUE)).toEqual({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: QUEUE });
    // The bus behind the role is reached with the role's credentials, never the processor's own.
    expect(JSON.stringify(processor)).not.toContain(OTHER_ACCOUNT_BUS);
  });

  it('grants no other function any destination action', () => {
    const others = ['InboundIngressRole', 'ApiRole', 'StreamRole', 'OutboundDispatcherRole', 'OutboundDeliverRole'].flatMap(statementsOfRole);
    const all = others.flatMap(actions);
    for (const action of ['events:PutEvents', 'sns:Publish', 'lambda:InvokeFunction', 'sts:AssumeRole']) expect(all).not.toContain(action);
    expect(JSON.stringify(others)).not.toContain(QUEUE);
  });

  it('passes the AwsSolutions checks (cdk-nag) with destinations', () => {
    expect(() => app.synth()).not.toThrow();
  });
});

describe('the WebhookGateway construct in an app of its own', () => {
  it("takes the config as a file path, grants and hands the processor the app's own resources as destinations, and exposes its parts", async () => {
    const { Stack } = await import('aws-cdk-lib');
    const { EventBus } = await import('aws-cdk-lib/aws-events');
    const { Queue } = await import('aws-cdk-lib/aws-sqs');
    const { Topic } = await import('aws-cdk-lib/aws-sns');
    const { Code, Function: LambdaFunction, Runtime } = await import('aws-cdk-lib/aws-lambda');
    const { WebhookGateway } = await import('../../infra/gateway');
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Consumer');
    const bus = new EventBus(stack, 'Payments');
    const queue = new Queue(stack, 'Orders');
    const topic = new Topic(stack, 'Fanout');
    const fn = new LambdaFunction(stack, 'OnPayment', { runtime: Runtime.NODEJS_24_X, handler: 'index.handler', code: Code.fromInline('export {}') });
    const gateway = new WebhookGateway(stack, 'Webhooks', {
      config: 'webhooks.config.json',
      destinations: { stripe: [{ bus }, { queue, name: 'orders' }, { topic }, { function: fn }] },
    });
    expect(gateway.inboundQueue.node.scope).toBeDefined();
    expect(gateway.table).toBe(gateway.storage.table);
    expect(gateway.processorRole).toBe(gateway.inbound.processor.role);
    expect(typeof gateway.webhooksUrl).toBe('string');

    const consumer = Template.fromStack(stack);
    const resolved = (value: unknown) => JSON.stringify(stack.resolve(value));
    const processorPolicies = Object.entries(consumer.findResources('AWS::IAM::Policy'))
      .filter(([id]) => id.startsWith('WebhooksInboundProcessorRole'))
      .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Statement[]);
    const on = (action: string) =>
      processorPolicies.filter((statement) => actions(statement).includes(action)).map((statement) => JSON.stringify(statement.Resource));
    expect(on('events:PutEvents')).toEqual([resolved(bus.eventBusArn)]);
    expect(on('sns:Publish')).toEqual([resolved(topic.topicArn)]);
    expect(on('lambda:InvokeFunction')).toEqual([resolved(fn.functionArn)]);
    expect(on('sqs:SendMessage')).toContain(resolved(queue.queueArn));

    // The processor learns them from its environment, the ARNs resolved at deploy.
    const processor = Object.entries(consumer.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith('WebhooksInboundProcessor'))![1];
    const variable = JSON.stringify(processor.Properties.Environment.Variables.SOURCE_DESTINATIONS);
    for (const arn of [bus.eventBusArn, queue.queueArn, topic.topicArn, fn.functionArn]) {
      const reference = (stack.resolve(arn) as Record<string, unknown>)['Fn::GetAtt'] ?? (stack.resolve(arn) as Record<string, unknown>).Ref;
      expect(variable).toContain(JSON.stringify(reference).slice(1, -1));
    }
    expect(() => new WebhookGateway(stack, 'Other', { config: 'webhooks.config.json', destinations: { nosuch: [{ queue }] } })).toThrow(
      /no source named "nosuch"/,
    );
  });
});
