/**
 * The sources' destinations on this machine. SQS queues and SNS topics are created in fauxqs
 * (each topic with an inbox queue subscribed, raw delivery, so what it published can be seen);
 * EventBridge buses are served by the PutEvents stand-in (local/event-bus-standin.ts); a Lambda
 * destination with `localModule` runs that module's `handler` in this process, asynchronously
 * like an `Event` invoke. The processor sends through the same AWS adapter as in AWS, its
 * clients pointed here. `GET /local/destinations` shows what each destination received.
 *
 * A `roleArn` is not assumed locally (there is no STS here): the destination is reached directly.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CreateTopicCommand, SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { GatewayConfig } from '../shared/config/schema';
import { AwsDestinationSender } from '../shared/inbound/destinations/aws-sender';
import { resolveDestination, type Destination } from '../shared/inbound/destinations/config';
import type { DestinationEvent } from '../shared/inbound/destinations/envelope';
import { DestinationSendError, type DestinationSender } from '../shared/inbound/destinations/sender';
import { LOCAL_CREDENTIALS } from './emulators';
import type { EventBusStandIn } from './event-bus-standin';
import type { FauxqsServer } from 'fauxqs';

/** What a local module destination was invoked with, and how its run ended. */
export interface LocalInvocation {
  readonly event: DestinationEvent;
  readonly at: string;
  outcome: 'running' | 'succeeded' | 'failed';
  error?: string;
}

export interface LocalDestinations {
  readonly sender: DestinationSender;
  /** Per source, per destination: what it received. */
  view(): Promise<Record<string, Record<string, { type: Destination['type']; arn: string; received: unknown[] }>>>;
  stop(): Promise<void>;
}

const inboxName = (topic: string) => `${topic.replace(/\.fifo$/, '')}-inbox${topic.endsWith('.fifo') ? '.fifo' : ''}`;

/** Creates the destinations' queues and topics in fauxqs and the sender that reaches them. */
export async function localDestinations(input: {
  readonly config: GatewayConfig;
  readonly configPath: string;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly sqsEndpoint: string;
  readonly fauxqs: FauxqsServer;
  readonly eventBus: EventBusStandIn;
  readonly eventBusEndpoint: string;
  readonly log: (line: string) => void;
}): Promise<LocalDestinations> {
  const bySource = input.config.sources.map((source) => ({ source: source.name, destinations: (source.destinations ?? []).map(resolveDestination) }));
  const queueUrls = new Map<string, string>();
  const invocations = new Map<string, LocalInvocation[]>();
  for (const { destinations } of bySource) {
    for (const destination of destinations) {
      if (destination.roleArn) input.log(`destination ${destination.name}: roleArn is not assumed locally (no STS); reached directly`);
      if (destination.type === 'sqs') queueUrls.set(destination.arn, await createQueue(input.sqs, destination.resourceName));
      if (destination.type === 'sns') {
        const fifo = destination.resourceName.endsWith('.fifo');
        const topic = await input.sns.send(
          new CreateTopicCommand({
            Name: destination.resourceName,
            ...(fifo ? { Attributes: { FifoTopic: 'true', ContentBasedDeduplication: 'false' } } : {}),
          }),
        );
        const inbox = await createQueue(input.sqs, inboxName(destination.resourceName));
        const { Attributes } = await input.sqs.send(new GetQueueAttributesCommand({ QueueUrl: inbox, AttributeNames: ['QueueArn'] }));
        await input.sns.send(
          new SubscribeCommand({ TopicArn: topic.TopicArn!, Protocol: 'sqs', Endpoint: Attributes!.QueueArn!, Attributes: { RawMessageDelivery: 'true' } }),
        );
      }
      if (destination.type === 'lambda' && !destination.localModule)
        input.log(`destination ${destination.name}: a Lambda function without localModule cannot be reached locally; its sends will fail`);
    }
  }

  const aws = new AwsDestinationSender({
    endpoints: { sqs: input.sqsEndpoint, sns: input.sqsEndpoint, events: input.eventBusEndpoint },
    credentials: LOCAL_CREDENTIALS,
    queueUrl: (destination) => queueUrls.get(destination.arn) ?? createQueue(input.sqs, destination.resourceName),
  });
  const configDir = path.dirname(path.resolve(input.configPath));
  const sender: DestinationSender = {
    async send(destination, event) {
      const local = destination.roleArn ? (({ roleArn: _role, ...rest }) => rest as Destination)(destination) : destination;
      if (local.type !== 'lambda') return aws.send(local, event);
      if (!local.localModule) throw new DestinationSendError(`no local module for Lambda function ${local.functionArn} (set localModule to run one here)`);
      const module = (await import(pathToFileURL(path.resolve(configDir, local.localModule)).href)) as { handler?: unknown; default?: { handler?: unknown } };
      const handler = typeof module.handler === 'function' ? module.handler : module.default?.handler;
      if (typeof handler !== 'function') throw new DestinationSendError(`${local.localModule} exports no handler function`);
      // Accepted, like an Event invoke answered 202: the handler runs on, its failure is its own.
      const invocation: LocalInvocation = { event, at: new Date().toISOString(), outcome: 'running' };
      invocations.set(local.name, [...(invocations.get(local.name) ?? []), invocation]);
      void Promise.resolve()
        .then(() =>
          (handler as (event: unknown, context: unknown) => unknown)(event, { functionName: local.resourceName, invokedFunctionArn: local.functionArn }),
        )
        .then(
          () => (invocation.outcome = 'succeeded'),
          (error: unknown) => {
            invocation.outcome = 'failed';
            invocation.error = (error as Error).message;
            input.log(`local module destination ${local.name} failed: ${invocation.error}`);
          },
        );
    },
  };

  const inspect = (queue: string) => {
    const state = input.fauxqs.inspectQueue(queue);
    if (!state) return [];
    const messages = [...state.messages.ready, ...state.messages.delayed, ...state.messages.inflight.map((entry) => entry.message)];
    return messages.map((message) => parse(message.body));
  };

  return {
    sender,
    async view() {
      const view: Record<string, Record<string, { type: Destination['type']; arn: string; received: unknown[] }>> = {};
      for (const { source, destinations } of bySource) {
        if (!destinations.length) continue;
        view[source] = {};
        for (const destination of destinations) {
          const received =
            destination.type === 'eventBridge'
              ? input.eventBus.eventsOn(destination.eventBusArn)
              : destination.type === 'sqs'
                ? inspect(destination.resourceName)
                : destination.type === 'sns'
                  ? inspect(inboxName(destination.resourceName))
                  : (invocations.get(destination.name) ?? []);
          view[source][destination.name] = { type: destination.type, arn: destination.arn, received };
        }
      }
      return view;
    },
    async stop() {
      aws.destroy();
    },
  };
}

async function createQueue(sqs: SQSClient, name: string): Promise<string> {
  const fifo = name.endsWith('.fifo');
  const created = await sqs.send(new CreateQueueCommand({ QueueName: name, ...(fifo ? { Attributes: { FifoQueue: 'true' } } : {}) }));
  return created.QueueUrl!;
}

function parse(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}
