/**
 * The destinations' AWS adapter with the real SDK clients: SQS (standard and FIFO) and SNS
 * against fauxqs, EventBridge against the local PutEvents stand-in (no EventBridge emulator
 * exists), and a destination behind a role reached with the credentials STS returned for it.
 * STS has no emulator either: a stand-in answers AssumeRole (AWS Query protocol, the documented
 * XML response) and counts the calls, so the credential cache can be seen to work.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SNSClient, CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulators';
import { EventBusStandIn } from '../../local/event-bus-standin';
import { AwsDestinationSender } from '../../shared/inbound/destinations/aws-sender';
import { resolveDestination, type DestinationInput } from '../../shared/inbound/destinations/config';
import type { DestinationEvent } from '../../shared/inbound/destinations/envelope';
import { DestinationSendError } from '../../shared/inbound/destinations/sender';

const RUN = Math.random().toString(36).slice(2, 8);
const ACCOUNT = '000000000000';
const EVENT: DestinationEvent = {
  version: '1',
  source: 'shop',
  eventId: 'evt_1',
  eventType: 'order.paid',
  receivedAt: '2026-03-01T10:00:00.000Z',
  bodyBytes: 12,
  contentType: 'application/json',
  payload: { id: 'o_1' },
};

/** An STS stand-in: AssumeRole only, each answer's credentials numbered, expiring `expiresInMs` after issue. */
class StsStandIn {
  calls: string[] = [];
  expiresInMs = 3_600_000;
  private server: Server | undefined;
  async listen(): Promise<string> {
    this.server = createServer(async (request, response) => {
      let body = '';
      for await (const chunk of request) body += chunk;
      const params = new URLSearchParams(body);
      this.calls.push(params.get('RoleArn') ?? '');
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(
        `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>` +
          `<AccessKeyId>ASIAROLE${this.calls.length}</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken>` +
          `<Expiration>${new Date(Date.now() + this.expiresInMs).toISOString()}</Expiration></Credentials>` +
          `<AssumedRoleUser><Arn>${params.get('RoleArn')}/s</Arn><AssumedRoleUserId>AROA:s</AssumedRoleUserId></AssumedRoleUser>` +
          `</AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>`,
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

describe('the destinations AWS adapter', () => {
  const sqsEndpoint = inject('sqsEndpoint');
  const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: sqsEndpoint };
  const sqs = new SQSClient(common);
  const sns = new SNSClient(common);
  const bus = new EventBusStandIn();
  const sts = new StsStandIn();
  const urls = new Map<string, string>();
  let sender: AwsDestinationSender;
  let endpoints: { sqs: string; sns: string; events: string; sts: string };

  const destination = (input: DestinationInput) => resolveDestination(input);
  const receiveFrom = async (url: string) =>
    (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], AttributeNames: ['All'] }))).Messages ??
    [];

  beforeAll(async () => {
    for (const name of [`orders-${RUN}`, `orders-${RUN}.fifo`, `inbox-${RUN}`]) {
      const created = await sqs.send(new CreateQueueCommand({ QueueName: name, ...(name.endsWith('.fifo') ? { Attributes: { FifoQueue: 'true' } } : {}) }));
      urls.set(name, created.QueueUrl!);
    }
    endpoints = { sqs: sqsEndpoint, sns: sqsEndpoint, events: await bus.listen(), sts: await sts.listen() };
    sender = new AwsDestinationSender({
      endpoints,
      credentials: LOCAL_CREDENTIALS,
      queueUrl: (d) => urls.get(d.resourceName)!,
    });
  });

  afterAll(async () => {
    sender.destroy();
    sqs.destroy();
    sns.destroy();
    await Promise.all([bus.stop(), sts.stop()]);
  });

  it('sends to a standard queue, and to a FIFO queue with the event id as deduplication id and the source as group', async () => {
    await sender.send(destination({ type: 'sqs', queueArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:orders-${RUN}` }), EVENT);
    const [standard] = await receiveFrom(urls.get(`orders-${RUN}`)!);
    expect(JSON.parse(standard!.Body!)).toEqual(EVENT);
    expect(standard!.MessageAttributes?.eventType?.StringValue).toBe('order.paid');

    const fifo = destination({ type: 'sqs', queueArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:orders-${RUN}.fifo` });
    await sender.send(fifo, EVENT);
    await sender.send(fifo, EVENT); // a retry within the deduplication interval
    const messages = await receiveFrom(urls.get(`orders-${RUN}.fifo`)!);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.Attributes).toMatchObject({ MessageDeduplicationId: 'evt_1', MessageGroupId: 'shop' });
  });

  it('publishes to a topic, which fans out to its subscriptions', async () => {
    const topic = await sns.send(new CreateTopicCommand({ Name: `orders-${RUN}` }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: urls.get(`inbox-${RUN}`)!, AttributeNames: ['QueueArn'] }));
    await sns.send(
      new SubscribeCommand({ TopicArn: topic.TopicArn!, Protocol: 'sqs', Endpoint: Attributes!.QueueArn!, Attributes: { RawMessageDelivery: 'true' } }),
    );
    await sender.send(destination({ type: 'sns', topicArn: topic.TopicArn! }), EVENT);
    const [message] = await receiveFrom(urls.get(`inbox-${RUN}`)!);
    expect(JSON.parse(message!.Body!)).toEqual(EVENT);
  });

  it('puts an event on a bus: source webhooks.<source>, detail-type the event type, detail the document', async () => {
    await sender.send(destination({ type: 'eventBridge', eventBusArn: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/orders-${RUN}` }), EVENT);
    expect(bus.eventsOn(`orders-${RUN}`)).toMatchObject([
      { source: 'webhooks.shop', detailType: 'order.paid', time: EVENT.receivedAt, detail: EVENT, accessKeyId: LOCAL_CREDENTIALS.accessKeyId },
    ]);
  });

  it('fails the send when the queue does not exist, and when PutEvents fails the entry', async () => {
    await expect(sender.send(destination({ type: 'sqs', queueArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:missing-${RUN}` }), EVENT)).rejects.toThrow();
    const refusingBus = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/refusing-${RUN}`;
    const refusing = destination({ type: 'eventBridge', eventBusArn: refusingBus });
    bus.refuse(refusingBus, 'ThrottlingException');
    await expect(sender.send(refusing, EVENT)).rejects.toThrow(
      new DestinationSendError(`PutEvents failed the entry: ThrottlingException the stand-in refuses entries for refusing-${RUN}`),
    );
    bus.accept(refusingBus);
    await sender.send(refusing, EVENT);
    expect(bus.eventsOn(refusingBus)).toHaveLength(1);
  });

  it('reaches destinations behind a role with the credentials STS returned: one AssumeRole for every service while they are fresh', async () => {
    const role = 'arn:aws:iam::210987654321:role/webhooks-delivery';
    const roleBus = `arn:aws:events:us-east-1:210987654321:event-bus/role-${RUN}`;
    const onBus = destination({ type: 'eventBridge', eventBusArn: roleBus, roleArn: role });
    const onQueue = destination({ type: 'sqs', queueArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:orders-${RUN}`, roleArn: role });
    await sender.send(onBus, EVENT);
    await sender.send(onQueue, EVENT);
    await sender.send(onBus, EVENT);
    expect(sts.calls).toEqual([role]);
    expect(bus.eventsOn(roleBus).map((event) => event.accessKeyId)).toEqual(['ASIAROLE1', 'ASIAROLE1']);
    await receiveFrom(urls.get(`orders-${RUN}`)!);
  });

  it('assumes the role again once its credentials are within five minutes of expiring', async () => {
    const role = 'arn:aws:iam::210987654321:role/short-lived';
    const soon = new AwsDestinationSender({ endpoints, credentials: LOCAL_CREDENTIALS });
    const soonBus = `arn:aws:events:us-east-1:210987654321:event-bus/soon-${RUN}`;
    const onBus = destination({ type: 'eventBridge', eventBusArn: soonBus, roleArn: role });
    sts.expiresInMs = 60_000;
    const before = sts.calls.length;
    await soon.send(onBus, EVENT);
    const first = sts.calls.length;
    await soon.send(onBus, EVENT);
    soon.destroy();
    expect(first).toBeGreaterThan(before);
    expect(sts.calls.length).toBeGreaterThan(first);
    const [a, b] = bus.eventsOn(soonBus).map((event) => event.accessKeyId);
    expect(a).toMatch(/^ASIAROLE\d+$/);
    expect(b).not.toBe(a);
  });
});
