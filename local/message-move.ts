/**
 * SQS's dead-letter redrive API for the local runtime. fauxqs does not implement
 * `StartMessageMoveTask`, `ListMessageMoveTasks` or `CancelMessageMoveTask` (its README lists
 * them as unsupported), so the local runtime answers them itself: a small proxy on loopback in
 * front of fauxqs serves those three actions (AWS JSON 1.0, as the SDK sends them) with its own
 * move, and forwards every other request to fauxqs unchanged. The functions' SQS clients point
 * at the proxy, so the code that redrives in AWS is the code that redrives locally.
 *
 * The move, like SQS's: messages of the dead-letter queue are received in batches, sent to the
 * destination (body and message attributes), and deleted from the dead-letter queue only once
 * sent; a batch that could not be sent becomes visible again and is retried. It ends when the
 * dead-letter queue has nothing left, counting what it moved. One task per source queue at a time.
 */
import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** A dead-letter queue the proxy may move from, and where its messages came from. */
export interface MovableQueue {
  readonly deadLetterQueueArn: string;
  readonly deadLetterQueueUrl: string;
  readonly queueArn: string;
  readonly queueUrl: string;
}

type Status = 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';

interface Task {
  readonly taskHandle: string;
  readonly sourceArn: string;
  readonly destinationArn: string;
  readonly destinationUrl: string;
  readonly sourceUrl: string;
  readonly maxPerSecond?: number;
  readonly startedTimestamp: number;
  status: Status;
  moved: number;
  toMove?: number;
  failureReason?: string;
  done?: Promise<void>;
}

export interface MessageMoveProxyOptions {
  /** fauxqs's endpoint, where everything else goes. */
  readonly upstream: string;
  /** A client talking to fauxqs directly, for the move itself. */
  readonly sqs: SQSClient;
  readonly queues: readonly MovableQueue[];
}

export class MessageMoveProxy {
  private readonly tasks: Task[] = [];
  private server?: Server;

  constructor(private readonly options: MessageMoveProxyOptions) {}

  /** Listens on loopback; resolves with the endpoint to give the SDK. */
  async listen(): Promise<string> {
    const server = createServer((request, response) => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const action = target.startsWith('AmazonSQS.') ? target.slice('AmazonSQS.'.length) : '';
      if (action === 'StartMessageMoveTask' || action === 'ListMessageMoveTasks' || action === 'CancelMessageMoveTask') {
        void readJson(request).then((body) => this.answer(response, action, body));
      } else {
        this.forward(request, response);
      }
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  /** Stops accepting requests and waits for running moves to finish. */
  async stop(): Promise<void> {
    const server = this.server;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    for (const task of this.tasks) if (task.status === 'RUNNING') task.status = 'CANCELLING';
    await Promise.allSettled(this.tasks.map((task) => task.done));
  }

  private forward(request: IncomingMessage, response: ServerResponse): void {
    const upstream = new URL(this.options.upstream);
    const proxied = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers: { ...request.headers, host: upstream.host } },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    proxied.on('error', (error) => {
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify({ __type: 'com.amazonaws.sqs#InternalError', message: `fauxqs unreachable: ${error.message}` }));
    });
    request.pipe(proxied);
  }

  private async answer(response: ServerResponse, action: string, body: Record<string, unknown>): Promise<void> {
    const [status, payload] = await this.call(action, body).catch((failure: unknown): [number, unknown] => [
      500,
      { __type: 'com.amazonaws.sqs#InternalError', message: (failure as Error).message },
    ]);
    response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
    response.end(JSON.stringify(payload));
  }

  private async call(action: string, body: Record<string, unknown>): Promise<[number, unknown]> {
    const error = (type: string, message: string): [number, unknown] => [400, { __type: `com.amazonaws.sqs#${type}`, message }];
    if (action === 'ListMessageMoveTasks') {
      const sourceArn = String(body.SourceArn ?? '');
      if (!this.queue(sourceArn))
        return error('ResourceNotFoundException', `The resource that you specified for the SourceArn parameter doesn't exist: ${sourceArn}`);
      const max = Math.min(10, Math.max(1, Number(body.MaxResults ?? 1)));
      const results = this.tasks
        .filter((task) => task.sourceArn === sourceArn)
        .slice(0, max)
        .map((task) => describe(task));
      return [200, { Results: results }];
    }
    if (action === 'CancelMessageMoveTask') {
      const task = this.tasks.find((candidate) => candidate.taskHandle === body.TaskHandle);
      if (!task) return error('ResourceNotFoundException', 'no such task');
      if (task.status !== 'RUNNING') return error('UnsupportedOperation', 'only a running task can be cancelled');
      task.status = 'CANCELLING';
      return [200, { ApproximateNumberOfMessagesMoved: task.moved }];
    }
    const sourceArn = String(body.SourceArn ?? '');
    const queue = this.queue(sourceArn);
    if (!queue) return error('ResourceNotFoundException', `The resource that you specified for the SourceArn parameter doesn't exist: ${sourceArn}`);
    const destinationArn = typeof body.DestinationArn === 'string' ? body.DestinationArn : queue.queueArn;
    const destination = this.options.queues.find((candidate) => candidate.queueArn === destinationArn);
    if (!destination) return error('InvalidParameterValue', `DestinationArn ${destinationArn} is not a queue of the local runtime`);
    if (this.tasks.some((task) => task.sourceArn === sourceArn && (task.status === 'RUNNING' || task.status === 'CANCELLING'))) {
      return error('UnsupportedOperation', 'There is already a task running. Only one active task is allowed for a source queue arn at a given time.');
    }
    const maxPerSecond = body.MaxNumberOfMessagesPerSecond === undefined ? undefined : Number(body.MaxNumberOfMessagesPerSecond);
    if (maxPerSecond !== undefined && !(maxPerSecond >= 1 && maxPerSecond <= 500))
      return error('InvalidParameterValue', 'MaxNumberOfMessagesPerSecond must be between 1 and 500');
    const task: Task = {
      taskHandle: Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn })).toString('base64'),
      sourceArn,
      sourceUrl: queue.deadLetterQueueUrl,
      destinationArn,
      destinationUrl: destination.queueUrl,
      ...(maxPerSecond !== undefined ? { maxPerSecond } : {}),
      startedTimestamp: Date.now(),
      status: 'RUNNING',
      moved: 0,
    };
    // Counted before answering, as SQS reports the count of a task it has started.
    task.toMove = await visible(this.options.sqs, task.sourceUrl);
    this.tasks.unshift(task);
    task.done = this.move(task).catch((failure: unknown) => {
      task.status = 'FAILED';
      task.failureReason = (failure as Error).message;
    });
    return [200, { TaskHandle: task.taskHandle }];
  }

  private queue(deadLetterQueueArn: string): MovableQueue | undefined {
    return this.options.queues.find((queue) => queue.deadLetterQueueArn === deadLetterQueueArn);
  }

  private async move(task: Task): Promise<void> {
    const { sqs } = this.options;
    const started = Date.now();
    while (task.status === 'RUNNING') {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: task.sourceUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          VisibilityTimeout: 60,
          MessageAttributeNames: ['All'],
        }),
      );
      if (Messages.length === 0) {
        if ((await visible(sqs, task.sourceUrl)) === 0) break;
        await sleep(100);
        continue;
      }
      const sent = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: task.destinationUrl,
          Entries: Messages.map((message, index) => ({
            Id: String(index),
            MessageBody: message.Body ?? '',
            ...(message.MessageAttributes && Object.keys(message.MessageAttributes).length ? { MessageAttributes: message.MessageAttributes } : {}),
          })),
        }),
      );
      const ok = new Set((sent.Successful ?? []).map((entry) => entry.Id));
      const moved = Messages.filter((_, index) => ok.has(String(index)));
      const unsent = Messages.filter((_, index) => !ok.has(String(index)));
      if (moved.length) {
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: task.sourceUrl,
            Entries: moved.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
          }),
        );
      }
      if (unsent.length) {
        await sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: task.sourceUrl,
            Entries: unsent.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle!, VisibilityTimeout: 0 })),
          }),
        );
      }
      task.moved += moved.length;
      if (task.maxPerSecond) {
        const due = started + (task.moved / task.maxPerSecond) * 1000;
        if (due > Date.now()) await sleep(due - Date.now());
      }
    }
    task.status = task.status === 'CANCELLING' ? 'CANCELLED' : 'COMPLETED';
  }
}

function describe(task: Task): Record<string, unknown> {
  return {
    TaskHandle: task.status === 'RUNNING' ? task.taskHandle : undefined,
    Status: task.status,
    SourceArn: task.sourceArn,
    DestinationArn: task.destinationArn,
    ...(task.maxPerSecond !== undefined ? { MaxNumberOfMessagesPerSecond: task.maxPerSecond } : {}),
    ApproximateNumberOfMessagesMoved: task.moved,
    ...(task.toMove !== undefined ? { ApproximateNumberOfMessagesToMove: task.toMove } : {}),
    ...(task.failureReason ? { FailureReason: task.failureReason } : {}),
    StartedTimestamp: task.startedTimestamp,
  };
}

async function visible(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
}

function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>);
      } catch {
        resolve({});
      }
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
