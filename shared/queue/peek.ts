/**
 * A look into a queue without taking anything from it: its depth, and a sample of its messages
 * received with a visibility timeout of 0, so they stay visible (to a redrive, say) the whole
 * time. SQS has no peek; a receive is the only way to read a message, and it counts as one of
 * the message's receives. The oldest age is that of the oldest message in the sample, measured
 * from `SentTimestamp`, which SQS keeps unchanged when it moves a message of a standard queue
 * to its dead-letter queue: the age since the message was first queued.
 */
import { GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface PeekedMessage {
  readonly messageId: string;
  readonly sentAt?: string;
  readonly receiveCount?: number;
  /** The body as JSON when it parses, else as text (cut at 2,000 characters). */
  readonly body: unknown;
}

export interface QueuePeek {
  /** Messages waiting (`ApproximateNumberOfMessages`). */
  readonly visible: number;
  /** Messages received and not yet deleted (`ApproximateNumberOfMessagesNotVisible`). */
  readonly inFlight: number;
  readonly depth: number;
  /** Seconds since the oldest sampled message was first queued; absent for an empty sample. */
  readonly oldestAgeSeconds?: number;
  readonly sample: PeekedMessage[];
}

const BODY_CHARS = 2000;

function parseBody(text: string | undefined): unknown {
  if (text === undefined) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text.length > BODY_CHARS ? `${text.slice(0, BODY_CHARS)}…` : text;
  }
}

export async function peekQueue(sqs: SQSClient, queueUrl: string, options: { sample?: number; now?: Date } = {}): Promise<QueuePeek> {
  const wanted = options.sample ?? 10;
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  const visible = Number(Attributes.ApproximateNumberOfMessages ?? 0);
  const inFlight = Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
  const seen = new Map<string, PeekedMessage & { sentMs?: number }>();
  // Short polling samples a subset of the queue's servers: a couple of receives see more of it.
  for (let round = 0; round < 3 && seen.size < wanted && visible + inFlight > 0; round++) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, wanted),
        VisibilityTimeout: 0,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'],
      }),
    );
    if (Messages.length === 0) break;
    const before = seen.size;
    for (const message of Messages) {
      if (!message.MessageId || seen.has(message.MessageId) || seen.size >= wanted) continue;
      const sentMs = Number(message.Attributes?.SentTimestamp);
      const receiveCount = Number(message.Attributes?.ApproximateReceiveCount);
      seen.set(message.MessageId, {
        messageId: message.MessageId,
        ...(Number.isFinite(sentMs) && sentMs > 0 ? { sentAt: new Date(sentMs).toISOString(), sentMs } : {}),
        ...(Number.isFinite(receiveCount) && receiveCount > 0 ? { receiveCount } : {}),
        body: parseBody(message.Body),
      });
    }
    // Each receive counts against the messages: stop once the sample is all there is, or no
    // new message came back.
    if (seen.size === before || seen.size >= visible + inFlight) break;
  }
  const sample = [...seen.values()].sort((a, b) => (a.sentMs ?? Infinity) - (b.sentMs ?? Infinity));
  const oldest = sample.find((message) => message.sentMs !== undefined)?.sentMs;
  const now = (options.now ?? new Date()).getTime();
  return {
    visible,
    inFlight,
    depth: visible + inFlight,
    ...(oldest !== undefined ? { oldestAgeSeconds: Math.max(0, Math.round((now - oldest) / 1000)) } : {}),
    sample: sample.map(({ sentMs: _sentMs, ...message }) => message),
  };
}
