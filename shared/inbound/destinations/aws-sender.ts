/**
 * The destinations' AWS adapter: PutEvents, SendMessage, Publish and an asynchronous Invoke
 * with the real SDK clients, one client per service, region and role, built on first use. The
 * SDK modules are imported when a destination of their kind is first sent to, so a gateway
 * without destinations loads none of them at cold start.
 *
 * A destination with `roleArn` is reached with that role's temporary credentials (STS
 * AssumeRole), cached until five minutes before they expire.
 */
import type { Destination } from './config';
import { queueUrlOf } from './config';
import { DESTINATION_EVENT_LIMIT_BYTES, deduplicationId, detailType, eventBridgeSource, type DestinationEvent } from './envelope';
import { DestinationSendError, type DestinationSender } from './sender';

/** Credentials as the SDK clients take them. */
export interface AwsCredentialIdentity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}
type AwsCredentialIdentityProvider = () => Promise<AwsCredentialIdentity>;

export type Service = 'events' | 'sqs' | 'sns' | 'lambda' | 'sts';

/** How clients are built: endpoints and credentials overridden by the local runtime and the tests. */
export interface AwsSenderOptions {
  /** A fixed endpoint per service (the emulators, the EventBridge stand-in). */
  readonly endpoints?: Partial<Record<Service, string>>;
  /** Fixed credentials (the emulators); the default chain otherwise. */
  readonly credentials?: AwsCredentialIdentity;
  /** The queue URL of an SQS destination (default: from its ARN). */
  readonly queueUrl?: (destination: Destination) => string | Promise<string>;
  /** The session name the processor assumes destination roles with. */
  readonly roleSessionName?: string;
  /** Seconds before expiry at which assumed credentials are refreshed. */
  readonly refreshBeforeSeconds?: number;
  /**
   * Called with each client when it is built (the tests add a middleware that records what is
   * sent); `roleArn` is the destination role whose credentials it sends with, if any.
   */
  readonly onClient?: (client: unknown, context: { readonly service: Service; readonly roleArn?: string }) => void;
}

interface Sendable {
  send(command: unknown): Promise<unknown>;
}

export class AwsDestinationSender implements DestinationSender {
  private readonly clients = new Map<string, Promise<Sendable>>();
  private readonly roles = new Map<string, AwsCredentialIdentityProvider>();

  constructor(private readonly options: AwsSenderOptions = {}) {}

  async send(destination: Destination, event: DestinationEvent): Promise<void> {
    const body = JSON.stringify(event);
    if (Buffer.byteLength(body) > DESTINATION_EVENT_LIMIT_BYTES)
      throw new DestinationSendError(`the event is ${Buffer.byteLength(body)} bytes, above the ${DESTINATION_EVENT_LIMIT_BYTES} a destination takes`);
    switch (destination.type) {
      case 'eventBridge': {
        const [{ PutEventsCommand }, client] = await Promise.all([import('@aws-sdk/client-eventbridge'), this.client('events', destination)]);
        const output = (await client.send(
          new PutEventsCommand({
            Entries: [
              {
                EventBusName: destination.eventBusArn,
                Source: eventBridgeSource(event.source),
                DetailType: detailType(event.eventType),
                Detail: body,
                Time: new Date(event.receivedAt),
              },
            ],
          }),
        )) as { FailedEntryCount?: number; Entries?: Array<{ ErrorCode?: string; ErrorMessage?: string }> };
        if (output.FailedEntryCount) {
          const entry = output.Entries?.[0];
          throw new DestinationSendError(`PutEvents failed the entry: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`.trim());
        }
        return;
      }
      case 'sqs': {
        const [{ SendMessageCommand }, client, queueUrl] = await Promise.all([
          import('@aws-sdk/client-sqs'),
          this.client('sqs', destination),
          this.options.queueUrl?.(destination) ?? queueUrlOf(destination),
        ]);
        const fifo = destination.resourceName.endsWith('.fifo');
        await client.send(
          new SendMessageCommand({
            QueueUrl: queueUrl,
            MessageBody: body,
            ...(fifo ? { MessageDeduplicationId: deduplicationId(event.eventId), MessageGroupId: event.source } : {}),
            MessageAttributes: attributes(event),
          }),
        );
        return;
      }
      case 'sns': {
        const [{ PublishCommand }, client] = await Promise.all([import('@aws-sdk/client-sns'), this.client('sns', destination)]);
        const fifo = destination.resourceName.endsWith('.fifo');
        await client.send(
          new PublishCommand({
            TopicArn: destination.topicArn,
            Message: body,
            ...(fifo ? { MessageDeduplicationId: deduplicationId(event.eventId), MessageGroupId: event.source } : {}),
            MessageAttributes: attributes(event),
          }),
        );
        return;
      }
      case 'lambda': {
        const [{ InvokeCommand }, client] = await Promise.all([import('@aws-sdk/client-lambda'), this.client('lambda', destination)]);
        const output = (await client.send(
          new InvokeCommand({ FunctionName: destination.functionArn, InvocationType: 'Event', Payload: Buffer.from(body) }),
        )) as { StatusCode?: number };
        if (output.StatusCode !== 202) throw new DestinationSendError(`Invoke answered ${output.StatusCode}, not 202 (accepted)`);
        return;
      }
    }
  }

  /** Closes every client built. */
  destroy(): void {
    for (const client of this.clients.values()) void client.then((built) => (built as { destroy?: () => void }).destroy?.());
    this.clients.clear();
  }

  private client(service: Exclude<Service, 'sts'>, destination: Destination): Promise<Sendable> {
    const key = `${service} ${destination.region} ${destination.roleArn ?? ''}`;
    let client = this.clients.get(key);
    if (!client) {
      client = this.build(
        service,
        destination.region,
        destination.roleArn ? this.assumed(destination.roleArn, destination.region) : this.options.credentials,
        destination.roleArn,
      );
      this.clients.set(key, client);
    }
    return client;
  }

  private async build(
    service: Service,
    region: string,
    credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined,
    roleArn?: string,
  ): Promise<Sendable> {
    const client = await this.construct(service, region, credentials);
    this.options.onClient?.(client, { service, ...(roleArn ? { roleArn } : {}) });
    return client;
  }

  private async construct(service: Service, region: string, credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined): Promise<Sendable> {
    const endpoint = this.options.endpoints?.[service];
    const config = { region, ...(endpoint ? { endpoint } : {}), ...(credentials ? { credentials } : {}) };
    switch (service) {
      case 'events':
        return new (await import('@aws-sdk/client-eventbridge')).EventBridgeClient(config) as Sendable;
      case 'sqs':
        return new (await import('@aws-sdk/client-sqs')).SQSClient(config) as Sendable;
      case 'sns':
        return new (await import('@aws-sdk/client-sns')).SNSClient(config) as Sendable;
      case 'lambda':
        return new (await import('@aws-sdk/client-lambda')).LambdaClient(config) as Sendable;
      case 'sts':
        return new (await import('@aws-sdk/client-sts')).STSClient(config) as Sendable;
    }
  }

  /** Credentials of `roleArn`, assumed with the processor's own and cached until shortly before they expire. */
  private assumed(roleArn: string, region: string): AwsCredentialIdentityProvider {
    let provider = this.roles.get(roleArn);
    if (provider) return provider;
    const refreshMs = (this.options.refreshBeforeSeconds ?? 300) * 1000;
    let cached: AwsCredentialIdentity | undefined;
    let pending: Promise<AwsCredentialIdentity> | undefined;
    const sts = this.build('sts', region, this.options.credentials);
    const assume = async (): Promise<AwsCredentialIdentity> => {
      const { AssumeRoleCommand } = await import('@aws-sdk/client-sts');
      const output = (await (
        await sts
      ).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: this.options.roleSessionName ?? 'webhooks-processor' }))) as {
        Credentials?: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date };
      };
      const credentials = output.Credentials;
      if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) throw new DestinationSendError(`AssumeRole of ${roleArn} returned no credentials`);
      return {
        accessKeyId: credentials.AccessKeyId,
        secretAccessKey: credentials.SecretAccessKey,
        ...(credentials.SessionToken ? { sessionToken: credentials.SessionToken } : {}),
        ...(credentials.Expiration ? { expiration: new Date(credentials.Expiration) } : {}),
      };
    };
    provider = async () => {
      if (cached && (!cached.expiration || cached.expiration.getTime() - refreshMs > Date.now())) return cached;
      pending ??= assume().finally(() => (pending = undefined));
      cached = await pending;
      return cached;
    };
    this.roles.set(roleArn, provider);
    return provider;
  }
}

/** The event's source, type and id as message attributes, for subscription filter policies. */
function attributes(event: DestinationEvent): Record<string, { DataType: 'String'; StringValue: string }> {
  return {
    source: { DataType: 'String', StringValue: event.source },
    eventType: { DataType: 'String', StringValue: event.eventType || 'unknown' },
    eventId: { DataType: 'String', StringValue: event.eventId },
  };
}
